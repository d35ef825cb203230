package io.github.evasync.http;

/**
 * A complete response, as {@code loop.http} delivers it.
 *
 * @param status the status code
 * @param headers the header fields
 * @param body the body; empty when there is none
 */
public record HttpResponse(int status, Headers headers, byte[] body) {
    /** {@return the body decoded as UTF-8} */
    public String bodyText() {
        return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
}
