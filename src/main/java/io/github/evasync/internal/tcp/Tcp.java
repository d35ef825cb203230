package io.github.evasync.internal.tcp;

import io.github.evasync.EventHandler;
import io.github.evasync.internal.dns.DnsQuery;
import io.github.evasync.internal.ffi.FastCalls;
import io.github.evasync.internal.ffi.LibC;
import io.github.evasync.internal.ffi.Scratch;
import io.github.evasync.internal.ffi.SockAddr;
import io.github.evasync.internal.libevent.LibEvent;
import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.tcp.ReadCallback;
import io.github.evasync.tcp.ServerOptions;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpServer;
import io.github.evasync.tcp.TcpSocket;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.util.Objects;

/** Makes TCP sockets and servers for {@code EventLoop}; loop thread only. */
public final class Tcp {
    private static final int IPPROTO_TCP = LibEvent.IPPROTO_TCP();
    /** TCP_NODELAY is 1 on Linux and the BSDs. */
    private static final int TCP_NODELAY = 1;
    /** TCP_NOTSENT_LOWAT is 25 on Linux; other systems lack it, and the call then fails harmlessly. */
    private static final int TCP_NOTSENT_LOWAT = 25;

    private Tcp() {
    }

    /** {@code tcpConnect}: starts connecting and returns the socket at once. */
    public static TcpSocket connect(LoopCore core, String host, int port, ReadCallback read, EventHandler handler,
                                    TcpOptions options) {
        MemorySegment bev = LibEvent.bufferevent_socket_new(core.base(), -1, LibEvent.BEV_OPT_CLOSE_ON_FREE());
        if (bev.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("bufferevent_socket_new failed");
        }
        Connection c = new Connection(core, bev, false, read, handler, options.connectCallback());
        LibEvent.bufferevent_enable(bev, (short) (Connection.EV_READ | Connection.EV_WRITE));
        if (options.readTimeout() != null || options.writeTimeout() != null) {
            c.applyTimeouts(options.readTimeout(), options.writeTimeout());
        }
        byte[] first = options.data();
        if (first != null) {
            c.write(first, options.writeCallback());
        }
        InetAddress literal = SockAddr.literal(host);
        Scratch s = core.scratch();
        long mark = s.mark();
        try {
            MemorySegment state = s.allocate(FastCalls.captureStateSize(), 8);
            if (literal != null) {
                c.startConnecting(null);
                MemorySegment sa = SockAddr.encode(s, literal, port);
                int r = FastCalls.bufferevent_socket_connect(state, bev, sa, (int) sa.byteSize());
                int errno = FastCalls.errno(state);
                c.connectErrno(errno);
                if (r != 0) {
                    c.failSoon(errno);
                }
            } else {
                c.startConnecting(host);
                int r = LibEvent.bufferevent_socket_connect_hostname(bev, core.dnsBase(), LibEvent.AF_UNSPEC(),
                        s.allocateFrom(host), port);
                if (r != 0 && c.bev() != null) {
                    c.failSoon(LibC.errno());
                }
            }
        } finally {
            s.reset(mark);
        }
        return c;
    }

    /** {@code tcpServer}: binds and listens, or throws {@code TcpServerBindError}. */
    public static TcpServer server(LoopCore core, String bind, int port, ReadCallback read, EventHandler handler,
                                   ServerOptions options) {
        return Listener.bind(core, bind, port, read, handler, options);
    }

    /** {@code wrapFd}: takes ownership of a connected socket descriptor. */
    public static TcpSocket wrap(LoopCore core, int fd, ReadCallback read, EventHandler handler) {
        if (!SockAddr.isSocket(core.scratch(), fd)) {
            // A file or pipe would be taken over (and closed) yet never read: epoll refuses files.
            throw new IllegalArgumentException("fd is not an open socket: " + fd);
        }
        if (LibEvent.evutil_make_socket_nonblocking(fd) != 0) {
            throw new IllegalArgumentException("fd is not a socket this process can use: " + fd);
        }
        MemorySegment bev = LibEvent.bufferevent_socket_new(core.base(), fd, LibEvent.BEV_OPT_CLOSE_ON_FREE());
        if (bev.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("bufferevent_socket_new failed for fd " + fd);
        }
        Connection c = new Connection(core, bev, false, read, handler, null);
        LibEvent.bufferevent_enable(bev, Connection.EV_WRITE);
        c.startReading(true);
        return c;
    }

    /** Checks {@code tcpConnect}'s arguments, naming the one that is wrong. */
    public static void checkConnectArgs(String host, int port, TcpOptions options) {
        DnsQuery.checkHost(host);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535: " + port);
        }
        Objects.requireNonNull(options, "options");
    }

    static void setNoDelay(LoopCore core, int fd) {
        setTcpOption(core, fd, TCP_NODELAY, 1);
    }

    /**
     * Asks the kernel to stop taking writes once this many bytes wait unsent in it. Without it,
     * Linux grows a socket's send buffer to megabytes on its own, and a peer that never reads
     * can make the program produce all of that before any bound of ours sees output waiting.
     */
    static void setNotSentLowat(LoopCore core, int fd, int bytes) {
        setTcpOption(core, fd, TCP_NOTSENT_LOWAT, bytes);
    }

    private static void setTcpOption(LoopCore core, int fd, int option, int value) {
        Scratch s = core.scratch();
        long mark = s.mark();
        try {
            MemorySegment v = s.allocate(ValueLayout.JAVA_INT);
            v.set(ValueLayout.JAVA_INT, 0, value);
            // Best effort: a socket that refuses it (not TCP, say) still works.
            LibC.setsockopt(fd, IPPROTO_TCP, option, v);
        } finally {
            s.reset(mark);
        }
    }
}
