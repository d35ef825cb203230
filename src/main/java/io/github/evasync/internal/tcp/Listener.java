package io.github.evasync.internal.tcp;

import io.github.evasync.EventHandler;
import io.github.evasync.internal.ffi.BufferEvent;
import io.github.evasync.internal.ffi.ConnListener;
import io.github.evasync.internal.ffi.LibC;
import io.github.evasync.internal.ffi.SocketOptions;
import io.github.evasync.internal.loop.GracefulShutdown;
import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.internal.tls.TlsAccess;
import io.github.evasync.tcp.ReadCallback;
import io.github.evasync.tcp.ServerOptions;
import io.github.evasync.tcp.TcpServer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A {@link TcpServer} on an {@code evconnlistener}, which it owns and frees exactly once. Each
 * accepted descriptor becomes a {@link Connection} at once, so none is ever left unowned.
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

    private Listener(LoopCore core, ReadCallback read, EventHandler handler, ServerOptions options, String bind,
                     int port) {
        this.core = core;
        this.shutdown = new GracefulShutdown(core);
        this.read = read;
        this.handler = handler;
        this.options = options;
        InetAddress address = resolveBind(bind);
        // Made before binding, so that a certificate OpenSSL refuses fails the call with nothing bound.
        this.tls = options.tls() == null ? null : new BufferEvent.Tls(TlsAccess.context(options.tls()), null);
        try {
            this.listener = new ConnListener(core.eventBase(), core.handles(), core.counts().nativeObjectCount(), core.scratch(),
                    address, port, options.reusePort(), options.backlog(), this);
        } catch (ConnListener.BindFailed e) {
            throw SocketErrors.bindFailed(bind, port, e.errno());
        }
        this.port = listener.port();
    }

    static Listener bind(LoopCore core, String bind, int port, ReadCallback read, EventHandler handler,
                         ServerOptions options) {
        return new Listener(core, read, handler, options, bind, port);
    }

    private static InetAddress resolveBind(String bind) {
        if (bind == null) {
            return new InetSocketAddress(0).getAddress();
        }
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
        SocketOptions.noDelay(core.scratch(), fd);
        Connection c;
        if (tls == null) {
            // No bufferevent yet: the socket makes one when it first needs it (held connections).
            c = Connection.accepted(core, fd, read, handler);
        } else {
            try {
                c = Connection.acceptedTls(core, fd, read, handler, tls, options.tls().handshakeTimeout(),
                        options.connectCallback());
            } catch (RuntimeException e) {
                // The descriptor is closed already; a peer must not end the loop.
                core.errors().reportTransient(e, handler);
                return;
            }
        }
        c.acceptedBy(this);
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
        listener.free();
    }

    /** The loop closed and freed the listening socket. */
    @Override
    public void released() {
        closed = true;
    }

    @Override
    public String toString() {
        return "TcpServer[port=" + port + (closed ? ", closed" : "") + "]";
    }
}
