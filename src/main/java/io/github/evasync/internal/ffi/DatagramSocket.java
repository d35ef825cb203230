package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibEvent;
import io.github.evasync.internal.libevent.ip_mreqn;
import io.github.evasync.internal.libevent.ipv6_mreq;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;

/**
 * A bound datagram socket of one loop: the descriptor ({@code socket(SOCK_DGRAM | SOCK_NONBLOCK
 * | SOCK_CLOEXEC)}), a persistent read event on it and a one-shot write event, both carrying this
 * owner's handle. Made bound, closed and freed exactly once; counted as a native object and an
 * open UDP socket while it lives. The write event serves twice: activated by hand it runs a
 * flush of what was queued during the turn; added, it waits for room in the send buffer.
 * Loop thread only.
 */
public final class DatagramSocket extends NativeOwner {
    private static final short READ_PERSIST = (short) (LibEvent.EV_READ() | LibEvent.EV_PERSIST());
    private static final short WRITE = (short) LibEvent.EV_WRITE();
    private static final short READ = (short) LibEvent.EV_READ();
    private static final int AF_INET = LibEvent.AF_INET();
    private static final int AF_INET6 = LibEvent.AF_INET6();
    private static final int SOCK_FLAGS = LibEvent.SOCK_DGRAM() | LibEvent.SOCK_NONBLOCK() | LibEvent.SOCK_CLOEXEC();
    private static final int SOL_SOCKET = LibEvent.SOL_SOCKET();
    private static final int IPPROTO_IP = LibEvent.IPPROTO_IP();
    private static final int IPPROTO_IPV6 = LibEvent.IPPROTO_IPV6();
    /** errno of a socket() whose family the system lacks (no IPv6); Linux's number. */
    private static final int EAFNOSUPPORT = 97;
    /** errno: a datagram too large (to send, or, as evasync reports it, to receive). */
    public static final int EMSGSIZE = LibEvent.EMSGSIZE();
    /** errno values an ICMP error leaves on a socket besides ECONNREFUSED; Linux's numbers. */
    private static final int ENETUNREACH = 101;
    private static final int EHOSTUNREACH = 113;
    /** errno: no local address can reach the destination; Linux's number. */
    private static final int EADDRNOTAVAIL = 99;

    /** What the socket reports to. */
    public interface Target {
        /** The descriptor is readable (datagrams, or an error waiting). */
        void readable();

        /** A flush was asked for, or the send buffer has room again. */
        void writable();

        /** The loop closed and freed the socket; must not call into application code. */
        void released();
    }

    /** A system call that failed while the socket was made, and its errno. */
    public static final class OpenFailed extends RuntimeException {
        private final int errno;

        OpenFailed(String call, int errno) {
            super(call + ": " + (errno > 0 ? LibC.strerror(errno) : "failed"), null, false, false);
            this.errno = errno;
        }

        /** {@return the errno of the failed call} */
        public int errno() {
            return errno;
        }
    }

    /** The socket's settings at open; sizes of 0 leave the system's default. */
    public record Settings(int receiveBuffer, int sendBuffer, boolean reuseAddress) {
    }

    private final EventBase base;
    private final Target target;
    private int fd = -1;
    private boolean ipv6;
    private MemorySegment readEvent;
    private MemorySegment writeEvent;
    private boolean writeAdded;

    /**
     * Makes the socket and binds it to {@code bind:port}; {@code bind} null is every address,
     * IPv6 and IPv4 (dual stack), or IPv4 only where the system has no IPv6.
     *
     * @throws OpenFailed when a system call fails (the address in use, say)
     */
    public DatagramSocket(EventBase base, HandleTable handles, IntConsumer count, Scratch scratch,
                          InetAddress bind, int port, Settings settings, Target target) {
        super(handles, count);
        this.base = base;
        this.target = target;
        // A class, not a lambda (see NativeOwner.open()).
        open(new LongConsumer() {
            @Override
            public void accept(long h) {
                make(scratch, bind, port, settings, h);
            }
        });
    }

