package io.github.evasync.http;

/** Handles the requests of an {@link HttpServer} (cl-async's {@code request-cb}). */
@FunctionalInterface
public interface HttpHandler {
    /**
     * Handles one request. It may be answered now or later, from any callback on the loop,
     * with {@link HttpRequest#respond} or a chunked stream.
     *
     * @param request the request
     */
    void onRequest(HttpRequest request);
}
