package io.github.evasync.http;

/** Receives the response of {@code loop.httpClient} (cl-async's {@code request-cb}). */
@FunctionalInterface
public interface HttpResponseCallback {
    /**
     * Handles a complete response.
     *
     * @param status the status code
     * @param headers the header fields
     * @param body the body; empty when there is none
     */
    void onResponse(int status, Headers headers, byte[] body);
}
