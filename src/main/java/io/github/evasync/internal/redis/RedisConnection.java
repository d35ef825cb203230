package io.github.evasync.internal.redis;

import io.github.evasync.ConnectionError;
import io.github.evasync.Event;
import io.github.evasync.EventHandler;
import io.github.evasync.EventLoop;
import io.github.evasync.RedisError;
import io.github.evasync.SocketClosed;
import io.github.evasync.TcpEof;
import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.redis.RedisOptions;
import io.github.evasync.tcp.ConnectCallback;
import io.github.evasync.tcp.ReadCallback;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpSocket;
import io.github.evasync.tls.TlsOptions;

import java.time.Duration;

/**
 * One Redis connection's life, whatever it carries: the socket (made through {@link Transport}),
 * the handshake ({@code HELLO}/{@code AUTH}, {@code CLIENT SETNAME}, {@code SELECT}) before
 * anything else goes out, the output of a turn written in one go at its end (and nothing more
 * written while the socket is above its high watermark, until it drains), the reply parser, and
 * the reconnect with back-off after a loss. What the replies mean is the subclass's:
 * {@link CommandConnection} matches them to commands, {@link Subscriber} to subscriptions.
 *
 * <p>Each socket gets its own {@link Link}, so that a late callback of a socket given up on is
 * recognised and ignored. Loop thread only; every path here is free of lambdas (see
 * {@code LoopCore.call}).
 */
abstract class RedisConnection {
    static final int CONNECTING = 0;
    static final int HANDSHAKE = 1;
    static final int READY = 2;
    static final int DOWN = 3;
    static final int CLOSED = 4;

    /** Output beyond this is written at once rather than at the end of the turn. */
    private static final int EARLY_FLUSH = 64 * 1024;

    final LoopCore core;
    final EventLoop loop;
    final RedisUri uri;
    final RedisOptions options;
    /** The TLS settings of a {@code rediss://} connection: one instance, so one TLS context. */
    private final TlsOptions tls;
    final CommandWriter out = new CommandWriter();

    /** Volatile: other threads ask {@code isConnected}. */
    volatile int state = CONNECTING;
    /** The current socket's link, or null while there is none. */
    Link link;
    /** Whether a connection was ever ready: only then is a lost one made again. */
    boolean everReady;
    private int attempts;
    private boolean writeBlocked;
    private boolean flushQueued;
    private int handshakeLeft;
    private Event reconnectTimer;
    private final Flush flush = new Flush();
    private final Reconnect reconnect = new Reconnect();

    RedisConnection(LoopCore core, EventLoop loop, RedisUri uri, RedisOptions options) {
        this.core = core;
        this.loop = loop;
        this.uri = uri;
        this.options = options;
        this.tls = uri.tls() ? (options.tls() != null ? options.tls() : TlsOptions.client()) : null;
    }

    /** Starts the first connection; may throw what {@code tcpConnect} throws for bad arguments. */
    final void start() {
        openSocket();
    }

    private void openSocket() {
        state = CONNECTING;
        Link l = new Link();
        link = l;
        TcpOptions o = TcpOptions.defaults().writeTimeout(options.connectTimeout())
                .readTimeout(options.connectTimeout()).connectCallback(l)
                // Finds a server gone without a word (a half-open connection), which would
                // otherwise hold a subscriber, or an idle client, silent for ever.
                .keepAlive(options.keepAlive());
        l.socket = Transport.connect(loop, uri, tls, l, l, o);
    }

    // ---- hooks --------------------------------------------------------------------------------

    /** The handshake is done: send what waited. */
    abstract void onReady();

    /** A reply (or push) after the handshake. */
    abstract void deliver(Object reply, boolean push);

    /** The connection was lost and may be made again: fail what was sent. */
    abstract void onLost(RedisError cause);

    /** The connection is gone for good: fail everything, free timers. */
    abstract void onClosed(RedisError cause);

    // ---- output -------------------------------------------------------------------------------

