package io.github.evasync.tcp;

import io.github.evasync.tls.TlsOptions;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Options of {@code loop.tcpConnect}: immutable, built by chaining from {@link #defaults()}.
 * <pre>{@code
 * TcpOptions o = TcpOptions.defaults().data("GET / HTTP/1.0\r\n\r\n").readTimeout(Duration.ofSeconds(5));
 * }</pre>
 */
public final class TcpOptions {
    private static final TcpOptions DEFAULTS = new TcpOptions(null, null, null, null, null, null, true, null, false);

    /** The longest keepalive idle time Linux takes ({@code TCP_KEEPIDLE}'s limit), in seconds. */
    public static final int MAX_KEEPALIVE_SECONDS = 32767;

    private final byte[] data;
    private final ConnectCallback connectCallback;
    private final WriteCallback writeCallback;
    private final Duration readTimeout;
    private final Duration writeTimeout;
    private final TlsOptions tls;
    private final boolean noDelay;
    private final Duration keepAlive;
    private final boolean allowHalfOpen;

    private TcpOptions(byte[] data, ConnectCallback connectCallback, WriteCallback writeCallback,
                       Duration readTimeout, Duration writeTimeout, TlsOptions tls, boolean noDelay,
                       Duration keepAlive, boolean allowHalfOpen) {
        this.noDelay = noDelay;
        this.keepAlive = keepAlive;
        this.allowHalfOpen = allowHalfOpen;
        this.data = data;
        this.connectCallback = connectCallback;
        this.writeCallback = writeCallback;
        this.readTimeout = readTimeout;
        this.writeTimeout = writeTimeout;
        this.tls = tls;
    }

    /** {@return the defaults: no data, no callbacks, no timeouts, TCP_NODELAY on, no keepalive, no half-open} */
    public static TcpOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Bytes to send as soon as the connection is up, before anything written later.
     *
     * @param data the bytes (copied), or null
     * @return options with this data
     */
    public TcpOptions data(byte[] data) {
        return new TcpOptions(data == null ? null : data.clone(), connectCallback, writeCallback, readTimeout,
                writeTimeout, tls, noDelay, keepAlive, allowHalfOpen);
    }

    /**
     * Text to send first, as UTF-8.
     *
     * @param data the text, or null
     * @return options with this data
     */
    public TcpOptions data(String data) {
        return data(data == null ? null : data.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Called once the connection is up.
     *
     * @param callback the callback, or null
     * @return options with this callback
     */
    public TcpOptions connectCallback(ConnectCallback callback) {
        return new TcpOptions(data, callback, writeCallback, readTimeout, writeTimeout, tls, noDelay, keepAlive, allowHalfOpen);
    }

    /**
     * Called once {@link #data(byte[]) data} has reached the kernel.
     *
     * @param callback the callback, or null
     * @return options with this callback
     */
    public TcpOptions writeCallback(WriteCallback callback) {
        return new TcpOptions(data, connectCallback, callback, readTimeout, writeTimeout, tls, noDelay, keepAlive, allowHalfOpen);
    }

    /**
     * How long a read may wait for data before {@code TcpTimeout}.
     *
     * @param timeout the timeout, or null for none
     * @return options with this timeout
     */
    public TcpOptions readTimeout(Duration timeout) {
        checkTimeout(timeout, "readTimeout");
        return new TcpOptions(data, connectCallback, writeCallback, timeout, writeTimeout, tls, noDelay, keepAlive, allowHalfOpen);
    }

    /**
     * How long a pending write (or the connect itself) may wait before {@code TcpTimeout}.
     *
     * @param timeout the timeout, or null for none
     * @return options with this timeout
     */
    public TcpOptions writeTimeout(Duration timeout) {
        checkTimeout(timeout, "writeTimeout");
        return new TcpOptions(data, connectCallback, writeCallback, readTimeout, timeout, tls, noDelay, keepAlive, allowHalfOpen);
    }

    /**
     * Speaks TLS on the connection: the handshake runs once connected, the connect callback runs
     * after it, and the read and write callbacks see plain bytes. A handshake that fails is a
     * {@code TlsError}; one that outlives {@link TlsOptions#handshakeTimeout(java.time.Duration)}
     * (counted from the connect call) a {@code TcpTimeout}.
     *
     * @param tls client settings ({@link TlsOptions#client()}), or null for plain TCP
     * @return options with these TLS settings
     * @throws IllegalArgumentException for server settings
     */
    public TcpOptions tls(TlsOptions tls) {
        if (tls != null && tls.isServer()) {
            throw new IllegalArgumentException("tls must be client settings (TlsOptions.client()) on a connect: " + tls);
        }
        return new TcpOptions(data, connectCallback, writeCallback, readTimeout, writeTimeout, tls, noDelay, keepAlive, allowHalfOpen);
    }

    /**
     * Whether to turn Nagle's algorithm off ({@code TCP_NODELAY}) so that small writes leave at
     * once; on by default, as in Node and Netty. Ignored on a Unix-domain socket.
     *
     * @param noDelay false to let the kernel gather small writes
     * @return options with this setting
     */
    public TcpOptions noDelay(boolean noDelay) {
        return new TcpOptions(data, connectCallback, writeCallback, readTimeout, writeTimeout, tls, noDelay, keepAlive,
                allowHalfOpen);
    }

    /**
     * Turns TCP keepalive on: after {@code idle} without traffic the kernel probes the peer (then
     * once a second, ten times, as libuv does), and a peer that has silently gone ends the
     * socket with a {@code TcpError} ({@code ETIMEDOUT}) rather than leave it open for ever.
     * Whole seconds: a part of a second counts as one. Ignored on a Unix-domain socket.
     *
     * @param idle the idle time before the first probe, at most {@value #MAX_KEEPALIVE_SECONDS}
     *     seconds; null for no keepalive (the default)
     * @return options with this setting
     * @throws IllegalArgumentException if {@code idle} is zero, negative or too long
     */
    public TcpOptions keepAlive(Duration idle) {
        checkKeepAlive(idle);
        return new TcpOptions(data, connectCallback, writeCallback, readTimeout, writeTimeout, tls, noDelay, idle,
                allowHalfOpen);
    }

    /**
     * Whether the peer's end of stream leaves the socket open for writing (Node's
     * {@code allowHalfOpen}). Off (the default): the socket gets {@code TcpEof} and closes,
     * after sending what it holds. On: it gets {@code TcpEof} and reading stops, but it stays
     * open and writable until the application closes it (or shuts its output down too).
     * The read timeout stops with the reading (there is nothing more to read); the write timeout
     * still bounds output that makes no progress, and a half-closed socket with nothing to send
     * stays open until the application closes it, as in Node.
     *
     * @param allow true to stay open
     * @return options with this setting
     */
    public TcpOptions allowHalfOpen(boolean allow) {
        return new TcpOptions(data, connectCallback, writeCallback, readTimeout, writeTimeout, tls, noDelay, keepAlive,
                allow);
    }

    /** {@return whether TCP_NODELAY is set} */
    public boolean noDelay() {
        return noDelay;
    }

    /** {@return the keepalive idle time, or null for none} */
    public Duration keepAlive() {
        return keepAlive;
    }

    /** {@return whether the socket stays open for writing after the peer's end of stream} */
    public boolean allowHalfOpen() {
        return allowHalfOpen;
    }

    /** {@return the TLS settings, or null for plain TCP} */
    public TlsOptions tls() {
        return tls;
    }

    /** {@return the bytes sent first, or null} */
    public byte[] data() {
        return data == null ? null : data.clone();
    }

    /** {@return the connect callback, or null} */
    public ConnectCallback connectCallback() {
        return connectCallback;
    }

    /** {@return the callback for {@link #data()}, or null} */
    public WriteCallback writeCallback() {
        return writeCallback;
    }

    /** {@return the read timeout, or null} */
    public Duration readTimeout() {
        return readTimeout;
    }

    /** {@return the write timeout, or null} */
    public Duration writeTimeout() {
        return writeTimeout;
    }

    static void checkKeepAlive(Duration idle) {
        if (idle == null) {
            return;
        }
        if (idle.isNegative() || idle.isZero()) {
            throw new IllegalArgumentException("keepAlive must be positive: " + idle);
        }
        if (idle.compareTo(Duration.ofSeconds(MAX_KEEPALIVE_SECONDS)) > 0) {
            throw new IllegalArgumentException("keepAlive must be at most " + MAX_KEEPALIVE_SECONDS
                    + " seconds (the kernel's limit): " + idle);
        }
    }

    static void checkTimeout(Duration d, String name) {
        if (d != null && (d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }
}