    private void make(Scratch scratch, InetAddress bind, int port, Settings settings, long h) {
        long mark = scratch.mark();
        try {
            MemorySegment state = scratch.allocate(FastCalls.captureStateSize(), 8);
            InetAddress address = bind;
            if (address == null) {
                fd = FastCalls.socket(state, AF_INET6, SOCK_FLAGS, LibEvent.IPPROTO_UDP());
                if (fd < 0 && FastCalls.errno(state) == EAFNOSUPPORT) {
                    address = anyV4();
                } else {
                    address = anyV6();
                }
            }
            ipv6 = address instanceof Inet6Address;
            if (fd < 0) {
                fd = FastCalls.socket(state, ipv6 ? AF_INET6 : AF_INET, SOCK_FLAGS, LibEvent.IPPROTO_UDP());
            }
            if (fd < 0) {
                throw new OpenFailed("socket", FastCalls.errno(state));
            }
            if (ipv6 && address.isAnyLocalAddress()) {
                // Dual stack: "::" also receives IPv4, whatever the system's bindv6only says.
                setInt(scratch, IPPROTO_IPV6, LibEvent.IPV6_V6ONLY(), 0);
            }
            if (settings.reuseAddress()) {
                check("setsockopt(SO_REUSEADDR)", setInt(scratch, SOL_SOCKET, LibEvent.SO_REUSEADDR(), 1));
            }
            if (settings.receiveBuffer() > 0) {
                check("setsockopt(SO_RCVBUF)", setInt(scratch, SOL_SOCKET, LibEvent.SO_RCVBUF(), settings.receiveBuffer()));
            }
            if (settings.sendBuffer() > 0) {
                check("setsockopt(SO_SNDBUF)", setInt(scratch, SOL_SOCKET, LibEvent.SO_SNDBUF(), settings.sendBuffer()));
            }
            // ICMP errors (a closed port's "port unreachable") reach an unconnected socket only
            // with RECVERR: they then wait in its error queue with the address they concern.
            setInt(scratch, IPPROTO_IP, LibEvent.IP_RECVERR(), 1);
            if (ipv6) {
                setInt(scratch, IPPROTO_IPV6, LibEvent.IPV6_RECVERR(), 1);
            }
            MemorySegment sa = SockAddr.encode(scratch, address, port);
            if (FastCalls.bind(state, fd, sa, (int) sa.byteSize()) != 0) {
                throw new OpenFailed("bind", FastCalls.errno(state));
            }
            readEvent = newEvent(READ_PERSIST, h);
            writeEvent = newEvent(WRITE, h);
            if (LibEvent.event_add(readEvent, MemorySegment.NULL) != 0) {
                throw new IllegalStateException("event_add failed for a datagram socket");
            }
        } finally {
            scratch.reset(mark);
        }
    }

    private MemorySegment newEvent(short flags, long h) {
        MemorySegment e = LibEvent.event_new(base.pointer(), fd, flags, Upcalls.Events.CALLBACK, Upcalls.arg(h));
        if (e.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("event_new failed for a datagram socket");
        }
        return e;
    }

    private static void check(String call, int errno) {
        if (errno != 0) {
            throw new OpenFailed(call, errno);
        }
    }

    private static InetAddress anyV4() {
        return InetAddress.ofLiteral("0.0.0.0");
    }

    private static InetAddress anyV6() {
        return InetAddress.ofLiteral("::");
    }

    @Override
    protected void abandon() {
        freeNative();
    }

    /**
     * {@return whether {@code errno} is one that an ICMP error leaves pending on a socket (port,
     * host or network unreachable), which the next send of any datagram may take} The last two
     * also come from the local routing table, for the datagram's own destination.
     */
    public static boolean isIcmpError(int errno) {
        return errno == LibC.ECONNREFUSED || errno == EHOSTUNREACH || errno == ENETUNREACH;
    }

