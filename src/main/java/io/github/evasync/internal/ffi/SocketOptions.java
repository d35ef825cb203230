package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibEvent;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Options set on a plain socket descriptor: an accepted one before it has a bufferevent, one
 * handed over by the application, a connected one. Best effort where a socket may refuse.
 */
public final class SocketOptions {
    private static final int IPPROTO_TCP = LibEvent.IPPROTO_TCP();
    /** TCP_NODELAY is 1 on Linux and the BSDs. */
    private static final int TCP_NODELAY = 1;
    /** TCP_NOTSENT_LOWAT is 25 on Linux; other systems lack it, and the call then fails harmlessly. */
    private static final int TCP_NOTSENT_LOWAT = 25;

    private SocketOptions() {
    }

    /** Turns Nagle's algorithm off: small writes (an HTTP answer) go out at once. */
    public static void noDelay(Scratch scratch, int fd) {
        setTcpOption(scratch, fd, TCP_NODELAY, 1);
    }

    /**
     * Asks the kernel to stop taking writes once this many bytes wait unsent in it. Without it,
     * Linux grows a socket's send buffer to megabytes on its own, and a peer that never reads
     * can make the program produce all of that before any bound of ours sees output waiting.
     */
    public static void notSentLowat(Scratch scratch, int fd, int bytes) {
        setTcpOption(scratch, fd, TCP_NOTSENT_LOWAT, bytes);
    }

    /** Keepalive probes after the first: one a second, as libuv (so Node) sends them. */
    private static final int KEEPALIVE_INTERVAL_SECONDS = 1;
    /** Unanswered probes after which the kernel gives the connection up (libuv's count). */
    private static final int KEEPALIVE_PROBES = 10;

    /**
     * Turns TCP keepalive on: after {@code idleSeconds} without traffic the kernel probes the
     * peer, and a peer that stays silent ends the connection (a {@code TcpError},
     * {@code ETIMEDOUT}) instead of holding it for ever.
     *
     * @return false when the socket refused (then nothing is promised)
     */
    public static boolean keepAlive(Scratch scratch, int fd, int idleSeconds) {
        long mark = scratch.mark();
        try {
            MemorySegment v = scratch.allocate(ValueLayout.JAVA_INT);
            v.set(ValueLayout.JAVA_INT, 0, 1);
            boolean ok = LibC.setsockopt(fd, LibEvent.SOL_SOCKET(), LibEvent.SO_KEEPALIVE(), v) == 0;
            v.set(ValueLayout.JAVA_INT, 0, idleSeconds);
            ok &= LibC.setsockopt(fd, IPPROTO_TCP, LibEvent.TCP_KEEPIDLE(), v) == 0;
            v.set(ValueLayout.JAVA_INT, 0, KEEPALIVE_INTERVAL_SECONDS);
            ok &= LibC.setsockopt(fd, IPPROTO_TCP, LibEvent.TCP_KEEPINTVL(), v) == 0;
            v.set(ValueLayout.JAVA_INT, 0, KEEPALIVE_PROBES);
            ok &= LibC.setsockopt(fd, IPPROTO_TCP, LibEvent.TCP_KEEPCNT(), v) == 0;
            return ok;
        } finally {
            scratch.reset(mark);
        }
    }

    /**
     * Shuts the write side of {@code fd} ({@code shutdown(SHUT_WR)}): the peer reads end of
     * stream, and reading goes on. {@return 0, or the errno it failed with}
     */
    public static int shutdownWrite(Scratch scratch, int fd) {
        long mark = scratch.mark();
        try {
            MemorySegment state = scratch.allocate(FastCalls.captureStateSize(), 8);
            return FastCalls.shutdown(state, fd, LibEvent.SHUT_WR()) == 0 ? 0 : FastCalls.errno(state);
        } finally {
            scratch.reset(mark);
        }
    }

    /** Makes {@code fd} non-blocking; {@return false when the descriptor refuses} */
    public static boolean nonBlocking(int fd) {
        return LibEvent.evutil_make_socket_nonblocking(fd) == 0;
    }

    private static void setTcpOption(Scratch scratch, int fd, int option, int value) {
        long mark = scratch.mark();
        try {
            MemorySegment v = scratch.allocate(ValueLayout.JAVA_INT);
            v.set(ValueLayout.JAVA_INT, 0, value);
            // Best effort: a socket that refuses it (not TCP, say) still works.
            LibC.setsockopt(fd, IPPROTO_TCP, option, v);
        } finally {
            scratch.reset(mark);
        }
    }
}
