package io.github.evasync.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
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
    /** The default largest response body accepted: 64 MiB. */
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 64L << 20;
    private static final HttpClientOptions DEFAULTS =
            new HttpClientOptions("GET", Map.of(), null, DEFAULT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES);

    private final String method;
    private final Map<String, String> headers;
    private final byte[] body;
    private final Duration timeout;
    private final long maxResponseBytes;

    private HttpClientOptions(String method, Map<String, String> headers, byte[] body, Duration timeout,
                              long maxResponseBytes) {
        this.method = method;
        this.headers = headers;
        this.body = body;
        this.timeout = timeout;
        this.maxResponseBytes = maxResponseBytes;
    }

    /** {@return the defaults: GET, no extra headers, no body, a 30 s timeout, bodies up to 64 MiB} */
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
        return new HttpClientOptions(method, headers, body, timeout, maxResponseBytes);
    }

    /**
     * The extra header fields, replacing any set before. They are sent in the map's iteration
     * order, so an ordered map ({@link LinkedHashMap}) keeps its order on the wire. A
     * {@code Host} given here, in any letter case, is sent instead of the one made from the URI;
     * Content-Length and Transfer-Encoding are never taken from here (the body sets them).
     *
     * @param headers names and values; none may hold CR, LF or NUL, and at most one name may
     *                be {@code Host} in any letter case
     * @return options with these headers
     * @throws IllegalArgumentException if a name or value holds CR, LF or NUL, or {@code Host} is given twice
     */
    public HttpClientOptions headers(Map<String, String> headers) {
        Objects.requireNonNull(headers, "headers");
        Map<String, String> copy = new LinkedHashMap<>();
        String host = null;
        for (Map.Entry<String, String> e : headers.entrySet()) {
            String name = check(e.getKey(), "header name");
            if (name.equalsIgnoreCase("Host")) {
                if (host != null) {
                    throw new IllegalArgumentException("headers hold Host twice: " + host + " and " + name);
                }
                host = name;
            }
            copy.put(name, check(e.getValue(), "header value"));
        }
        return new HttpClientOptions(method, Collections.unmodifiableMap(copy), body, timeout, maxResponseBytes);
    }

    /**
     * Adds one header field, after those set before; a name set before in the same spelling
     * keeps its place and takes the new value. A {@code Host} replaces any {@code Host} set
     * before, whatever its letter case, so that one is sent.
     *
     * @param name the name
     * @param value the value; no CR, LF or NUL
     * @return options with this header added
     */
    public HttpClientOptions header(String name, String value) {
        check(name, "header name");
        check(value, "header value");
        Map<String, String> copy = new LinkedHashMap<>(headers);
        if (name.equalsIgnoreCase("Host")) {
            copy.keySet().removeIf(k -> k.equalsIgnoreCase("Host"));
        }
        copy.put(name, value);
        return new HttpClientOptions(method, Collections.unmodifiableMap(copy), body, timeout, maxResponseBytes);
    }

    /**
     * The request body, sent with its Content-Length.
     *
     * @param body the bytes (copied), or null for none
     * @return options with this body
     */
    public HttpClientOptions body(byte[] body) {
        return new HttpClientOptions(method, headers, body == null ? null : body.clone(), timeout, maxResponseBytes);
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
        return new HttpClientOptions(method, headers, body, timeout, maxResponseBytes);
    }

    /**
     * The largest response body accepted (default {@value #DEFAULT_MAX_RESPONSE_BYTES}, 64 MiB).
     * A response whose Content-Length is larger, or whose chunked or close-delimited body grows
     * past it, fails the request with an {@code HttpError} and its connection is closed; the
     * body is never delivered in part. A body is one {@code byte[]}, so a limit over
     * {@code Integer.MAX_VALUE - 8} acts as that.
     *
     * @param maxResponseBytes a positive number of bytes
     * @return options with this limit
     * @throws IllegalArgumentException if {@code maxResponseBytes} is not positive
     */
    public HttpClientOptions maxResponseBytes(long maxResponseBytes) {
        if (maxResponseBytes <= 0) {
            throw new IllegalArgumentException("maxResponseBytes must be positive: " + maxResponseBytes);
        }
        return new HttpClientOptions(method, headers, body, timeout, maxResponseBytes);
    }

    /** {@return the method} */
    public String method() {
        return method;
    }

    /** {@return the extra header fields, in the order they are sent} */
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

    /** {@return the largest response body accepted, in bytes} */
    public long maxResponseBytes() {
        return maxResponseBytes;
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
