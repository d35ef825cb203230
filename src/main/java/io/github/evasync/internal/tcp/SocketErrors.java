package io.github.evasync.internal.tcp;

import io.github.evasync.DnsError;
import io.github.evasync.TcpAcceptError;
import io.github.evasync.TcpError;
import io.github.evasync.TcpRefused;
import io.github.evasync.TcpServerBindError;
import io.github.evasync.internal.ffi.LibC;
import io.github.evasync.tcp.TcpServer;
import io.github.evasync.tcp.TcpSocket;

/**
 * Which condition a failed socket call or event becomes, and its text (Netty's {@code Errors}):
 * the errno itself with {@code strerror}'s words, or -1 and a plain phrase when errno gave
 * nothing. One place, so that a socket, a server and a connect report the same errno the same
 * way.
 */
public final class SocketErrors {
    private SocketErrors() {
    }

    /** An open socket failed (a reset, a write to a peer that has gone...). */
    public static TcpError failed(TcpSocket socket, int errno) {
        return new TcpError(socket, errno > 0 ? errno : -1, text(errno, "socket error"));
    }

    /** A connect failed: {@link TcpRefused} when the peer refused, else as {@link #failed}. */
    public static TcpError connectFailed(TcpSocket socket, int errno) {
        if (errno == LibC.ECONNREFUSED) {
            return new TcpRefused(socket, errno, text(errno, null));
        }
        return failed(socket, errno);
    }

    /** Looking up the host to connect to failed with getaddrinfo's {@code code}. */
    public static DnsError lookupFailed(String host, int code) {
        return new DnsError(host, code, LibC.gaiStrerror(code));
    }

    /** accept failed on a server (out of descriptors, mostly). */
    public static TcpAcceptError acceptFailed(TcpServer server, int errno) {
        return new TcpAcceptError(server, errno, text(errno, "accept failed"));
    }

    /** Binding or listening on {@code bind:port} failed ({@code errno} 0 when libevent gave none). */
    public static TcpServerBindError bindFailed(String bind, int port, int errno) {
        return new TcpServerBindError(bind, port, errno, text(errno, "evconnlistener_new_bind failed"));
    }

    /** Binding or listening on the Unix socket file {@code path} failed. */
    public static TcpServerBindError bindFailed(java.nio.file.Path path, int errno) {
        return new TcpServerBindError(path, errno > 0 ? errno : -1, text(errno, "cannot listen"));
    }

    private static String text(int errno, String none) {
        return errno > 0 ? LibC.strerror(errno) : none;
    }
}
