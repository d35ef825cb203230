package io.github.evasync.internal.tcp;

import io.github.evasync.internal.ffi.LibC;
import io.github.evasync.internal.ffi.Scratch;
import io.github.evasync.internal.ffi.SocketOptions;
import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.tcp.ConnectCallback;

/**
 * An outgoing socket's connect while it lasts: the host name being resolved (an open DNS query
 * in the loop's count), the connect call's errno and the callback to run once connected. Made
 * when connecting starts and dropped once connected or freed, so that a connected socket, and
 * every accepted one, carries none of it (held sockets cost memory).
 */
final class Connecting {
    /** The host name being resolved, or null for an address literal. */
    final String host;
    final ConnectCallback callback;
    /** What errno said as the connect call returned; 0 when not known. */
    private int callErrno;
    private boolean resolving;
    /** TCP_NODELAY on the connected socket (TcpOptions.noDelay). */
    private final boolean noDelay;
    /** Keepalive idle seconds for the connected socket; 0 for none (TcpOptions.keepAlive). */
    private final int keepAliveSeconds;

    Connecting(LoopCore core, String host, ConnectCallback callback, boolean noDelay, int keepAliveSeconds) {
        this.host = host;
        this.callback = callback;
        this.noDelay = noDelay;
        this.keepAliveSeconds = keepAliveSeconds;
        if (host != null) {
            resolving = true;
            core.resolver().queryStarted();
        }
    }

    /**
     * Sets the TCP options asked for on the socket, now connected: libevent made the descriptor
     * inside its connect, so they could not be set before.
     */
    void applyOptions(Scratch scratch, int fd) {
        if (noDelay) {
            SocketOptions.noDelay(scratch, fd);
        }
        if (keepAliveSeconds > 0) {
            SocketOptions.keepAlive(scratch, fd, keepAliveSeconds);
        }
    }

    void callErrno(int errno) {
        callErrno = errno;
    }

    /** The lookup, if any, is over: it leaves the loop's count of open DNS queries. */
    void resolved(LoopCore core) {
        if (resolving) {
            resolving = false;
            core.resolver().queryEnded();
        }
    }

    /**
     * The errno to report for a connect that failed with {@code errno}. A connect that failed at
     * once (a refused loopback connect) reports later, through a deferred callback, when errno
     * no longer says why; the connect call's own errno does.
     */
    int errno(int errno) {
        return callErrno != 0 && callErrno != LibC.EINPROGRESS ? callErrno : errno;
    }
}
