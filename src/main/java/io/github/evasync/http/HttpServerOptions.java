package io.github.evasync.http;

import java.time.Duration;

/** Limits and timeouts of an {@link HttpServer}: immutable, built from {@link #defaults()}. */
public final class HttpServerOptions {
    private static final HttpServerOptions DEFAULTS = new HttpServerOptions(8 * 1024, 1024 * 1024,
            Duration.ofSeconds(10), Duration.ofSeconds(60), 16, false);

    private final int maxHeaderBytes;
    private final int maxBodyBytes;
    private final Duration headerTimeout;
    private final Duration keepAliveTimeout;
    private final int maxPipelined;
    private final boolean reusePort;

    private HttpServerOptions(int maxHeaderBytes, int maxBodyBytes, Duration headerTimeout,
                              Duration keepAliveTimeout, int maxPipelined, boolean reusePort) {
        this.maxHeaderBytes = maxHeaderBytes;
        this.maxBodyBytes = maxBodyBytes;
        this.headerTimeout = headerTimeout;
        this.keepAliveTimeout = keepAliveTimeout;
        this.maxPipelined = maxPipelined;
        this.reusePort = reusePort;
    }

    /**
     * 8 KiB of request line and headers (431, or 414 for a long request line), 1 MiB of body
     * (413), 10 s to send the headers, 60 s idle between requests, 16 requests queued per
     * connection.
     * @return the defaults: 8 KiB of request line and headers (431, or 414 for a long request line), 1 MiB of body (413), 10 s to send the headers, 60 s idle between requests, 16 requests queued per connection
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
        return new HttpServerOptions(bytes, maxBodyBytes, headerTimeout, keepAliveTimeout, maxPipelined, reusePort);
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
        return new HttpServerOptions(maxHeaderBytes, bytes, headerTimeout, keepAliveTimeout, maxPipelined, reusePort);
    }

    /**
     * How long a client has, from the first byte of a request, to send all its headers.
     *
     * @param timeout a positive duration
     * @return options with this timeout
     */
    public HttpServerOptions headerTimeout(Duration timeout) {
        checkPositive(timeout, "headerTimeout");
        return new HttpServerOptions(maxHeaderBytes, maxBodyBytes, timeout, keepAliveTimeout, maxPipelined, reusePort);
    }

    /**
     * How long a connection may wait idle for its next request.
     *
     * @param timeout a positive duration
     * @return options with this timeout
     */
    public HttpServerOptions keepAliveTimeout(Duration timeout) {
        checkPositive(timeout, "keepAliveTimeout");
        return new HttpServerOptions(maxHeaderBytes, maxBodyBytes, headerTimeout, timeout, maxPipelined, reusePort);
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
        return new HttpServerOptions(maxHeaderBytes, maxBodyBytes, headerTimeout, keepAliveTimeout, count, reusePort);
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
        return new HttpServerOptions(maxHeaderBytes, maxBodyBytes, headerTimeout, keepAliveTimeout, maxPipelined,
                reusePort);
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
