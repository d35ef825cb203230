package io.github.evasync.internal.tcp;

import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.internal.loop.LoopTimer;
import io.github.evasync.tcp.ConnectCallback;
import io.github.evasync.tls.TlsSession;

import java.time.Duration;

/**
 * A TLS socket's handshake and what follows from it: the timer that ends a handshake taking too
 * long (libevent's OpenSSL bufferevent has none of its own: its read and write timeouts only
 * restart with each byte, so a peer that trickles bytes, or a server that never answers the
 * ClientHello, would hold the socket), the server's connect callback, which waits for the
 * handshake, and the session, read from OpenSSL once, on first request. Loop thread only.
 */
final class TlsHandshake {
    /** An accepted socket's server callback, run once the handshake is done; null for outgoing sockets. */
    final ConnectCallback afterAccept;
    private final Duration timeout;
    private LoopTimer timer;
    private boolean done;
    private TlsSession session;

    TlsHandshake(ConnectCallback afterAccept, Duration timeout) {
        this.afterAccept = afterAccept;
        this.timeout = timeout;
    }

    /** Starts the timer: {@code onTimeout} runs unless the handshake is done, or the socket freed, by then. */
    void start(LoopCore core, Runnable onTimeout) {
        timer = core.delay(timeout, onTimeout);
    }

    /** {@return the timeout, for the condition's text} */
    Duration timeout() {
        return timeout;
    }

    /** The handshake is done: the timer goes. */
    void finished() {
        done = true;
        stopTimer();
    }

    /** {@return whether the handshake is done} */
    boolean isDone() {
        return done;
    }

    /** {@return the session read so far, or null} */
    TlsSession session() {
        return session;
    }

    void session(TlsSession s) {
        session = s;
    }

    /** The socket is freed: the timer goes, if it is still there. */
    void stopTimer() {
        LoopTimer t = timer;
        if (t != null) {
            timer = null;
            t.free();
        }
    }
}
