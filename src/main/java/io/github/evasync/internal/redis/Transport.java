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
 * {@code unix://} a local socket, which this build does not have yet (refused by {@link #check}).
 */
final class Transport {
    private Transport() {
    }

    /**
     * Refuses, before anything is made, a URI this build cannot connect to.
     *
     * @throws IllegalArgumentException for {@code unix://}: local (Unix-domain) sockets are not
     *         available in this build of evasync
     */
    static void check(RedisUri uri) {
        if (uri.local()) {
            throw new IllegalArgumentException("cannot connect to " + uri.where()
                    + ": local (Unix-domain) sockets are not available yet in this build of evasync;"
                    + " use redis://host:port");
        }
    }

    /** Starts connecting; {@code tls} is the settings for {@code rediss://} (null otherwise). */
    static TcpSocket connect(EventLoop loop, RedisUri uri, TlsOptions tls, ReadCallback read, EventHandler handler,
                             TcpOptions options) {
        check(uri);
        return loop.tcpConnect(uri.host(), uri.port(), read, handler, tls == null ? options : options.tls(tls));
    }
}
