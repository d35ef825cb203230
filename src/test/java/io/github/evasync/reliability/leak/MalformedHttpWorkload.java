package io.github.evasync.reliability.leak;

import io.github.evasync.EventLoop;
import io.github.evasync.TcpEof;
import io.github.evasync.http.HttpServer;
import io.github.evasync.http.HttpServerOptions;
import io.github.evasync.tcp.TcpOptions;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.github.evasync.reliability.leak.LeakSettings.MALFORMED_CONCURRENCY;
import static io.github.evasync.reliability.leak.LeakSettings.MALFORMED_LIMIT;
import static io.github.evasync.reliability.leak.LeakSettings.MALFORMED_W;
import static io.github.evasync.reliability.leak.RawHttp.ascii;

/** Malformed requests to the HTTP server: each gets its 4xx and a closed connection. */
final class MalformedHttpWorkload extends Workload {
    static final String BIG = "a".repeat(2 * MALFORMED_LIMIT);
    /** Request bytes and the statuses that must come back, in order. */
    static final List<Map.Entry<String, String>> CASES = List.of(
            Map.entry("GARBAGE\r\n\r\n", "400"),
            Map.entry("GET / HTTP/1.1\r\nHost x\r\n\r\n", "400"),
            Map.entry("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", "400"),
            Map.entry("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n", "400"),
            Map.entry("GET / HTTP/1.1\r\nHost: x\r\nBad\u0000Name: y\r\n\r\n", "400"),
            Map.entry("GET / HTTP/1.1\r\nHost: x\r\nX: " + BIG + "\r\n\r\n", "431"),
            Map.entry("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + 4 * MALFORMED_LIMIT + "\r\n\r\n", "413"),
            Map.entry("GET / HTTP/1.1\r\nHost: x\r\n\r\nBAD REQUEST LINE\r\n\r\n", "200,400"));
    HttpServer server;

    MalformedHttpWorkload() {
        super("malformed", MALFORMED_W, MALFORMED_CONCURRENCY);
    }

    @Override
    void open(EventLoop loop) {
        server = loop.httpServer("127.0.0.1", 0, req -> req.respond(200, null, "fine"), none("malformed server"),
                HttpServerOptions.defaults().maxHeaderBytes(MALFORMED_LIMIT).maxBodyBytes(MALFORMED_LIMIT));
    }

    @Override
    void unit(EventLoop loop, int i, Runnable done) {
        Map.Entry<String, String> c = CASES.get(i % CASES.size());
        String key = "status" + c.getValue().replace(',', '+');
        t.expect(key);
        StringBuilder raw = new StringBuilder();
        loop.tcpConnect("127.0.0.1", server.port(), (s, d) -> raw.append(ascii(d)), ev -> {
            String got = statuses(raw.toString());
            if (ev instanceof TcpEof && got.equals(c.getValue())) {
                t.got(key);
            } else {
                t.unexpected("malformed case " + i % CASES.size() + " got statuses " + got + ": " + raw, ev);
            }
            done.run();
        }, TcpOptions.defaults().data(c.getKey().getBytes(StandardCharsets.ISO_8859_1)));
    }

    static String statuses(String raw) {
        List<String> out = new ArrayList<>();
        for (int at = raw.indexOf("HTTP/1.1 "); at >= 0; at = raw.indexOf("HTTP/1.1 ", at + 1)) {
            out.add(raw.substring(at + 9, Math.min(raw.length(), at + 12)));
        }
        return String.join(",", out);
    }

    @Override
    void close(EventLoop loop) {
        server.close();
    }
}
