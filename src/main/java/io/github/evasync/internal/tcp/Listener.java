package io.github.evasync.internal.tcp;

import io.github.evasync.EventHandler;
import io.github.evasync.internal.ffi.BufferEvent;
import io.github.evasync.internal.ffi.ConnListener;
import io.github.evasync.internal.ffi.LibC;
import io.github.evasync.internal.ffi.ListenSockets;
import io.github.evasync.internal.ffi.SocketOptions;
import io.github.evasync.internal.loop.GracefulShutdown;
import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.internal.tls.TlsAccess;
import io.github.evasync.tcp.ReadCallback;
import io.github.evasync.tcp.ServerOptions;
import io.github.evasync.tcp.TcpServer;

import java.net.InetAddress;
import java.time.Duration;

/**
 * A {@link TcpServer} on an {@code evconnlistener}, which it owns and frees exactly once. Each
 * accepted descriptor becomes a {@link Connection} at once, so none is ever left unowned. It
 * listens on an IP address (libevent binds it), on every address of both families (a
 * dual-stack socket of {@link ListenSockets}, for a null bind address), or on a Unix-domain
 * socket file ({@link UnixSocketFile}), which it removes as it closes.
 */
public final class Listener implements TcpServer, ConnListener.Target {
    /** How long accepting pauses when the process is out of descriptors, so it does not spin. */
    private static final Duration ACCEPT_BACKOFF = Duration.ofMillis(100);

    private final LoopCore core;
    private final ReadCallback read;
    private final EventHandler handler;
    private final ServerOptions options;
    private final int port;
    private final ConnListener listener;
    private volatile boolean closed;
    /** Whether accepting is paused after an accept error. */
    private boolean backingOff;
    /** The newest open connection this server accepted (a list through them), for a graceful shutdown. */
    private Connection accepted;
    private final GracefulShutdown shutdown;
    /** The TLS side of every accepted socket; null for plain TCP. Holds the context while the server lives. */
    private final BufferEvent.Tls tls;
    /** The socket file of a Unix-domain server; null for TCP. */
    private final UnixSocketFile unix;
    /** Keepalive idle seconds set on each accepted TCP socket; 0 for none. */
    private final int keepAliveSeconds;

    private Listener(LoopCore core, ReadCallback read, EventHandler handler, ServerOptions options, String bind,
                     int port, UnixSocketFile unix) {
        this.core = core;
        this.shutdown = new GracefulShutdown(core);
        this.read = read;
        this.handler = handler;
        this.options = options;
        this.unix = unix;
        this.keepAliveSeconds = Tcp.keepAliveSeconds(options.keepAlive());
        InetAddress address = bind == null ? null : resolveBind(bind);
        // Made before binding, so that a certificate OpenSSL refuses fails the call with nothing bound.
        this.tls = options.tls() == null ? null : new BufferEvent.Tls(TlsAccess.context(options.tls()), null);
        this.listener = unix != null ? listenUnix(unix) : address == null ? listenEverywhere(port) : listen(address, bind, port);
        this.port = listener.port();
    }

    static Listener bind(LoopCore core, String bind, int port, ReadCallback read, EventHandler handler,
                         ServerOptions options) {
        return new Listener(core, read, handler, options, bind, port, null);
    }

    static Listener bindUnix(LoopCore core, UnixSocketFile file, ReadCallback read, EventHandler handler,
                             ServerOptions options) {
        return new Listener(core, read, handler, options, null, 0, file);
    }

    /** libevent binds {@code address:port} and listens. */
    private ConnListener listen(InetAddress address, String bind, int port) {
        try {
            return new ConnListener(core.eventBase(), core.handles(), core.counts().nativeObjectCount(), core.scratch(),
                    address, port, options.reusePort(), options.backlog(), this);
        } catch (ConnListener.BindFailed e) {
            throw SocketErrors.bindFailed(bind, port, e.errno());
        }
    }

    /** Every address: IPv6 and IPv4 on one dual-stack socket, or IPv4 alone where the system has no IPv6. */
    private ConnListener listenEverywhere(int port) {
        int fd;
        try {
            fd = ListenSockets.dualStack(core.scratch(), port, options.reusePort());
        } catch (ConnListener.BindFailed e) {
            throw SocketErrors.bindFailed(null, port, e.errno());
        }
        if (fd < 0) {
            return listen(InetAddress.ofLiteral("0.0.0.0"), null, port);
        }
        try {
            return new ConnListener(core.eventBase(), core.handles(), core.counts().nativeObjectCount(), core.scratch(),
                    fd, port, true, options.backlog(), this);
        } catch (ConnListener.BindFailed e) {
            throw SocketErrors.bindFailed(null, port, e.errno());
        }
    }

    /**
     * Binds the socket file (clearing a stale one first) and listens, with the path claimed
     * throughout ({@link UnixSocketFile#claim()}); the file goes if listening fails.
     */
    private ConnListener listenUnix(UnixSocketFile file) {
        file.refuseIfNotSocket();
        try (UnixSocketClaim claimed = file.claim()) {
            file.clearStale();
            int fd;
            try {
                fd = ListenSockets.unix(core.scratch(), file.bytes);
            } catch (ConnListener.BindFailed e) {
                throw SocketErrors.bindFailed(file.path, e.errno());
            }
            try {
                file.bound();
            } catch (Throwable t) {
                // Nothing owns the descriptor yet, and an Error (an overflow) counts as much as
                // an exception: either would leave a bound socket and its file for good.
                LibC.close(fd);
                file.removeJustBound();
                throw t;
            }
            try {
                // From here on the ConnListener owns the descriptor, closed if it fails.
                return new ConnListener(core.eventBase(), core.handles(), core.counts().nativeObjectCount(), core.scratch(),
                        fd, 0, false, options.backlog(), this);
            } catch (ConnListener.BindFailed e) {
                file.removeIfOurs();
                throw SocketErrors.bindFailed(file.path, e.errno());
            } catch (Throwable t) {
                file.removeIfOurs();
                throw t;
            }
        }
    }