    /**
     * {@return whether {@code errno}, the datagram's own, says this host cannot send to that
     * address at all (no route for its family, no source address, a family the socket lacks):
     * another address of the same name may work}
     */
    public static boolean isAddressError(int errno) {
        return errno == ENETUNREACH || errno == EHOSTUNREACH || errno == EADDRNOTAVAIL || errno == EAFNOSUPPORT;
    }

    /** {@return the descriptor} */
    public int fd() {
        return fd;
    }

    /** {@return whether the socket is IPv6 (and may also reach IPv4 through mapped addresses)} */
    public boolean ipv6() {
        return ipv6;
    }

    /** {@return the address the socket is bound to} */
    public InetSocketAddress localAddress(Scratch scratch) {
        return SockAddr.of(scratch, fd, false);
    }

    /** Runs a flush on this turn: the write event is made active, unless it already waits. */
    public void requestFlush() {
        if (!writeAdded) {
            LibEvent.event_active(writeEvent, WRITE, (short) 0);
        }
    }

    /** Waits for room in the send buffer: the write event fires once the socket is writable. */
    public void awaitWritable() {
        if (!writeAdded && LibEvent.event_add(writeEvent, MemorySegment.NULL) == 0) {
            writeAdded = true;
        }
    }

    @Override
    public void onEvent(Object ignored, int fd, short what) {
        if (isFreed()) {
            return;
        }
        if ((what & READ) != 0) {
            target.readable();
        } else {
            writeAdded = false;
            target.writable();
        }
    }

    /** Sets an int option; {@return 0, or the errno} */
    public int setInt(Scratch scratch, int level, int name, int value) {
        long mark = scratch.mark();
        try {
            MemorySegment state = scratch.allocate(FastCalls.captureStateSize(), 8);
            MemorySegment v = scratch.allocate(ValueLayout.JAVA_INT);
            v.set(ValueLayout.JAVA_INT, 0, value);
            return FastCalls.setsockopt(state, fd, level, name, v) == 0
                    ? 0 : FastCalls.errno(state);
        } finally {
            scratch.reset(mark);
        }
    }

