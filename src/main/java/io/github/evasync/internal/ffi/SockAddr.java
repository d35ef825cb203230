package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibEvent;
import io.github.evasync.internal.libevent.sockaddr_in;
import io.github.evasync.internal.libevent.sockaddr_in6;
import io.github.evasync.internal.libevent.sockaddr_storage;
import io.github.evasync.internal.libevent.sockaddr_un;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Converts between Java socket addresses and C {@code sockaddr} structures. */
public final class SockAddr {
    private static final int AF_INET = LibEvent.AF_INET();
    private static final int AF_INET6 = LibEvent.AF_INET6();
    private static final int AF_UNIX = LibEvent.AF_UNIX();

    /**
     * The longest Unix-domain socket path, in bytes: {@code sun_path} holds 108 on Linux, one of
     * them for the terminating NUL.
     */
    public static final int MAX_UNIX_PATH = (int) sockaddr_un.sun_path$layout().byteSize() - 1;

    private SockAddr() {
    }

    /** The size of a {@code sockaddr_storage}, enough for any address. */
    public static long storageSize() {
        return sockaddr_storage.layout().byteSize();
    }

    /** Writes {@code address:port} as a sockaddr_in or sockaddr_in6; its length is the segment's size. */
    public static MemorySegment encode(SegmentAllocator alloc, InetAddress address, int port) {
        short netPort = Short.reverseBytes((short) port);
        if (java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.BIG_ENDIAN) {
            netPort = (short) port;
        }
        byte[] raw = address.getAddress();
        if (address instanceof Inet4Address) {
            MemorySegment sa = alloc.allocate(sockaddr_in.layout());
            sockaddr_in.sin_family(sa, (short) AF_INET);
            sockaddr_in.sin_port(sa, netPort);
            MemorySegment.copy(raw, 0, sockaddr_in.sin_addr(sa), ValueLayout.JAVA_BYTE, 0, 4);
            return sa;
        }
        MemorySegment sa = alloc.allocate(sockaddr_in6.layout());
        sockaddr_in6.sin6_family(sa, (short) AF_INET6);
        sockaddr_in6.sin6_port(sa, netPort);
        MemorySegment.copy(raw, 0, sockaddr_in6.sin6_addr(sa), ValueLayout.JAVA_BYTE, 0, 16);
        if (address instanceof Inet6Address a6) {
            sockaddr_in6.sin6_scope_id(sa, a6.getScopeId());
        }
        return sa;
    }

    /**
     * Writes a {@code sockaddr_un} for the file {@code path} (its bytes, at most
     * {@link #MAX_UNIX_PATH}, no NUL in them); its length, path and NUL included, is the segment's size.
     */
    public static MemorySegment encodeUnix(SegmentAllocator alloc, byte[] path) {
        if (path.length > MAX_UNIX_PATH) {
            throw new IllegalArgumentException("a Unix socket path holds at most " + MAX_UNIX_PATH + " bytes: " + path.length);
        }
        MemorySegment sa = alloc.allocate(sockaddr_un.layout());
        sockaddr_un.sun_family(sa, (short) AF_UNIX);
        long at = sockaddr_un.sun_path$offset();
        MemorySegment.copy(path, 0, sa, ValueLayout.JAVA_BYTE, at, path.length);
        sa.set(ValueLayout.JAVA_BYTE, at + path.length, (byte) 0);
        return sa.asSlice(0, at + path.length + 1);
    }

    /** Reads a sockaddr_in or sockaddr_in6; null for any other family. */
    public static InetSocketAddress decode(MemorySegment sa) {
        MemorySegment s = sa.reinterpret(storageSize());
        int family = s.get(ValueLayout.JAVA_SHORT, 0);
        try {
            if (family == AF_INET) {
                byte[] raw = new byte[4];
                MemorySegment.copy(sockaddr_in.sin_addr(s), ValueLayout.JAVA_BYTE, 0, raw, 0, 4);
                return new InetSocketAddress(InetAddress.getByAddress(raw), port(sockaddr_in.sin_port(s)));
            }
            if (family == AF_INET6) {
                byte[] raw = new byte[16];
                MemorySegment.copy(sockaddr_in6.sin6_addr(s), ValueLayout.JAVA_BYTE, 0, raw, 0, 16);
                int scope = sockaddr_in6.sin6_scope_id(s);
                // getByAddress makes an IPv4-mapped address (a v4 peer of a dual-stack server)
                // the plain Inet4Address; a link-local one keeps its interface.
                InetAddress a = scope != 0 ? Inet6Address.getByAddress(null, raw, scope) : InetAddress.getByAddress(raw);
                return new InetSocketAddress(a, port(sockaddr_in6.sin6_port(s)));
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        return null;
    }

    /**
     * The address a socket is bound to ({@code getsockname}), or its peer's
     * ({@code getpeername}); null when the call fails.
     */
    public static InetSocketAddress of(Scratch scratch, int fd, boolean peer) {
        long mark = scratch.mark();
        try {
            MemorySegment sa = scratch.allocate(storageSize(), 8);
            MemorySegment len = scratch.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, (int) storageSize());
            int r = peer ? LibC.getpeername(fd, sa, len) : LibC.getsockname(fd, sa, len);
            return r == 0 ? decode(sa) : null;
        } finally {
            scratch.reset(mark);
        }
    }

    /** Whether {@code fd} is a socket ({@code getsockname} succeeds on it), whatever its family. */
    public static boolean isSocket(Scratch scratch, int fd) {
        return named(scratch, fd, false);
    }

    /** Whether {@code fd} is a socket with a peer ({@code getpeername} succeeds): connected, not listening. */
    public static boolean hasPeer(Scratch scratch, int fd) {
        return named(scratch, fd, true);
    }

    private static boolean named(Scratch scratch, int fd, boolean peer) {
        long mark = scratch.mark();
        try {
            MemorySegment sa = scratch.allocate(storageSize(), 8);
            MemorySegment len = scratch.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, (int) storageSize());
            return (peer ? LibC.getpeername(fd, sa, len) : LibC.getsockname(fd, sa, len)) == 0;
        } finally {
            scratch.reset(mark);
        }
    }

    /** The address {@code host} spells as an IP literal ("[::1]" allowed), or null for a name. */
    public static InetAddress literal(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!couldBeLiteral(h)) {
            // ofLiteral reports a name by throwing, and a stack trace per lookup is costly.
            return null;
        }
        try {
            return InetAddress.ofLiteral(h);
        } catch (IllegalArgumentException notALiteral) {
            return null;
        }
    }

    private static boolean couldBeLiteral(String h) {
        if (h.indexOf(':') >= 0) {
            return true;
        }
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if ((c < '0' || c > '9') && c != '.') {
                return false;
            }
        }
        return !h.isEmpty();
    }

    private static int port(short net) {
        short host = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.BIG_ENDIAN ? net : Short.reverseBytes(net);
        return host & 0xffff;
    }
}
