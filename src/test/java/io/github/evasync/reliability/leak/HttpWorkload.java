package io.github.evasync.reliability.leak;

import io.github.evasync.EventLoop;
import io.github.evasync.http.HttpClientOptions;
import io.github.evasync.http.HttpRequest;
import io.github.evasync.http.HttpRequestSpec;
import io.github.evasync.http.HttpServer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import static io.github.evasync.reliability.leak.LeakSettings.HTTP_CONCURRENCY;
import static io.github.evasync.reliability.leak.LeakSettings.HTTP_POST_BYTES;
import static io.github.evasync.reliability.leak.LeakSettings.HTTP_W;

/** HTTP that works: keep-alive, Connection: close, POST bodies, chunked answers, answers from a timer, futures. */
final class HttpWorkload extends Workload {
    HttpServer server;
    final byte[] post = pattern(HTTP_POST_BYTES, 7);

    HttpWorkload() {
        super("http", HTTP_W, HTTP_CONCURRENCY);
    }

    @Override
    void open(EventLoop loop) {
        server = loop.httpServer("127.0.0.1", 0, this::serve, none("http server"));
    }

    private void serve(HttpRequest req) {
        switch (req.resource()) {
            case "/hello" -> req.respond(200, Map.of("Content-Type", "text/plain"), "hello " + req.queryString());
            case "/echo" -> req.respond(200, null, req.body());
            case "/chunked" -> {
                req.startChunked(200, Map.of("Content-Type", "text/plain"));
                req.chunk("one ".getBytes(StandardCharsets.US_ASCII));
                req.chunk("two ".getBytes(StandardCharsets.US_ASCII));
                req.chunk("three".getBytes(StandardCharsets.US_ASCII));
                req.end();
            }
            case "/later" -> EventLoop.current().delay(Duration.ofMillis(1), () -> req.respond(200, null, "later"));
            default -> req.respond(404, null, "no");
        }
    }

    @Override
    void unit(EventLoop loop, int i, Runnable done) {
        String base = "http://127.0.0.1:" + server.port();
        t.expect("ok");
        int variant = i % 5;
        if (variant == 4) {
            loop.http(HttpRequestSpec.get(base + "/later")).whenComplete((res, err) -> {
                if (err == null && res.status() == 200 && res.bodyText().equals("later")) {
                    t.got("ok");
                } else {
                    t.unexpected("future " + res, err);
                }
                loop.execute(done);
            });
            return;
        }
        String url;
        byte[] want;
        HttpClientOptions o = HttpClientOptions.defaults();
        switch (variant) {
            case 0 -> {
                url = base + "/hello?" + i;
                want = ("hello " + i).getBytes(StandardCharsets.US_ASCII);
            }
            case 1 -> {
                url = base + "/hello?" + i;
                want = ("hello " + i).getBytes(StandardCharsets.US_ASCII);
                o = o.header("Connection", "close");
            }
            case 2 -> {
                url = base + "/echo";
                want = post;
                o = o.method("POST").body(post);
            }
            default -> {
                url = base + "/chunked";
                want = "one two three".getBytes(StandardCharsets.US_ASCII);
            }
        }
        loop.httpClient(url, (st, h, b) -> {
            if (st == 200 && Arrays.equals(b, want)) {
                t.got("ok");
            } else {
                t.unexpected("http " + url + " gave " + st + " " + b.length + " bytes", null);
            }
            done.run();
        }, ev -> {
            t.unexpected("http " + url, ev);
            done.run();
        }, o);
    }

    @Override
    void quiesce(EventLoop loop) {
        loop.closeIdleHttpConnections();
    }

    @Override
    void close(EventLoop loop) {
        server.close();
    }
}
