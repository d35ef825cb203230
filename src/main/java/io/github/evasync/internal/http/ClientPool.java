package io.github.evasync.internal.http;

import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.internal.tcp.Tcp;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tls.TlsOptions;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * Where a loop's client connections come from and go back to: a new connection per call that
 * finds none idle, and the keep-alive connections waiting idle per scheme, host and port (and,
 * for {@code https://}, TLS settings: {@link ClientTarget.Key}), at most
 * {@value #MAX_IDLE_PER_HOST} each and {@value #MAX_IDLE_TOTAL} in all, none older than 30 s
 * (looked at whenever the pool is used). Loop thread only.
 *
 * <p>An idle connection stops reading at the end of the turn that gave it back, so that it keeps
 * no event added and never keeps a loop alive; it is then "unsure": bytes may wait unseen in the
 * kernel, and its next call reads for a turn before it sends (see {@link ClientCall}). A byte or
 * an end heard on an idle connection that is still read takes it out of the pool
 * ({@link ClientConn}).
 */
final class ClientPool {
    private static final int MAX_IDLE_PER_HOST = 8;
    /**
     * The most idle connections in all: a client that talks to many hosts (or ports, or TLS
     * settings) kept 8 for each, parked and unread, until it used that host again, its servers'
     * closes unseen (CLOSE_WAIT sockets, a descriptor each). Past this the oldest goes.
     */
    static final int MAX_IDLE_TOTAL = 64;
    private static final long MAX_IDLE_NANOS = 30_000_000_000L;

    private final LoopCore core;
    private final Map<ClientTarget.Key, ArrayDeque<ClientConn>> idle = new HashMap<>();
    /** Every idle connection, oldest first: for {@link #MAX_IDLE_TOTAL} and the age limit. */
    private final LinkedHashSet<ClientConn> byAge = new LinkedHashSet<>();
    /** Connections given back this turn, to stop reading once the turn is over. */
    private final ArrayDeque<ClientConn> toPark = new ArrayDeque<>();

    ClientPool(LoopCore core) {
        this.core = core;
    }

    LoopCore core() {
        return core;
    }

    /** An idle connection to {@code key} that is open and not too old, or null; the others close. */
    ClientConn takeIdle(ClientTarget.Key key) {
        long now = System.nanoTime();
        expire(now);
        ArrayDeque<ClientConn> q = idle.get(key);
        ClientConn found = null;
        while (q != null && !q.isEmpty() && found == null) {
            ClientConn c = q.pollFirst();
            byAge.remove(c);
            if (!c.socket.isClosed() && now - c.idleSince < MAX_IDLE_NANOS) {
                found = c;
            } else {
                c.close();
            }
        }
        if (q != null && q.isEmpty()) {
            idle.remove(key); // no key outlives its connections (nor keeps its TLS settings alive)
        }
        return found;
    }

    /**
     * Opens a new connection to {@code target} (to the socket file {@code unixSocket} when not
     * null), counted in the loop's stats; over TLS with {@code tls} for {@code https://}.
     *
     * @throws IllegalArgumentException when {@code tls}'s files cannot be used
     * @throws UnsatisfiedLinkError when {@code https://} needs the TLS libraries and they are missing
     */
    ClientConn connect(ClientTarget target, TlsOptions tls, Path unixSocket) {
        ClientConn fresh = new ClientConn(this, target.key(tls, unixSocket));
        TcpOptions options = target.https() ? TcpOptions.defaults().tls(tls) : TcpOptions.defaults();
        if (unixSocket != null) {
            // curl --unix-socket: the URI's host names the server (Host field, certificate), the file is where it listens.
            fresh.socket = Tcp.unixConnect(core, unixSocket, fresh, fresh, options, target.host());
        } else {
            Tcp.checkConnectArgs(target.host(), target.port(), options);
            fresh.socket = Tcp.connect(core, target.host(), target.port(), fresh, fresh, options);
        }
        fresh.counted = true;
        core.counts().http(false, 1);
        return fresh;
    }

    /** Takes back a connection whose call ended cleanly; closes it when its host has enough idle. */
    void giveBack(ClientConn c) {
        long now = System.nanoTime();
        expire(now);
        ArrayDeque<ClientConn> q = idle.get(c.key);
        if (q != null && q.size() >= MAX_IDLE_PER_HOST) {
            c.close();
            return;
        }
        if (byAge.size() >= MAX_IDLE_TOTAL) {
            drop(byAge.getFirst());
        }
        q = idle.computeIfAbsent(c.key, k -> new ArrayDeque<>());
        c.idleSince = now;
        c.call = null;
        q.addLast(c);
        byAge.add(c);
        // Not reading: an idle connection must not keep the loop running. But not at once: a
        // callback often sends its next request straight away, and stopping and restarting the
        // read would cost two epoll_ctl calls for nothing. So at the end of this turn.
        if (toPark.isEmpty()) {
            core.afterTurn(this::park);
        }
        toPark.addLast(c);
    }

    /** Stops reading on the connections that are still idle at the end of the turn that gave them back. */
    private void park() {
        for (ClientConn c; (c = toPark.pollFirst()) != null; ) {
            if (c.call == null && !c.socket.isClosed() && c.reading) {
                c.socket.disable(true, false);
                c.reading = false;
                c.unsure = true;
            }
        }
    }

    /** Takes {@code c} out of the pool, if it is there. */
    void forget(ClientConn c) {
        byAge.remove(c);
        ArrayDeque<ClientConn> q = idle.get(c.key);
        if (q != null && q.remove(c) && q.isEmpty()) {
            idle.remove(c.key);
        }
    }

    /** Takes {@code c} out of the pool and closes it. */
    private void drop(ClientConn c) {
        forget(c);
        c.close();
    }

    /**
     * Closes the idle connections past the age limit, oldest first. Run whenever the pool is
     * used, so that the limit holds for every host, not only for the one asked for next.
     */
    private void expire(long now) {
        while (!byAge.isEmpty()) {
            ClientConn oldest = byAge.getFirst();
            if (now - oldest.idleSince < MAX_IDLE_NANOS) {
                return;
            }
            drop(oldest);
        }
    }

    /** Closes every idle keep-alive connection. */
    void closeIdle() {
        for (ArrayDeque<ClientConn> q : idle.values()) {
            for (ClientConn c : q) {
                c.close();
            }
        }
        idle.clear();
        byAge.clear();
    }
}
