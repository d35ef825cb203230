package io.github.evasync.http;

import java.util.Objects;

/**
 * What {@code loop.http} should send: a URI and its options.
 *
 * @param uri an {@code http://} or {@code https://} URI
 * @param options method, headers, body and timeout
 */
public record HttpRequestSpec(String uri, HttpClientOptions options) {
    /** Checks the fields. */
    public HttpRequestSpec {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(options, "options");
    }

    /**
     * A GET of {@code uri} with default options.
     *
     * @param uri an {@code http://} or {@code https://} URI
     * @return the spec
     */
    public static HttpRequestSpec get(String uri) {
        return new HttpRequestSpec(uri, HttpClientOptions.defaults());
    }
}
