package io.github.evasync.internal.http;

import io.github.evasync.ConnectionError;
import io.github.evasync.DnsError;
import io.github.evasync.EventHandler;
import io.github.evasync.HttpError;
import io.github.evasync.HttpRefused;
import io.github.evasync.HttpTimeout;
import io.github.evasync.TcpEof;
import io.github.evasync.TcpError;
import io.github.evasync.TcpRefused;
import io.github.evasync.TcpTimeout;
import io.github.evasync.TlsError;
import io.github.evasync.http.HttpClientOptions;
import io.github.evasync.http.HttpResponseCallback;
import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.internal.loop.LoopTimer;
import io.github.evasync.tls.TlsOptions;

import java.time.Duration;

/**
 * One request and its response, under one timeout: takes a connection from the
 * {@link ClientPool} (or opens one), sends, parses the answer, gives the connection back when
 * client and server agree on where the answer ended, and follows redirects. Exactly one of the
 * callback and the handler hears back. Loop thread only.
 *
 * <p>A reused connection may be out of step with its server, so:
 * <ul>
 * <li>One that was not read while idle ("unsure", see {@link ClientPool}) is read for one turn
 * of the loop before the request goes out, and anything it hears then, a byte or its end, sends
 * the request elsewhere. Nothing was sent, so that is safe for any method.</li>
 * <li>If the server closes a reused connection after the request went out and before any byte
 * of the answer, an idempotent request (GET, HEAD, PUT, DELETE, OPTIONS, TRACE) is sent once
 * more on a new connection; any other (POST, PATCH, ...) fails with an {@code HttpError}, as
 * it may have been processed (RFC 9112 section 9.3.1).</li>
 * <li>A response that ends with bytes after it, a malformed one, and one whose framing is
 * faulty (both Content-Length and Transfer-Encoding, Transfer-Encoding on HTTP/1.0) never puts
 * its connection back in the pool.</li>
 * </ul>
 * What no HTTP/1.1 client can tell apart remains: bytes that arrive after a request went out
 * on a connection reused within the same turn are taken as its answer.
 */
final class ClientCall {
    /**
     * The wait before sending on a connection that was not read: a timer of 0 µs (libevent's
     * resolution) fires in the loop's next pass, which polls the sockets first.
     */
    private static final Duration ONE_TURN = Duration.ofNanos(1);
    /** Longer timeouts are counted as this (about 146 years): their nanoseconds fit a long. */
    private static final Duration MAX_TIMEOUT = Duration.ofNanos(Long.MAX_VALUE / 2);

    private final ClientPool pool;
    private final LoopCore core;
    private final ClientTarget target;
    private final HttpClientOptions options;
    private final HttpResponseCallback callback;
    private final EventHandler handler;
    private final boolean head;
    private ClientConn conn;
    private ResponseParser parser;
    private LoopTimer timer;
    /** The one-turn wait before sending on a connection that was not read; null otherwise. */
    private LoopTimer check;
    private boolean reused;
    /**
     * When the whole exchange must be over (System.nanoTime()), set by the first call and handed
     * to each redirect's, so that a chain of redirects shares one timeout; 0 until then.
     */
    private long deadline;
    /** Whether the request went out on {@link #conn}. */
    private boolean sent;
    private boolean finished;

    ClientCall(ClientPool pool, ClientTarget target, HttpClientOptions options, HttpResponseCallback callback,
               EventHandler handler) {
        this.pool = pool;
        this.core = pool.core();
        this.target = target;
        this.options = options;
        this.callback = callback;
        this.handler = handler;
        this.head = options.method().equals("HEAD");
    }