    /** Asks for the output to be written at the end of this turn (at once when there is much of it). */
    final void requestFlush() {
        if (state != READY || writeBlocked) {
            return;
        }
        if (out.size() >= EARLY_FLUSH) {
            flushNow();
        } else if (!flushQueued) {
            flushQueued = true;
            core.afterTurn(flush);
        }
    }

    /** Writes what waits, unless the socket is above its high watermark. */
    final void flushNow() {
        if (state != READY || writeBlocked || out.size() == 0) {
            return;
        }
        boolean below;
        try {
            below = link.socket.write(out.pending());
        } catch (SocketClosed closed) {
            lost(new RedisError(-1, "connection to " + uri.where() + " closed under a write", false));
            return;
        }
        flushed();
        out.clear();
        if (!below) {
            writeBlocked = true;
        }
    }

    /** What {@link #flushNow} wrote has gone out; the subclass marks its commands sent. */
    void flushed() {
    }

    /** Runs the end-of-turn flush. A class, not a lambda: made on the loop thread. */
    private final class Flush implements Runnable {
        @Override
        public void run() {
            flushQueued = false;
            flushNow();
        }
    }

    // ---- handshake ----------------------------------------------------------------------------

    private void connected(Link l) {
        state = HANDSHAKE;
        l.socket.onDrain(l);
        CommandWriter hs = new CommandWriter();
        int n = 0;
        String name = options.clientName();
        if (options.protocol() == 3) {
            int argc = 2 + (uri.password() != null ? 3 : 0) + (name != null ? 2 : 0);
            hs.begin(argc).arg("HELLO").arg("3");
            if (uri.password() != null) {
                hs.arg("AUTH").arg(uri.user() != null ? uri.user() : "default").arg(uri.password());
            }
            if (name != null) {
                hs.arg("SETNAME").arg(name);
            }
            n++;
        } else {
            if (uri.password() != null) {
                if (uri.user() != null) {
                    hs.begin(3).arg("AUTH").arg(uri.user()).arg(uri.password());
                } else {
                    hs.begin(2).arg("AUTH").arg(uri.password());
                }
                n++;
            }
            if (name != null) {
                hs.begin(3).arg("CLIENT").arg("SETNAME").arg(name);
                n++;
            }
        }
        if (uri.db() != 0) {
            hs.begin(2).arg("SELECT").arg(uri.db());
            n++;
        }
        handshakeLeft = n;
        if (n == 0) {
            ready(l);
        } else {
            l.socket.write(hs.pending());
        }
    }

    private void handshakeReply(Link l, Object reply) {
        if (reply instanceof RedisError e) {
            lost(new RedisError(-1, "connection handshake with " + uri.where() + " refused: " + e.errmsg(), false));
            return;
        }
        if (--handshakeLeft == 0) {
            ready(l);
        }
    }

    private void ready(Link l) {
        state = READY;
        everReady = true;
        attempts = 0;
        l.socket.setTimeouts(null, options.connectTimeout());
        onReady();
        flushNow();
    }

    // ---- loss, reconnect, close ---------------------------------------------------------------

    /** The connection failed: closes its socket, fails what was sent, reconnects or gives up. */
    final void lost(RedisError cause) {
        if (state == CLOSED || state == DOWN) {
            return;
        }
        boolean wasUp = everReady;
        dropSocket();
        state = DOWN;
        onLost(cause);
        if (state == CLOSED) {
            return; // onLost closed it
        }
        core.errors().reportTransient(cause, options.eventHandler());
        if (state == CLOSED) {
            return; // the handler closed it
        }
        if (!wasUp || !options.reconnect()) {
            close(wasUp ? cause : new RedisError(cause.errcode(), "could not connect: " + cause.errmsg(), false));
            return;
        }
        long delay = backoff(options.reconnectDelayMin().toNanos(), options.reconnectDelayMax().toNanos(), attempts);
        if (attempts < Integer.MAX_VALUE) {
            attempts++;
        }
        reconnectTimer = loop.delay(Duration.ofNanos(delay), reconnect);
    }

