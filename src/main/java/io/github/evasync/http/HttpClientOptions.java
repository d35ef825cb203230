package io.github.evasync.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Options of {@code loop.httpClient}: immutable, built by chaining from {@link #defaults()}.
 * <pre>{@code
 * HttpClientOptions.defaults().method("POST").header("Content-Type", "text/plain").body("hi")
 * }</pre>
 */
public final class HttpClientOptions {
    /** The default time a whole exchange may take. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClientOptions DEFAULTS =
            new HttpClientOptions("GET", Map.of(), null, DEFAULT_TIMEOUT);

    private final String method;
    private final Map<String, String> headers;
    private final byte[] body;
    private final Duration timeout;

    private HttpClientOptions(String method, Map<String, String> headers, byte[] body, Duration timeout) {
        this.method = method;
        this.headers = headers;
        this.body = body;
        this.timeout = timeout;
    }

    /** {@return the defaults: GET, no extra headers, no body, a 30 s timeout} */
    public static HttpClientOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The request method.
     *
     * @param method a token such as {@code POST}
     * @return options with this method
     */
    public HttpClientOptions method(String method) {
        Objects.requireNonNull(method, "method");
        if (method.isEmpty() || method.chars().anyMatch(c -> c <= 32 || c >= 127)) {
            throw new IllegalArgumentException("method is not a token: " + method);
        }
        return new HttpClientOptions(method, headers, body, timeout);
    }

    /**
     * The extra header fields, replacing any set before.
     *
     * @param headers names and values; none may hold CR, LF or NUL
     * @return options with these headers
     */
    public HttpClientOptions headers(Map<String, String> headers) {
        Objects.requireNonNull(headers, "headers");
        Map<String, String> copy = new LinkedHashMap<>();
        headers.forEach((k, v) -> copy.put(check(k, "header name"), check(v, "header value")));
        return new HttpClientOptions(method, Map.copyOf(copy), body, timeout);
    }

    /**
     * Adds one header field.
     *
     * @param name the name
     * @param value the value; no CR, LF or NUL
     * @return options with this header added
     */
    public HttpClientOptions header(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(check(name, "header name"), check(value, "header value"));
        return new HttpClientOptions(method, Map.copyOf(copy), body, timeout);
    }

    /**
     * The request body, sent with its Content-Length.
     *
     * @param body the bytes (copied), or null for none
     * @return options with this body
     */
    public HttpClientOptions body(byte[] body) {
        return new HttpClientOptions(method, headers, body == null ? null : body.clone(), timeout);
    }

    /**
     * The request body as UTF-8 text.
     *
     * @param body the text, or null for none
     * @return options with this body
     */
    public HttpClientOptions body(String body) {
        return body(body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * How long the whole exchange may take before {@code HttpTimeout}.
     *
     * @param timeout a positive duration
     * @return options with this timeout
     */
    public HttpClientOptions timeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        return new HttpClientOptions(method, headers, body, timeout);
    }

    /** {@return the method} */
    public String method() {
        return method;
    }

    /** {@return the extra header fields} */
    public Map<String, String> headers() {
        return headers;
    }

    /** {@return the body, or null} */
    public byte[] body() {
        return body == null ? null : body.clone();
    }

    /** {@return the timeout} */
    public Duration timeout() {
        return timeout;
    }

    private static String check(String s, String what) {
        Objects.requireNonNull(s, what);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException(what + " holds CR, LF or NUL: " + s.replace("\r", "\\r").replace("\n", "\\n"));
            }
        }
        return s;
    }
}
