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

import java.util.Objects;

/** Makes TCP sockets and servers for {@code EventLoop}; loop thread only. */
public final class Tcp {
    private Tcp() {
    }

    /** {@code tcpConnect}: starts connecting and returns the socket at once. */
    public static TcpSocket connect(LoopCore core, String host, int port, ReadCallback read, EventHandler handler,
                                    TcpOptions options) {
        TlsOptions tls = options.tls();
        Connection c;
        if (tls == null) {
            c = Connection.outgoing(core, read, handler, null, null);
        } else {
            // The context is made on the options' first use; its errors (a bad file) throw here.
            TlsContext context = TlsAccess.context(tls);
            String name = tls.serverName() != null ? tls.serverName() : host;
            c = Connection.outgoing(core, read, handler, new BufferEvent.Tls(context, name), tls.handshakeTimeout());
        }
        if (options.readTimeout() != null || options.writeTimeout() != null) {
            c.applyTimeouts(options.readTimeout(), options.writeTimeout());
        }
        byte[] first = options.data();
        if (first != null) {
            c.write(first, options.writeCallback());
        }
        c.connect(host, port, options.connectCallback());
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