    /** Sends the request on an idle connection ({@code mayReuse}) or a new one. */
    void start(boolean mayReuse) {
        parser = new ResponseParser(head, options.maxResponseBytes());
        sent = false;
        // Plain http:// never touches TLS (nor makes the default settings).
        TlsOptions tls = target.https() ? options.tls() : null;
        ClientConn c = mayReuse ? pool.takeIdle(target.key(tls, options.unixSocket())) : null;
        reused = c != null;
        if (c == null) {
            try {
                c = pool.connect(target, tls, options.unixSocket());
            } catch (IllegalArgumentException | IllegalStateException | UnsatisfiedLinkError e) {
                // TLS settings whose files OpenSSL refuses, or no TLS libraries: this call's
                // failure (a redirect's too), not the loop's.
                failBeforeConnecting(e);
                return;
            }
        }
        conn = c;
        c.call = this;
        if (timer == null) {
            long now = System.nanoTime();
            if (deadline == 0) {
                long t = options.timeout().compareTo(MAX_TIMEOUT) > 0 ? MAX_TIMEOUT.toNanos() : options.timeout().toNanos();
                deadline = now + t;
            }
            timer = core.delay(Duration.ofNanos(Math.max(1, deadline - now)), new TimedOut());
        }
        if (c.unsure) {
            // Bytes may be waiting unseen: read for a turn first, and send only if it stays silent.
            c.unsure = false;
            if (!c.reading) {
                c.socket.enable(true, false);
                c.reading = true;
            }
            check = core.delay(ONE_TURN, new Checked(c));
            return;
        }
        send();
    }

    // Classes rather than lambdas: start() runs inside the httpClient call on the loop thread
    // (see LoopCore#call).

    /** No complete response in time. */
    private final class TimedOut implements Runnable {
        @Override
        public void run() {
            timer = null;
            fail(new HttpTimeout(-1, "no complete response in " + options.timeout()), true);
        }
    }

    /** The turn of reading an unsure connection {@code checked} is over. */
    private final class Checked implements Runnable {
        private final ClientConn checked;

        Checked(ClientConn checked) {
            this.checked = checked;
        }

        @Override
        public void run() {
            check = null;
            // After every callback of this turn, including the read of anything that was waiting.
            core.afterTurn(() -> {
                if (finished || conn != checked || sent) {
                    return;
                }
                if (checked.socket.isClosed()) {
                    restartElsewhere();
                } else {
                    send();
                }
            });
        }
    }

    private void send() {
        sent = true;
        conn.socket.write(ClientRequest.bytes(target, options));
    }

    /** The connection being checked spoke or ended before the request went out: use another. */
    private void restartElsewhere() {
        cancelCheck();
        ClientConn bad = conn;
        bad.call = null;
        bad.closeNow();
        start(true);
    }

    /** Bytes arrived on this call's connection. */
    void onData(byte[] data) {
        if (finished) {
            return;
        }
        if (!sent) {
            // Bytes before the request went out: an answer to nobody on a pooled connection.
            restartElsewhere();
            return;
        }
        ResponseParser.Parsed p;
        try {
            p = parser.feed(data);
        } catch (RuntimeException e) {
            fail(new HttpError(-1, "malformed response: " + e.getMessage()), true);
            return;
        } catch (OutOfMemoryError e) {
            // A body the heap cannot hold (maxResponseBytes set above what it can): this call's
            // failure, its buffers dropped with it, not an Error for the loop at every read.
            parser = null;
            fail(new HttpError(-1, "the response body does not fit in the heap (" + e.getMessage()
                    + "); lower maxResponseBytes"), true);
            return;
        }
        if (p != null) {
            complete(p);
        }
    }

