package io.github.evasync.internal.http;

import io.github.evasync.EventHandler;
import io.github.evasync.TcpInfo;
import io.github.evasync.http.HttpHandler;
import io.github.evasync.http.HttpServer;
import io.github.evasync.http.HttpServerOptions;
import io.github.evasync.internal.loop.GracefulShutdown;
import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.internal.tcp.Tcp;
import io.github.evasync.tcp.ReadCallback;
import io.github.evasync.tcp.ServerOptions;
import io.github.evasync.tcp.TcpServer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.concurrent.CompletableFuture;

/**
 * An {@link HttpServer}: our own HTTP/1.1 codec over evasync's TCP server (not libevent's
 * evhttp, which is half as fast here and cannot stream request bodies).
 */
public final class HttpServerImpl implements HttpServer {
    private final HttpHandler handler;
    private final EventHandler eventHandler;
    private final HttpServerOptions options;
    private final HttpDate date = new HttpDate();
    private final TcpServer tcp;
    private final LoopCore core;
    /** Open connections, for a graceful shutdown; loop thread only. */
    private final java.util.Set<HttpConnection> connections = new java.util.LinkedHashSet<>();
    private final GracefulShutdown shutdown;

    private HttpServerImpl(LoopCore core, Path unixSocket, String bind, int port, HttpHandler handler,
                           EventHandler eventHandler, HttpServerOptions options) {
        this.core = core;
        this.shutdown = new GracefulShutdown(core);
        this.handler = handler;
        this.eventHandler = eventHandler;
        this.options = options;
        ReadCallback read = (socket, data) -> ((HttpConnection) socket.data()).onData(data);
        EventHandler events = condition -> {
            // A client's own socket ending is the connection's business, not the app's.
            if (condition instanceof TcpInfo info && info.socket() != null
                    && info.socket().data() instanceof HttpConnection c) {
                c.socketEnded();
            } else {
                // What reaches the server itself is an accept error: passing, never fatal.
                core.errors().reportTransient(condition, eventHandler);
            }
        };
        ServerOptions serverOptions = ServerOptions.defaults().reusePort(options.reusePort()).tls(options.tls())
                .connectCallback(s -> {
                    if (shutdown.requested()) {
                        // Accepted before the shutdown, its TLS handshake ended after it: the
                        // server serves no new connection now, and the drain never saw this one.
                        s.closeNow();
                        return;
                    }
                    HttpConnection c = new HttpConnection(this, core, s);
                    s.setData(c);
                    connections.add(c);
                });
        this.tcp = unixSocket != null ? Tcp.unixServer(core, unixSocket, read, events, serverOptions)
                : Tcp.server(core, bind, port, read, events, serverOptions);
    }

    /** {@code loop.httpServer}: binds, listens, and serves. */
    public static HttpServer start(LoopCore core, String bind, int port, HttpHandler handler,
                                   EventHandler eventHandler, HttpServerOptions options) {
        return new HttpServerImpl(core, null, bind, port, handler, eventHandler, options);
    }

    /** {@code loop.httpServer(Path, ...)}: binds the Unix socket file, listens, and serves. */
    public static HttpServer start(LoopCore core, Path unixSocket, HttpHandler handler, EventHandler eventHandler,
                                   HttpServerOptions options) {
        return new HttpServerImpl(core, unixSocket, null, 0, handler, eventHandler, options);
    }

    HttpHandler handler() {
        return handler;
    }

    EventHandler eventHandler() {
        return eventHandler;
    }

    HttpServerOptions options() {
        return options;
    }

    byte[] dateLine() {
        return date.headerLine();
    }

    @Override
    public int port() {
        return tcp.port();
    }

    @Override
    public void close() {
        tcp.close();
    }

    @Override
    public boolean isClosed() {
        return tcp.isClosed() || shutdown.requested(); // a shutdown asked from another thread counts at once
    }

    @Override
    public CompletableFuture<Void> shutdown(Duration grace) {
        // Anonymous classes rather than lambdas: this may run on the loop thread (see LoopCore#call).
        return shutdown.request(grace, new Runnable() {
            @Override
            public void run() {
                tcp.close();
                for (HttpConnection c : List.copyOf(connections)) {
                    c.drain();
                }
            }
        }, new BooleanSupplier() {
            @Override
            public boolean getAsBoolean() {
                return connections.isEmpty();
            }
        }, new Runnable() {
            @Override
            public void run() {
                for (HttpConnection c : List.copyOf(connections)) {
                    c.abort();
                }
            }
        });
    }

    /** A connection of this server closed. */
    void closed(HttpConnection c) {
        connections.remove(c);
        shutdown.connectionEnded(connections.isEmpty());
    }

    @Override
    public String toString() {
        return "HttpServer[" + (tcp.path() != null ? "unix=" + tcp.path() : "port=" + tcp.port()) + "]";
    }
}
