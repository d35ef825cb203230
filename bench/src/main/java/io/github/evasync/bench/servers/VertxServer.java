package io.github.evasync.bench.servers;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/** Vert.x's side of bench/load.sh: HTTP hello world on one event loop (native epoll when it loads). */
public final class VertxServer {
    private VertxServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[1]);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
        vertx.createHttpServer()
                .requestHandler(req -> req.response().putHeader("Content-Type", "text/plain").end("Hello, World!"))
                .listen(port, "127.0.0.1")
                .await();
        System.out.println("vertx hello listening on 127.0.0.1:" + port + " native=" + vertx.isNativeTransportEnabled());
    }
}