    /** This call's connection ended: EOF, a timeout or an error (its socket is closed already). */
    void onEnded(Exception ev) {
        if (finished) {
            return;
        }
        conn.uncount();
        if (!sent) {
            // A pooled connection ended (or broke) while idle: nothing was sent on it.
            restartElsewhere();
            return;
        }
        // A kept-alive TLS connection's server may go without its close_notify: that is its
        // end as much as an EOF, the handshake having been done long before.
        // So may any error on a reused connection before its answer began: a reset, when the
        // server's idle timeout closed it with our request unread in its buffer.
        boolean peerLeft = ev instanceof TcpEof
                || (reused && ev instanceof TcpError && !(ev instanceof TcpTimeout) && !parser.started());
        if (peerLeft) {
            ResponseParser.Parsed p = ev instanceof TcpEof ? parser.end() : null;
            if (p != null) {
                complete(p);
                return;
            }
            if (reused && !parser.started()) {
                if (ClientRequest.idempotent(options.method())) {
                    // The server had closed the idle connection: try once more on a new one.
                    conn.call = null;
                    start(false);
                    return;
                }
                fail(new HttpError(-1, "the server closed the reused connection after the request was sent"
                        + " and before any answer; " + options.method()
                        + " is not idempotent, so it is not sent again"), false);
                return;
            }
            if (ev instanceof TlsError t) {
                fail(t, false);
                return;
            }
            if (ev instanceof TcpEof) {
                fail(new HttpError(-1, "the server closed the connection before the response was complete"), false);
                return;
            }
        }
        if (ev instanceof TlsError t) {
            fail(t, false); // the handshake failed: OpenSSL's reason, as is
        } else if (ev instanceof TcpRefused r) {
            fail(new HttpRefused(r.errcode(), r.errmsg()), false);
        } else if (ev instanceof TcpTimeout t) {
            fail(new HttpTimeout(t.errcode(), t.errmsg()), false);
        } else if (ev instanceof DnsError d) {
            fail(d, false);
        } else if (ev instanceof ConnectionError e) {
            fail(new HttpError(e.errcode(), e.errmsg()), false);
        } else {
            fail(new HttpError(-1, String.valueOf(ev.getMessage())), false);
        }
    }

    private void complete(ResponseParser.Parsed p) {
        finished = true;
        cancelTimer();
        // An answer that came before the whole request went out (a server refusing a large
        // body early) leaves the rest of it queued: a request after it would follow those bytes,
        // which the server may read as its head. Such a connection is not reused.
        if (p.keepAlive() && !parser.extra() && !conn.socket.isClosed() && conn.socket.outputBufferLength() == 0) {
            pool.giveBack(conn);
            if (head) {
                // A server may send a body after a HEAD answer: look before the next use.
                conn.unsure = true;
            }
        } else {
            conn.call = null;
            conn.close();
        }
        if (redirect(p)) {
            return;
        }
        try {
            callback.onResponse(p.status(), p.headers(), p.body());
        } catch (Throwable t) {
            core.errors().callbackFailed(t, handler);
        }
    }

    /**
     * Follows a redirect when the options allow one more: a new call to the Location, with the
     * same callback and handler ({@link ClientRequest#redirected} says what it sends).
     */
    private boolean redirect(ResponseParser.Parsed p) {
        int status = p.status();
        String location = p.headers().get("Location");
        if (options.followRedirects() == 0 || location == null || !ClientRequest.isRedirect(status)) {
            return false;
        }
        ClientTarget to;
        try {
            to = target.resolve(location);
        } catch (IllegalArgumentException badLocation) {
            return false; // not a place we can go (https, no host, ...): the 3xx is the answer
        }
        ClientCall next = new ClientCall(pool, to, ClientRequest.redirected(options, status, target, to), callback, handler);
        next.deadline = deadline; // the timeout is the whole exchange's, redirects included
        next.start(true);
        return true;
    }

    /** No connection could be made for this call: {@code e} is its one answer. */
    private void failBeforeConnecting(Throwable e) {
        finished = true;
        cancelTimer();
        conn = null;
        Exception condition = e instanceof Exception x ? x
                : new IllegalStateException("https:// needs the TLS libraries: " + e.getMessage(), e);
        core.errors().deliver(condition, handler);
    }

    private void fail(Exception condition, boolean closeConnection) {
        if (finished) {
            return;
        }
        finished = true;
        cancelTimer();
        conn.call = null;
        if (closeConnection || !sent) {
            conn.closeNow();
        }
        core.errors().deliver(condition, handler);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.free();
            timer = null;
        }
        cancelCheck();
    }

    private void cancelCheck() {
        if (check != null) {
            check.free();
            check = null;
        }
    }
}
