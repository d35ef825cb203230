package io.github.evasync.internal.redis;

import io.github.evasync.EventHandler;
import io.github.evasync.EventLoop;
import io.github.evasync.tcp.ReadCallback;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpSocket;
import io.github.evasync.tls.TlsOptions;

/**
 * The one place where a parsed URI becomes a socket: {@code redis://} a plain
 * {@code loop.tcpConnect}, {@code rediss://} the same with {@link TcpOptions#tls}, and
 * {@code unix://} a local (Unix-domain) socket through {@code loop.unixConnect}.
 */
final class Transport {
    private Transport() {
    }

    /**
     * Refuses, before anything is made, a URI no socket can be made for: a {@code unix://} path
     * longer than a socket address holds (107 bytes, as {@code loop.unixConnect} would say later,
     * inside the connection attempt, where the caller would not hear it).
     *
     * @throws IllegalArgumentException naming the URI
     */
    static void check(RedisUri uri) {
        if (uri.local() && uri.path().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw new IllegalArgumentException("uri: a Unix socket path holds at most " + MAX_PATH_BYTES
                    + " bytes: " + uri.where());
        }
    }

    /** The longest path a {@code sockaddr_un} holds, its final NUL left out (the native layer's figure). */
    private static final int MAX_PATH_BYTES = io.github.evasync.internal.ffi.SockAddr.MAX_UNIX_PATH;

    /** Starts connecting; {@code tls} is the settings for {@code rediss://} (null otherwise). */
    static TcpSocket connect(EventLoop loop, RedisUri uri, TlsOptions tls, ReadCallback read, EventHandler handler,
                             TcpOptions options) {
        check(uri);
        if (uri.local()) {
            return loop.unixConnect(uri.path(), read, handler, options);
        }
        return loop.tcpConnect(uri.host(), uri.port(), read, handler, tls == null ? options : options.tls(tls));
    }
}