    /** Reads an int option; {@return its value, or minus the errno} */
    public int getInt(Scratch scratch, int level, int name) {
        long mark = scratch.mark();
        try {
            MemorySegment state = scratch.allocate(FastCalls.captureStateSize(), 8);
            MemorySegment v = scratch.allocate(ValueLayout.JAVA_INT);
            MemorySegment len = scratch.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, (int) ValueLayout.JAVA_INT.byteSize());
            return DatagramCalls.getsockopt(state, fd, level, name, v, len) == 0
                    ? v.get(ValueLayout.JAVA_INT, 0) : -FastCalls.errno(state);
        } finally {
            scratch.reset(mark);
        }
    }

    /** {@code SO_BROADCAST} on or off; {@return 0, or the errno} */
    public int broadcast(Scratch scratch, boolean on) {
        return setInt(scratch, SOL_SOCKET, LibEvent.SO_BROADCAST(), on ? 1 : 0);
    }

    /** {@return whether {@code SO_BROADCAST} is on, as the kernel says} */
    public boolean broadcast(Scratch scratch) {
        return getInt(scratch, SOL_SOCKET, LibEvent.SO_BROADCAST()) > 0;
    }

    /** {@return the kernel's receive buffer size (SO_RCVBUF), or minus the errno} */
    public int receiveBuffer(Scratch scratch) {
        return getInt(scratch, SOL_SOCKET, LibEvent.SO_RCVBUF());
    }

    /** {@return the kernel's send buffer size (SO_SNDBUF), or minus the errno} */
    public int sendBuffer(Scratch scratch) {
        return getInt(scratch, SOL_SOCKET, LibEvent.SO_SNDBUF());
    }

    /** Takes the socket's pending error (SO_ERROR), clearing it; {@return the errno, or 0} */
    public int takeError(Scratch scratch) {
        int e = getInt(scratch, SOL_SOCKET, LibEvent.SO_ERROR());
        return Math.abs(e);
    }

    /** Whether multicast this socket sends comes back to the host's own members; {@return 0 or the errno} */
    public int multicastLoop(Scratch scratch, boolean on) {
        int r = setInt(scratch, IPPROTO_IP, LibEvent.IP_MULTICAST_LOOP(), on ? 1 : 0);
        return ipv6 ? setInt(scratch, IPPROTO_IPV6, LibEvent.IPV6_MULTICAST_LOOP(), on ? 1 : 0) : r;
    }

    /**
     * The hop limit of multicast this socket sends: the IPv4 TTL, and on an IPv6 socket (which
     * sends to both families) the IPv6 hop limit too; {@return 0 or the errno}
     */
    public int multicastTtl(Scratch scratch, int ttl) {
        int r = setInt(scratch, IPPROTO_IP, LibEvent.IP_MULTICAST_TTL(), ttl);
        return ipv6 ? setInt(scratch, IPPROTO_IPV6, LibEvent.IPV6_MULTICAST_HOPS(), ttl) : r;
    }

    /** {@return the multicast hop limit the kernel holds: IPv6's on an IPv6 socket, else the IPv4 TTL; or minus the errno} */
    public int multicastTtl(Scratch scratch) {
        return ipv6 ? getInt(scratch, IPPROTO_IPV6, LibEvent.IPV6_MULTICAST_HOPS())
                : getInt(scratch, IPPROTO_IP, LibEvent.IP_MULTICAST_TTL());
    }

    /**
     * Joins or leaves {@code group} on the interface with index {@code ifindex} (0: the system
     * chooses): {@code ip_mreqn} for IPv4, {@code ipv6_mreq} for IPv6. {@return 0, or the errno}
     */
    public int membership(Scratch scratch, boolean join, InetAddress group, int ifindex) {
        long mark = scratch.mark();
        try {
            MemorySegment state = scratch.allocate(FastCalls.captureStateSize(), 8);
            MemorySegment req;
            int level;
            int name;
            if (group instanceof Inet4Address) {
                req = scratch.allocate(ip_mreqn.layout());
                MemorySegment.copy(group.getAddress(), 0, ip_mreqn.imr_multiaddr(req), ValueLayout.JAVA_BYTE, 0, 4);
                ip_mreqn.imr_ifindex(req, ifindex);
                level = IPPROTO_IP;
                name = join ? LibEvent.IP_ADD_MEMBERSHIP() : LibEvent.IP_DROP_MEMBERSHIP();
            } else {
                req = scratch.allocate(ipv6_mreq.layout());
                MemorySegment.copy(group.getAddress(), 0, ipv6_mreq.ipv6mr_multiaddr(req), ValueLayout.JAVA_BYTE, 0, 16);
                ipv6_mreq.ipv6mr_interface(req, ifindex);
                level = IPPROTO_IPV6;
                name = join ? LibEvent.IPV6_ADD_MEMBERSHIP() : LibEvent.IPV6_DROP_MEMBERSHIP();
            }
            return FastCalls.setsockopt(state, fd, level, name, req) == 0
                    ? 0 : FastCalls.errno(state);
        } finally {
            scratch.reset(mark);
        }
    }

    @Override
    protected void freeNative() {
        // event_free deletes a pending event first, and is safe inside the event's own callback.
        if (readEvent != null) {
            LibEvent.event_free(readEvent);
            readEvent = null;
        }
        if (writeEvent != null) {
            LibEvent.event_free(writeEvent);
            writeEvent = null;
        }
        writeAdded = false;
        if (fd >= 0) {
            LibC.close(fd);
            fd = -1;
        }
    }

    @Override
    protected void released() {
        target.released();
    }
}
