package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibEvent;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The listening sockets evasync makes and binds itself, for a {@link ConnListener} to listen on,
 * where libevent's {@code evconnlistener_new_bind} cannot: the dual-stack one (an IPv6 socket
 * that takes IPv4 too, whatever the system's {@code bindv6only} default says) and the
 * Unix-domain one. Each returns a bound, non-blocking, close-on-exec descriptor, or throws
 * {@link ConnListener.BindFailed} with errno and leaves nothing open. Loop thread only.
 */
public final class ListenSockets {
    private static final int SOCK_FLAGS = LibEvent.SOCK_STREAM() | LibEvent.SOCK_NONBLOCK() | LibEvent.SOCK_CLOEXEC();
    private static final int SOL_SOCKET = LibEvent.SOL_SOCKET();

    /** {@code ::}, made once: no lookup or allocation between {@code socket()} and its close-on-throw. */
    private static final InetAddress IPV6_ANY = ipv6Any();

    private ListenSockets() {
    }

    /**
     * A socket bound to {@code [::]:port} with {@code IPV6_V6ONLY} off, so that it accepts IPv6
     * and IPv4 (as {@code ::ffff:a.b.c.d}) alike; {@code SO_REUSEADDR} on, {@code SO_REUSEPORT}
     * when asked, and {@code SO_KEEPALIVE} on as libevent sets it on the sockets it binds.
     *
     * @return the descriptor, or -1 when the system has no IPv6 ({@code socket(AF_INET6)} fails
     *     with {@code EAFNOSUPPORT} or {@code EPROTONOSUPPORT}), for the caller to bind IPv4 instead
     * @throws ConnListener.BindFailed when the socket cannot be set up or bound
     */
    public static int dualStack(Scratch scratch, int port, boolean reusePort) {
        long mark = scratch.mark();
        try {
            // Everything that can fail without a descriptor is done before there is one.
            MemorySegment state = scratch.allocate(FastCalls.captureStateSize(), 8);
            MemorySegment one = scratch.allocate(ValueLayout.JAVA_INT);
            one.set(ValueLayout.JAVA_INT, 0, 1);
            MemorySegment zero = scratch.allocate(ValueLayout.JAVA_INT);
            zero.set(ValueLayout.JAVA_INT, 0, 0);
            MemorySegment sa = SockAddr.encode(scratch, IPV6_ANY, port);
            int fd = FastCalls.socket(state, LibEvent.AF_INET6(), SOCK_FLAGS, 0);
            if (fd < 0) {
                int errno = FastCalls.errno(state);
                if (fallsBackToIpv4(errno)) {
                    return -1;
                }
                throw new ConnListener.BindFailed(errno);
            }
            try {
                if (FastCalls.setsockopt(state, fd, LibEvent.IPPROTO_IPV6(), LibEvent.IPV6_V6ONLY(), zero) != 0
                        || FastCalls.setsockopt(state, fd, SOL_SOCKET, LibEvent.SO_REUSEADDR(), one) != 0
                        || reusePort && FastCalls.setsockopt(state, fd, SOL_SOCKET, LibEvent.SO_REUSEPORT(), one) != 0) {
                    throw new ConnListener.BindFailed(FastCalls.errno(state));
                }
                LibC.setsockopt(fd, SOL_SOCKET, LibEvent.SO_KEEPALIVE(), one);
                bind(state, fd, sa);
            } catch (Throwable t) {
                LibC.close(fd);
                throw t;
            }
            return fd;
        } finally {
            scratch.reset(mark);
        }
    }

    /**
     * Whether {@code socket(AF_INET6)} failing with {@code errno} means the system has no IPv6
     * (a kernel without it, or with it turned off), so binding IPv4 alone is the answer. Out of
     * descriptors or memory, or refused by policy, it is the bind's own error instead: IPv4
     * would fail alike or, worse, succeed on a machine meant to serve IPv6 too.
     */
    static boolean fallsBackToIpv4(int errno) {
        return errno == LibEvent.EAFNOSUPPORT() || errno == LibEvent.EPROTONOSUPPORT();
    }

    /**
     * A Unix-domain stream socket bound to the file {@code path} (its bytes), which
     * {@code bind} creates; it fails with {@code EADDRINUSE} when the file is there already.
     *
     * @throws ConnListener.BindFailed when the socket cannot be made or bound
     */
    public static int unix(Scratch scratch, byte[] path) {
        long mark = scratch.mark();
        try {
            MemorySegment sa = SockAddr.encodeUnix(scratch, path);
            MemorySegment state = scratch.allocate(FastCalls.captureStateSize(), 8);
            int fd = FastCalls.socket(state, LibEvent.AF_UNIX(), SOCK_FLAGS, 0);
            if (fd < 0) {
                throw new ConnListener.BindFailed(FastCalls.errno(state));
            }
            try {
                bind(state, fd, sa);
            } catch (Throwable t) {
                LibC.close(fd);
                throw t;
            }
            return fd;
        } finally {
            scratch.reset(mark);
        }
    }

    private static InetAddress ipv6Any() {
        try {
            return Inet6Address.getByAddress(null, new byte[16], -1);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Binds; the caller closes the descriptor on any throw. */
    private static void bind(MemorySegment state, int fd, MemorySegment sa) {
        if (FastCalls.bind(state, fd, sa, (int) sa.byteSize()) != 0) {
            throw new ConnListener.BindFailed(FastCalls.errno(state));
        }
    }
}
