package io.github.evasync.tcp;

import io.github.evasync.tls.TlsOptions;

import java.time.Duration;

/**
 * Options of {@code loop.tcpServer}: immutable, built by chaining from {@link #defaults()}.
 */
public final class ServerOptions {
    /** The default listen backlog; the kernel caps it at its own somaxconn. */
    public static final int DEFAULT_BACKLOG = 4096;

    private static final ServerOptions DEFAULTS = new ServerOptions(null, DEFAULT_BACKLOG, false, null, true, null, false);

    private final ConnectCallback connectCallback;
    private final int backlog;
    private final boolean reusePort;
    private final TlsOptions tls;
    private final boolean noDelay;
    private final Duration keepAlive;
    private final boolean allowHalfOpen;

    private ServerOptions(ConnectCallback connectCallback, int backlog, boolean reusePort, TlsOptions tls,
                          boolean noDelay, Duration keepAlive, boolean allowHalfOpen) {
        this.noDelay = noDelay;
        this.keepAlive = keepAlive;
        this.allowHalfOpen = allowHalfOpen;
        this.connectCallback = connectCallback;
        this.backlog = backlog;
        this.reusePort = reusePort;
        this.tls = tls;
    }

    /**
     * {@return the defaults: no connect callback, a backlog of {@value #DEFAULT_BACKLOG}, no
     * SO_REUSEPORT, TCP_NODELAY on accepted sockets, no keepalive, no half-open sockets}
     */
    public static ServerOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Called with each accepted socket before any of its data is read.
     *
     * @param callback the callback, or null
     * @return options with this callback
     */
    public ServerOptions connectCallback(ConnectCallback callback) {
        return new ServerOptions(callback, backlog, reusePort, tls, noDelay, keepAlive, allowHalfOpen);
    }

    /**
     * The listen backlog.
     *
     * @param backlog a positive count
     * @return options with this backlog
     */
    public ServerOptions backlog(int backlog) {
        if (backlog <= 0) {
            throw new IllegalArgumentException("backlog must be positive: " + backlog);
        }
        return new ServerOptions(connectCallback, backlog, reusePort, tls, noDelay, keepAlive, allowHalfOpen);
    }

    /**
     * Whether to set SO_REUSEPORT, so several loops can each listen on the same port.
     *
     * @param reusePort true to set it
     * @return options with this setting
     */
    public ServerOptions reusePort(boolean reusePort) {
        return new ServerOptions(connectCallback, backlog, reusePort, tls, noDelay, keepAlive, allowHalfOpen);
    }

    /**
     * Speaks TLS on every accepted connection: the read and write callbacks see plain bytes, and
     * the {@link #connectCallback(ConnectCallback) connect callback} runs once the handshake is
     * done (so {@code socket.tlsSession()} is there). A failed handshake goes to the server's
     * handler as a {@code TlsError}, one that outlives its timeout as a {@code TcpTimeout}; neither
     * ends the loop.
     *
     * @param tls server settings ({@link TlsOptions#server(java.nio.file.Path, java.nio.file.Path)}), or null for plain TCP
     * @return options with these TLS settings
     * @throws IllegalArgumentException for client settings
     */
    public ServerOptions tls(TlsOptions tls) {
        if (tls != null && !tls.isServer()) {
            throw new IllegalArgumentException("tls must be server settings (TlsOptions.server(...)) on a server: " + tls);
        }
        return new ServerOptions(connectCallback, backlog, reusePort, tls, noDelay, keepAlive, allowHalfOpen);
    }

    /**
     * Whether accepted sockets turn Nagle's algorithm off ({@code TCP_NODELAY}); on by default.
     * Ignored by a Unix-domain server.
     *
     * @param noDelay false to let the kernel gather small writes
     * @return options with this setting
     */
    public ServerOptions noDelay(boolean noDelay) {
        return new ServerOptions(connectCallback, backlog, reusePort, tls, noDelay, keepAlive, allowHalfOpen);
    }

    /**
     * TCP keepalive on every accepted socket, as {@link TcpOptions#keepAlive(Duration)} sets it
     * on a connecting one. Ignored by a Unix-domain server.
     *
     * @param idle the idle time before the first probe; null for the system's setting
     * @return options with this setting
     * @throws IllegalArgumentException if {@code idle} is zero, negative or too long
     */
    public ServerOptions keepAlive(Duration idle) {
        TcpOptions.checkKeepAlive(idle);
        return new ServerOptions(connectCallback, backlog, reusePort, tls, noDelay, idle, allowHalfOpen);
    }

    /**
     * Whether an accepted socket whose peer half-closes stays open for writing (Node's
     * {@code allowHalfOpen}). Off (the default): it gets {@code TcpEof} and closes once what it
     * holds is sent. On: it gets {@code TcpEof} (and is not closed), reading stops, and the
     * application may still write until it closes the socket or shuts its output down
     * ({@link TcpSocket#shutdownOutput()}).
     * The read timeout stops with the reading (there is nothing more to read); the write timeout
     * still bounds output that makes no progress, and a half-closed socket with nothing to send
     * stays open until the application closes it, as in Node.
     *
     * @param allow true to keep half-closed sockets open
     * @return options with this setting
     */
    public ServerOptions allowHalfOpen(boolean allow) {
        return new ServerOptions(connectCallback, backlog, reusePort, tls, noDelay, keepAlive, allow);
    }

    /** {@return whether accepted sockets set TCP_NODELAY} */
    public boolean noDelay() {
        return noDelay;
    }

    /** {@return the keepalive idle time of accepted sockets, or null} */
    public Duration keepAlive() {
        return keepAlive;
    }

    /** {@return whether accepted sockets stay open for writing after the peer's end of stream} */
    public boolean allowHalfOpen() {
        return allowHalfOpen;
    }

    /** {@return the TLS settings, or null for plain TCP} */
    public TlsOptions tls() {
        return tls;
    }

    /** {@return the connect callback, or null} */
    public ConnectCallback connectCallback() {
        return connectCallback;
    }

    /** {@return the listen backlog} */
    public int backlog() {
        return backlog;
    }

    /** {@return whether SO_REUSEPORT is set} */
    public boolean reusePort() {
        return reusePort;
    }
}
