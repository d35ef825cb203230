package io.github.evasync.http;

import io.github.evasync.internal.http.FieldChecks;
import io.github.evasync.internal.tcp.Tcp;
import io.github.evasync.tls.TlsOptions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
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
            new HttpClientOptions("GET", Headers.empty(), null, DEFAULT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, 0, null, null);

    private final String method;
    private final Headers headers;
    private final byte[] body;
    private final Duration timeout;
    private final long maxResponseBytes;
    private final int followRedirects;
    /** The client's TLS settings for https://, or null for the shared default. */
    private final TlsOptions tls;
    /** The Unix-domain socket every request goes to, or null to connect to the URI's host. */
    private final Path unixSocket;

    private HttpClientOptions(String method, Headers headers, byte[] body, Duration timeout,
                              long maxResponseBytes, int followRedirects, TlsOptions tls, Path unixSocket) {
        this.unixSocket = unixSocket;
        this.method = method;
        this.headers = headers;
        this.body = body;
        this.timeout = timeout;
        this.maxResponseBytes = maxResponseBytes;
        this.followRedirects = followRedirects;
        this.tls = tls;
    }

    /** The default TLS settings, made on first use so that plain HTTP never touches TLS. */
    private static final class DefaultTls {
        static final TlsOptions CLIENT = TlsOptions.client();
    }

    /**
     * {@return the defaults: GET, no extra headers, no body, a 30 s timeout, bodies up to 64 MiB,
     * redirects not followed, {@code https://} verified against the system's CA certificates}
     */
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
        if (!FieldChecks.isToken(method)) {
            throw new IllegalArgumentException("method is not a token: " + method);
        }
        return new HttpClientOptions(method, headers, body, timeout, maxResponseBytes, followRedirects, tls, unixSocket);
    }

    /**
     * The extra header fields, replacing any set before. They are sent in the map's iteration
     * order, so an ordered map ({@link java.util.LinkedHashMap}) keeps its order on the wire. A
     * {@code Host} given here, in any letter case, is sent instead of the one made from the URI;
     * Content-Length and Transfer-Encoding are never taken from here (the body sets them).
     *
     * @param headers names and values: each name a token (no space, colon or other delimiter),
     *                each value HTAB, visible characters and ISO-8859-1 letters only (no CR, LF,
     *                NUL or other control character); at most one name may be {@code Host} in
     *                any letter case
     * @return options with these headers
     * @throws IllegalArgumentException if a name or value breaks those rules, or {@code Host} is given twice
     */
    public HttpClientOptions headers(Map<String, String> headers) {
        Objects.requireNonNull(headers, "headers");
        Headers.Builder b = Headers.builder();
        String host = null;
        for (Map.Entry<String, String> e : FieldChecks.entries(headers)) {
            String name = FieldChecks.name(e.getKey());
            if (name.equalsIgnoreCase("Host")) {
                if (host != null) {
                    throw new IllegalArgumentException("headers hold Host twice: " + host + " and " + name);
                }
                host = name;
            }
            b.add(name, FieldChecks.value(name, e.getValue()));
        }
        return new HttpClientOptions(method, b.build(), body, timeout, maxResponseBytes, followRedirects, tls, unixSocket);
    }

    /**
     * The extra header fields, replacing any set before, with their order and repeated names
     * kept ({@code Headers.of("Accept", "a", "Accept", "b")} sends two {@code Accept} fields).
     * Otherwise as {@link #headers(Map)}.
     *
     * @param headers the fields
     * @return options with these headers
     */
    public HttpClientOptions headers(Headers headers) {
        return headers((Map<String, String>) headers);
    }

    /**
     * Follows up to {@code max} redirects (301, 302, 303, 307, 308 with a {@code Location}):
     * 303, and 301/302 after a POST, go on as a GET without a body, as browsers do; 307 and 308
     * repeat the method and body. A redirect to another host drops {@code Authorization} and
     * {@code Cookie}. Past {@code max}, the last 3xx is the answer. Default 0: a 3xx is the answer.
     *
     * @param max how many redirects to follow, 0 or more
     * @return options with this limit
     */
    public HttpClientOptions followRedirects(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("followRedirects must not be negative: " + max);
        }
        return new HttpClientOptions(method, headers, body, timeout, maxResponseBytes, max, tls, unixSocket);
    }

    /**
     * The TLS settings of {@code https://} requests (and of redirects to one); plain
     * {@code http://} ignores them. The default is one shared {@link TlsOptions#client()}: the
     * server's chain is verified against the system's CA certificates and must name the URI's
     * host, which also goes out as SNI (unless these settings name a
     * {@link TlsOptions#serverName(String) serverName}). A failed handshake is one
     * {@code TlsError} to the request's handler (or its future).
     *
     * <p>Keep-alive connections are kept per scheme, host, port and settings instance: an
     * {@code https://} request never reuses a connection made for {@code http://} or with other
     * settings. As each instance has its own OpenSSL context, build it once and reuse it:
     * <pre>{@code
     * TlsOptions tls = TlsOptions.client().trust(Path.of("ca.pem"));
     * HttpClientOptions options = HttpClientOptions.defaults().tls(tls);
     * }</pre>
     *
     * @param tls client settings ({@link TlsOptions#client()}), or null for the default
     * @return options with these TLS settings
     * @throws IllegalArgumentException for server settings
     */
    public HttpClientOptions tls(TlsOptions tls) {
        if (tls != null && tls.isServer()) {
            throw new IllegalArgumentException("tls must be client settings (TlsOptions.client()) on a client: " + tls);
        }
        return new HttpClientOptions(method, headers, body, timeout, maxResponseBytes, followRedirects, tls, unixSocket);
    }

    /** {@return the TLS settings of {@code https://} requests: those set, or the shared default} */
    public TlsOptions tls() {
        return tls != null ? tls : DefaultTls.CLIENT;
    }

    /**
     * Sends every request to the Unix-domain stream socket file {@code path} whatever the URI's
     * host (as {@code curl --unix-socket}): the URI still gives the {@code Host} field, the path
     * and the scheme ({@code https://} speaks TLS on the socket and checks the certificate
     * against the URI's host). Connections are kept alive per socket file as per host;
     * redirects are followed on the same socket.
     *
     * @param path the socket file a server listens on, or null to connect to the URI's host
     * @return options with this socket
     * @throws IllegalArgumentException if the path is empty or longer than 107 bytes
     */
    public HttpClientOptions unixSocket(Path path) {
        if (path != null) {
            Tcp.checkUnixPath(path, "unixSocket");
        }
        return new HttpClientOptions(method, headers, body, timeout, maxResponseBytes, followRedirects, tls, path);
    }

    /** {@return the Unix-domain socket requests go to, or null for the URI's host} */
    public Path unixSocket() {
        return unixSocket;
    }

    /** {@return how many redirects are followed} */
    public int followRedirects() {
        return followRedirects;
    }

    /**
     * Adds one header field, after those set before; a name set before in the same spelling
     * keeps its place and takes the new value. A {@code Host} replaces any {@code Host} set
     * before, whatever its letter case, so that one is sent.
     *
     * @param name the name, a token
     * @param value the value: HTAB, visible characters and ISO-8859-1 letters only
     * @return options with this header added
     * @throws IllegalArgumentException if the name or value breaks those rules
     */
    public HttpClientOptions header(String name, String value) {
        FieldChecks.value(FieldChecks.name(name), value);
        Headers.Builder b = Headers.builder();
        boolean host = name.equalsIgnoreCase("Host");
        boolean replaced = false;
        for (Map.Entry<String, String> e : headers.fields()) {
            if (host && e.getKey().equalsIgnoreCase("Host")) {
                continue; // one Host only: the new one, added last
            }
            if (!host && e.getKey().equals(name)) {
                // A name set before in the same spelling keeps its place and takes the new value.
                if (!replaced) {
                    b.add(name, value);
                    replaced = true;
                }
                continue;
            }
            b.add(e.getKey(), e.getValue());
        }
        if (!replaced) {
            b.add(name, value);
        }
        return new HttpClientOptions(method, b.build(), body, timeout, maxResponseBytes, followRedirects, tls, unixSocket);
    }

    /**
     * The request body, sent with its Content-Length.
     *
     * @param body the bytes (copied), or null for none
     * @return options with this body
     */
    public HttpClientOptions body(byte[] body) {
        return new HttpClientOptions(method, headers, body == null ? null : body.clone(), timeout, maxResponseBytes, followRedirects, tls, unixSocket);
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
        return new HttpClientOptions(method, headers, body, timeout, maxResponseBytes, followRedirects, tls, unixSocket);
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
        return new HttpClientOptions(method, headers, body, timeout, maxResponseBytes, followRedirects, tls, unixSocket);
    }

    /** {@return the method} */
    public String method() {
        return method;
    }

    /** {@return the extra header fields, in the order they are sent} */
    public Headers headers() {
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
}
