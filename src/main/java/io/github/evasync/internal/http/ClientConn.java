package io.github.evasync.internal.http;

import io.github.evasync.EventHandler;
import io.github.evasync.tcp.ReadCallback;
import io.github.evasync.tcp.TcpSocket;

/**
 * One TCP connection of the client to a server: it carries one {@link ClientCall} at a time, or
 * waits idle in its {@link ClientPool}. What arrives goes to its call; on an idle connection
 * it means the connection is done for. It is its socket's read callback and handler itself,
 * rather than lambdas: connections are made inside the httpClient call on the loop thread
 * (see LoopCore#call).
 */
final class ClientConn implements ReadCallback, EventHandler {
    private final ClientPool pool;
    /** The pool's key: {@link ClientTarget#key}. */
    final ClientTarget.Key key;
    TcpSocket socket;
    /** The call this connection carries, or null while idle. */
    ClientCall call;
    /** When it was given back to the pool (System.nanoTime()). */
    long idleSince;
    /** Whether it is in the loop's count of client connections. */
    boolean counted;
    /** Whether the socket is read (it is not while parked). */
    boolean reading = true;
    /** Bytes may be waiting unseen (parked, or after a HEAD answer): read for a turn before use. */
    boolean unsure;

    ClientConn(ClientPool pool, ClientTarget.Key key) {
        this.pool = pool;
        this.key = key;
    }

    @Override
    public void onRead(TcpSocket socket, byte[] data) {
        onData(data);
    }

    void onData(byte[] data) {
        ClientCall c = call;
        if (c != null) {
            c.onData(data);
        } else {
            // A byte on an idle connection: nobody asked for it, so the connection is out
            // of step with its server. It must never carry a request again.
            pool.forget(this);
            closeNow();
        }
    }

    @Override
    public void onEvent(Exception ev) {
        ClientCall c = call;
        if (c != null) {
            c.onEnded(ev);
        } else {
            // An idle connection ended: forget it.
            pool.forget(this);
            uncount();
        }
    }

    void close() {
        uncount();
        socket.close();
    }

    void closeNow() {
        uncount();
        socket.closeNow();
    }

    void uncount() {
        if (counted) {
            counted = false;
            pool.core().counts().http(false, -1);
        }
    }
}
