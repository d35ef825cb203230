package io.github.evasync.internal.tcp;

import io.github.evasync.EventHandler;
import io.github.evasync.internal.dns.DnsQuery;
import io.github.evasync.internal.ffi.BufferEvent;
import io.github.evasync.internal.ffi.SockAddr;
import io.github.evasync.internal.ffi.TlsContext;
import io.github.evasync.internal.ffi.SocketOptions;
import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.internal.tls.TlsAccess;
import io.github.evasync.tcp.ReadCallback;
import io.github.evasync.tcp.ServerOptions;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpServer;
import io.github.evasync.tcp.TcpSocket;
import io.github.evasync.tls.TlsOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/** Makes TCP sockets and servers for {@code EventLoop}; loop thread only. */
public final class Tcp {
    private Tcp() {
    }

    /** {@code tcpConnect}: starts connecting and returns the socket at once. */
    public static TcpSocket connect(LoopCore core, String host, int port, ReadCallback read, EventHandler handler,
                                    TcpOptions options) {
        Connection c = outgoing(core, false, host, read, handler, options);
        try {
            c.connect(host, port, options.connectCallback(), options.noDelay(), keepAliveSeconds(options.keepAlive()));
        } catch (Throwable t) {
            // The caller never gets this socket: it must not connect later (a lookup queued
            // before the failure finds it freed) or stay registered.
            c.closeNow();
            throw t;
        }
        return c;
    }

    /**
     * {@code unixConnect}: starts connecting to a Unix-domain socket file and returns the socket
     * at once. Over TLS, {@code tlsHost} is the name the server's certificate must carry.
     */
    public static TcpSocket unixConnect(LoopCore core, Path path, ReadCallback read, EventHandler handler,
                                        TcpOptions options, String tlsHost) {
        UnixSocketFile file = UnixSocketFile.of(path, "path");
        Connection c = outgoing(core, true, tlsHost, read, handler, options);
        c.connectUnix(file.bytes, options.connectCallback());
        return c;
    }

    /** An outgoing socket with its options applied, before it connects. */
    private static Connection outgoing(LoopCore core, boolean local, String host, ReadCallback read,
                                       EventHandler handler, TcpOptions options) {
        TlsOptions tls = options.tls();
        Connection c;
        if (tls == null) {
            c = Connection.outgoing(core, local, read, handler, null, null);
        } else {
            // The context is made on the options' first use; its errors (a bad file) throw here.
            TlsContext context = TlsAccess.context(tls);
            String name = tls.serverName() != null ? tls.serverName() : host;
            c = Connection.outgoing(core, local, read, handler, new BufferEvent.Tls(context, name), tls.handshakeTimeout());
        }
        if (options.allowHalfOpen()) {
            c.allowHalfOpen(true);
        }
        if (options.readTimeout() != null || options.writeTimeout() != null) {
            c.applyTimeouts(options.readTimeout(), options.writeTimeout());
        }
        byte[] first = options.data();
        if (first != null) {
            c.write(first, options.writeCallback());
        }
        return c;
    }

    /** {@code unixServer}: clears a stale socket file, binds and listens, or throws {@code TcpServerBindError}. */
    public static TcpServer unixServer(LoopCore core, Path path, ReadCallback read, EventHandler handler,
                                       ServerOptions options) {
        return Listener.bindUnix(core, UnixSocketFile.of(path, "path"), read, handler, options);
    }

    /** Checks a Unix socket path argument, naming it: not null, not empty, short enough for {@code sockaddr_un}. */
    public static void checkUnixPath(Path path, String argument) {
        UnixSocketFile.of(path, argument);
    }

    /** The keepalive idle time in whole seconds, a part of one counting as one; 0 for none. */
    static int keepAliveSeconds(Duration idle) {
        if (idle == null) {
            return 0;
        }
        long s = idle.getSeconds() + (idle.getNano() > 0 ? 1 : 0);
        return (int) Math.min(Math.max(s, 1), TcpOptions.MAX_KEEPALIVE_SECONDS);
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
        if (!SockAddr.hasPeer(core.scratch(), fd)) {
            // A listening or unconnected socket would be counted as a connection for ever, and
            // fail its first read or write.
            throw new IllegalArgumentException("fd is not a connected socket (it listens, or has no peer): " + fd);
        }
        if (!SocketOptions.nonBlocking(fd)) {
            throw new IllegalArgumentException("fd is not a socket this process can use: " + fd);
        }
        return Connection.wrapped(core, fd, read, handler);
    }

    /** Checks {@code tcpConnect}'s arguments, naming the one that is wrong. */
    public static void checkConnectArgs(String host, int port, TcpOptions options) {
        DnsQuery.checkHost(host);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535: " + port);
        }
        Objects.requireNonNull(options, "options");
    }
}
