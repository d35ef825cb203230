package io.github.evasync.http;

import io.github.evasync.tls.TlsOptions;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Limits and timeouts of an {@link HttpServer}: immutable, built from {@link #defaults()} by
 * chaining, each setter returning new options.
 */
public final class HttpServerOptions {
    private static final HttpServerOptions DEFAULTS = new HttpServerOptions();

    private int maxHeaderBytes = 8 * 1024;
    private int maxBodyBytes = 1024 * 1024;
    private Duration headerTimeout = Duration.ofSeconds(10);
    private Duration keepAliveTimeout = Duration.ofSeconds(60);
    private Duration bodyTimeout = Duration.ofSeconds(30);
    private Duration writeTimeout = Duration.ofSeconds(60);
    private long outputHighWatermark = 1024 * 1024;
    private int maxPipelined = 16;
    private boolean reusePort;
    private boolean streamRequestBodies;
    private TlsOptions tls;

    private HttpServerOptions() {
    }

    /** A copy of these options with one change; the options themselves never change. */
    private HttpServerOptions with(Consumer<HttpServerOptions> change) {
        HttpServerOptions o = new HttpServerOptions();
        o.maxHeaderBytes = maxHeaderBytes;
        o.maxBodyBytes = maxBodyBytes;
        o.headerTimeout = headerTimeout;
        o.keepAliveTimeout = keepAliveTimeout;
        o.bodyTimeout = bodyTimeout;
        o.writeTimeout = writeTimeout;
        o.outputHighWatermark = outputHighWatermark;
        o.maxPipelined = maxPipelined;
        o.reusePort = reusePort;
        o.streamRequestBodies = streamRequestBodies;
        o.tls = tls;
        change.accept(o);
        return o;
    }

    /**
     * The defaults: 8 KiB of request line and headers (431, or 414 for a long request line),
     * 1 MiB of body (413), 10 s to send the headers, 30 s of silence at most while a body
     * arrives, 60 s idle between requests, 60 s at most without progress in sending an answer,
     * 1 MiB of unsent output before the server stops reading a connection, 16 requests queued
     * per connection.
     *
     * @return the defaults
     */
    public static HttpServerOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The most bytes of request line and headers.
     *
     * @param bytes at least 256
     * @return options with this limit
     */
    public HttpServerOptions maxHeaderBytes(int bytes) {
        if (bytes < 256) {
            throw new IllegalArgumentException("maxHeaderBytes must be at least 256: " + bytes);
        }
        return with(o -> o.maxHeaderBytes = bytes);
    }

    /**
     * The most bytes of request body.
     *
     * @param bytes zero or more
     * @return options with this limit
     */
    public HttpServerOptions maxBodyBytes(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes must not be negative: " + bytes);
        }
        return with(o -> o.maxBodyBytes = bytes);
    }

    /**
     * How long a client has, from the first byte of a request, to send all its headers; then
     * it gets 408 and the connection closes.
     *
     * @param timeout a positive duration
     * @return options with this timeout
     */
    public HttpServerOptions headerTimeout(Duration timeout) {
        checkPositive(timeout, "headerTimeout");
        return with(o -> o.headerTimeout = timeout);
    }

    /**
     * The longest silence while a request body is arriving; then the client gets 408 and the
     * connection closes. Each arrival of body bytes starts it again.
     *
     * @param timeout a positive duration
     * @return options with this timeout
     */
    public HttpServerOptions bodyTimeout(Duration timeout) {
        checkPositive(timeout, "bodyTimeout");
        return with(o -> o.bodyTimeout = timeout);
    }

    /**
     * How long an answer's bytes may make no progress towards the client (a client that does
     * not read); then the connection closes.
     *
     * @param timeout a positive duration
     * @return options with this timeout
     */
    public HttpServerOptions writeTimeout(Duration timeout) {
        checkPositive(timeout, "writeTimeout");
        return with(o -> o.writeTimeout = timeout);
    }

    /**
     * How much unsent output a connection may hold before the server stops reading and parsing
     * from it (further pipelined requests wait in the kernel, which pushes back on the client);
     * reading resumes once it is below half of this. Bounds the memory a client that sends but
     * does not read can make the server hold. Unsent output counts what waits in the kernel too:
     * on Linux the kernel is asked to keep at most a quarter of this (4-128 KiB) unsent on the
     * socket ({@code TCP_NOTSENT_LOWAT}) and the server's own buffer holds the rest, so such a
     * client cannot get megabytes of answers made in the kernel's send buffer first.
     *
     * @param bytes at least 1
     * @return options with this bound
     */
    public HttpServerOptions outputHighWatermark(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("outputHighWatermark must be at least 1: " + bytes);
        }
        return with(o -> o.outputHighWatermark = bytes);
    }

    /**
     * How long a connection may wait idle for its next request.
     *
     * @param timeout a positive duration
     * @return options with this timeout
     */
    public HttpServerOptions keepAliveTimeout(Duration timeout) {
        checkPositive(timeout, "keepAliveTimeout");
        return with(o -> o.keepAliveTimeout = timeout);
    }

    /**
     * How many requests of one connection may wait for their answers; past that the server
     * stops reading from it until answers go out.
     *
     * @param count at least 1
     * @return options with this limit
     */
    public HttpServerOptions maxPipelined(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("maxPipelined must be at least 1: " + count);
        }
        return with(o -> o.maxPipelined = count);
    }

    /**
     * Sets SO_REUSEPORT on the listening socket, so that several loops can each bind a server to
     * the same address and port and the kernel spreads new connections among them (see
     * {@link io.github.evasync.LoopGroup}).
     *
     * @param reusePort true to set it
     * @return options with this setting
     */
    public HttpServerOptions reusePort(boolean reusePort) {
        return with(o -> o.reusePort = reusePort);
    }

    /**
     * Streams request bodies instead of collecting them: the handler runs as soon as a head is
     * complete, {@link HttpRequest#body()} throws, and the body comes in pieces to
     * {@link HttpRequest#onBody(BodyCallback)}, with {@link HttpRequest#pause()} and
     * {@link HttpRequest#resume()} for back-pressure. {@link #maxBodyBytes(int)} does not apply.
     * Default false.
     *
     * @param stream true to stream
     * @return options with this setting
     */
    public HttpServerOptions streamRequestBodies(boolean stream) {
        return with(o -> o.streamRequestBodies = stream);
    }

    /**
     * Serves HTTPS: every accepted connection speaks TLS, and the handler, the request and its
     * answers see plain bytes as over HTTP. A handshake that fails (a client that does not trust
     * the certificate, one that speaks plain HTTP to this port) closes that connection and goes to
     * the server's event handler as a {@code TlsError} (one that outlives its timeout as a
     * {@code TcpTimeout}); the handler never sees it as a request, and the loop goes on.
     * <pre>{@code
     * HttpServerOptions.defaults().tls(TlsOptions.server(Path.of("chain.pem"), Path.of("key.pem")))
     * }</pre>
     *
     * @param tls server settings ({@link TlsOptions#server(java.nio.file.Path, java.nio.file.Path)}),
     *            or null for plain HTTP (the default)
     * @return options with these TLS settings
     * @throws IllegalArgumentException for client settings
     */
    public HttpServerOptions tls(TlsOptions tls) {
        if (tls != null && !tls.isServer()) {
            throw new IllegalArgumentException("tls must be server settings (TlsOptions.server(...)) on a server: " + tls);
        }
        return with(o -> o.tls = tls);
    }

    /** {@return the TLS settings, or null for plain HTTP} */
    public TlsOptions tls() {
        return tls;
    }

    /** {@return whether request bodies stream to {@link HttpRequest#onBody(BodyCallback)}} */
    public boolean streamRequestBodies() {
        return streamRequestBodies;
    }

    /** {@return whether the listening socket gets SO_REUSEPORT} */
    public boolean reusePort() {
        return reusePort;
    }

    /** {@return the most bytes of request line and headers} */
    public int maxHeaderBytes() {
        return maxHeaderBytes;
    }

    /** {@return the most bytes of request body} */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** {@return how long a client has to send its headers} */
    public Duration headerTimeout() {
        return headerTimeout;
    }

    /** {@return the longest silence while a request body arrives} */
    public Duration bodyTimeout() {
        return bodyTimeout;
    }

    /** {@return how long an answer may make no progress towards the client} */
    public Duration writeTimeout() {
        return writeTimeout;
    }

    /** {@return how much unsent output stops reading from a connection} */
    public long outputHighWatermark() {
        return outputHighWatermark;
    }

    /** {@return how long a connection may wait idle} */
    public Duration keepAliveTimeout() {
        return keepAliveTimeout;
    }

    /** {@return how many requests of one connection may wait for answers} */
    public int maxPipelined() {
        return maxPipelined;
    }

    private static void checkPositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }
}