    private static InetAddress resolveBind(String bind) {
        try {
            // A literal needs no lookup; a name such as "localhost" comes from /etc/hosts.
            return InetAddress.getByName(bind);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("bindAddress is not an address of this host: " + bind, e);
        }
    }

    @Override
    public void accepted(int fd) {
        if (closed) {
            LibC.close(fd);
            return;
        }
        boolean local = unix != null;
        if (!local) {
            if (options.noDelay()) {
                SocketOptions.noDelay(core.scratch(), fd);
            }
            if (keepAliveSeconds > 0) {
                SocketOptions.keepAlive(core.scratch(), fd, keepAliveSeconds);
            }
        }
        Connection c;
        if (tls == null) {
            // No bufferevent yet: the socket makes one when it first needs it (held connections).
            c = Connection.accepted(core, fd, local, read, handler);
        } else {
            try {
                c = Connection.acceptedTls(core, fd, local, read, handler, tls, options.tls().handshakeTimeout(),
                        options.connectCallback());
            } catch (RuntimeException e) {
                // The descriptor is closed already; a peer must not end the loop.
                core.errors().reportTransient(e, handler);
                return;
            }
        }
        c.acceptedBy(this);
        if (options.allowHalfOpen()) {
            c.allowHalfOpen(true);
        }
        // An intrusive list, no allocation per connection: held connections cost memory.
        c.nextAccepted = accepted;
        if (accepted != null) {
            accepted.prevAccepted = c;
        }
        accepted = c;
        c.startReading(true);
        if (tls == null && options.connectCallback() != null) {
            try {
                options.connectCallback().onConnect(c);
            } catch (Throwable t) {
                core.errors().callbackFailed(t, handler);
            }
        }
    }

    /**
     * An accept failed: out of descriptors or memory, mostly, which passes as connections
     * close. libevent would retry at once and spin on the waiting connection, so accepting
     * pauses for a moment and then resumes. The condition goes to the server's handler, or to
     * the log when there is none: it must never end the loop (see
     * {@link LoopCore#reportTransient}).
     */
    @Override
    public void acceptFailed(int errno) {
        if (closed) {
            return;
        }
        if (!backingOff) {
            backingOff = true;
            listener.pause();
            core.delay(ACCEPT_BACKOFF, () -> {
                backingOff = false;
                if (!closed) {
                    listener.resume();
                }
            });
        }
        core.errors().reportTransient(SocketErrors.acceptFailed(this, errno), handler);
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public java.nio.file.Path path() {
        return unix == null ? null : unix.path;
    }

    @Override
    public java.util.concurrent.CompletableFuture<Void> shutdown(Duration grace) {
        // Anonymous classes rather than lambdas: this may run on the loop thread (see LoopCore#call).
        return shutdown.request(grace, new Runnable() {
            @Override
            public void run() {
                free();
            }
        }, new java.util.function.BooleanSupplier() {
            @Override
            public boolean getAsBoolean() {
                return accepted == null;
            }
        }, new Runnable() {
            @Override
            public void run() {
                while (accepted != null) {
                    accepted.closeNow(); // unlinks it
                }
            }
        });
    }

    /** A connection this server accepted closed. */
    void ended(Connection c) {
        if (c.prevAccepted != null) {
            c.prevAccepted.nextAccepted = c.nextAccepted;
        } else if (accepted == c) {
            accepted = c.nextAccepted;
        }
        if (c.nextAccepted != null) {
            c.nextAccepted.prevAccepted = c.prevAccepted;
        }
        c.prevAccepted = null;
        c.nextAccepted = null;
        shutdown.connectionEnded(accepted == null);
    }

    @Override
    public boolean isClosed() {
        return closed || shutdown.requested(); // a shutdown asked from another thread counts at once
    }

    @Override
    public void close() {
        if (!core.inLoop()) {
            if (!closed) {
                core.runUnlessClosed(this::close);
            }
            return;
        }
        free();
    }

    private void free() {
        if (closed) {
            return;
        }
        closed = true;
        listener.free(); // the file goes first, in beforeFree
    }

    /**
     * The socket file goes while the socket still listens, as libuv unlinks before it closes:
     * until then nobody can take the file for a stale one, replace it, and have the inode number
     * freed with ours come back on the newcomer's file, which {@code removeIfOurs} would then
     * take for ours. Runs for {@link #close()} and for the loop's closing alike.
     */
    @Override
    public void beforeFree() {
        if (unix != null) {
            unix.removeIfOurs();
        }
    }

    /** The loop closed and freed the listening socket (its file went in {@link #beforeFree}). */
    @Override
    public void released() {
        closed = true;
    }

    @Override
    public String toString() {
        return "TcpServer[" + (unix != null ? "unix=" + unix.path : "port=" + port) + (closed ? ", closed" : "") + "]";
    }
}