    /**
     * {@return the wait in nanoseconds before reconnect attempt {@code attempts} (from 0)}:
     * {@code min} doubled that often, at most {@code max}, without overflowing. A zero minimum
     * makes the first attempt at once and the later ones back off from a millisecond, so that a
     * server that refuses at once is not retried in a tight loop.
     */
    static long backoff(long min, long max, int attempts) {
        if (attempts == 0) {
            return Math.min(min, max);
        }
        long delay = Math.max(min, Math.min(1_000_000L, max));
        for (int i = min == 0 ? 1 : 0; i < attempts && delay < max; i++) {
            delay = delay > max / 2 ? max : delay * 2;
        }
        return Math.min(delay, max);
    }

    /** Makes the connection again, after the back-off. A class, not a lambda: made on the loop thread. */
    private final class Reconnect implements Runnable {
        @Override
        public void run() {
            reconnectTimer = null;
            if (state != DOWN) {
                return;
            }
            try {
                openSocket();
            } catch (RuntimeException e) {
                // A name that no longer resolves at once, say: a failed attempt like any other.
                state = CONNECTING;
                lost(new RedisError(-1, "reconnecting to " + uri.where() + " failed: " + e.getMessage(), false));
            }
        }
    }

    private void dropSocket() {
        Link l = link;
        link = null;
        writeBlocked = false;
        handshakeLeft = 0;
        if (l != null && l.socket != null) {
            l.socket.closeNow();
        }
    }

    /** Closes for good; idempotent. */
    final void close(RedisError cause) {
        if (state == CLOSED) {
            return;
        }
        state = CLOSED;
        dropSocket();
        if (reconnectTimer != null) {
            reconnectTimer.free();
            reconnectTimer = null;
        }
        out.clear();
        onClosed(cause);
    }

    final boolean isReady() {
        return state == READY;
    }

    final boolean isClosed() {
        return state == CLOSED;
    }

    /**
     * One socket's callbacks: connect, read, events, drain, and the parser's replies. A late
     * call from a socket the connection has given up on finds itself no longer current and does
     * nothing.
     */
    final class Link implements ReadCallback, EventHandler, ConnectCallback, Runnable, RespParser.Sink {
        TcpSocket socket;
        final RespParser parser = new RespParser(options.maxReplyBytes(), this);

        @Override
        public void onConnect(TcpSocket s) {
            if (link != this) {
                return;
            }
            socket = s;
            connected(this);
        }

        @Override
        public void onRead(TcpSocket s, byte[] data) {
            if (link != this) {
                return;
            }
            try {
                parser.feed(data, 0, data.length);
            } catch (RedisError malformed) {
                if (link == this) {
                    lost(new RedisError(-1, malformed.errmsg() + " (from " + uri.where() + ")", false));
                }
            } catch (RuntimeException | OutOfMemoryError e) {
                // Whatever else a server's bytes provoke (a failure of ours, or no memory for a
                // reply within maxReplyBytes) must not escape into the loop, and the parser that
                // threw is broken: the connection goes, as for a malformed reply.
                if (link == this) {
                    lost(new RedisError(-1, "reading the replies up to byte " + parser.offset() + " from "
                            + uri.where() + " failed: " + e, false));
                }
            }
        }

        @Override
        public void reply(Object value, boolean push) {
            if (link != this) {
                return; // closed by an earlier reply's callback: the rest of the piece is dropped
            }
            if (handshakeLeft > 0 && !push) {
                handshakeReply(this, value);
            } else if (state == READY) {
                deliver(value, push);
            }
        }

        @Override
        public void onEvent(Exception event) {
            if (link != this) {
                return;
            }
            String was = state == CONNECTING ? "connecting to " : state == HANDSHAKE ? "handshake with " : "connection to ";
            if (event instanceof TcpEof) {
                lost(new RedisError(-1, was + uri.where() + ": closed by the server", false));
            } else if (event instanceof ConnectionError e) {
                lost(new RedisError(e.errcode(), was + uri.where() + ": " + e.errmsg(), false));
            } else if (event instanceof RuntimeException e) {
                throw e;
            } else {
                throw new IllegalStateException(event);
            }
        }

        /** The socket drained below its low watermark: write what waited. */
        @Override
        public void run() {
            if (link != this) {
                return;
            }
            writeBlocked = false;
            flushNow();
        }
    }
}
