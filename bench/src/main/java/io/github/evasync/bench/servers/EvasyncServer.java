package io.github.evasync.bench.servers;

import io.github.evasync.EventLoop;
import io.github.evasync.LoopGroup;
import io.github.evasync.LoopOptions;
import io.github.evasync.http.HttpServerOptions;
import io.github.evasync.tcp.ServerOptions;
import io.github.evasync.tls.TlsOptions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * evasync's side of bench/load.sh, on one loop, or on {@code LOOPS} loops (environment) each
 * binding the same port with reusePort ({@link LoopGroup}):
 * {@code http PORT} fixed keep-alive response per request, {@code echo PORT},
 * {@code hold PORT DELAY_MS} (cl-async's delayed response), {@code hello PORT} (HTTP hello world
 * on {@code httpServer}), {@code https PORT CERT KEY} (the same over TLS 1.3 with these PEM files,
 * for bench/tls.sh).
 */
public final class EvasyncServer {
    static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\n\r\n"
            + "Hello, World!").getBytes(StandardCharsets.US_ASCII);
    static final byte[] HOLD_RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\n"
            + "omglolwtf").getBytes(StandardCharsets.US_ASCII);

    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    private static final java.util.Map<String, String> HELLO_HEADERS = java.util.Map.of("Content-Type", "text/plain");

    private EvasyncServer() {
    }

    /** {@return the LOOPS environment variable, 1 when unset} */
    static int loops() {
        String n = System.getenv("LOOPS");
        return n == null || n.isEmpty() ? 1 : Integer.parseInt(n);
    }

    public static void main(String[] args) {
        String mode = args[0];
        int port = Integer.parseInt(args[1]);
        Duration delay = Duration.ofMillis(mode.equals("hold") && args.length > 2 ? Long.parseLong(args[2]) : 5000);
        // One TlsOptions for every loop: one OpenSSL context, shared.
        TlsOptions tls = mode.equals("https")
                ? TlsOptions.server(Path.of(args[2]), Path.of(args[3])).minVersion("TLSv1.3") : null;
        int loops = loops();
        // The loops' threads are not daemons: the process serves until it is killed.
        LoopGroup.start(loops, LoopOptions.defaults(), loop -> serve(loop, mode, port, delay, tls));
        System.out.println("evasync " + mode + " on " + loops + " loop(s) listening on 127.0.0.1:" + port);
    }

    /**
     * {@code stream} mode: {@code PUT} bodies are counted piece by piece and the count answered;
     * {@code GET /?mb=N} streams N MiB, produced only while the connection takes it.
     */
    private static void stream(io.github.evasync.http.HttpRequest req) {
        if (req.method().equals("PUT")) {
            long[] n = {0};
            req.onBody((piece, last) -> {
                n[0] += piece.length;
                if (last) {
                    req.respond(200, null, n[0] + "\n");
                }
            });
            return;
        }
        req.onBody((piece, last) -> { });
        String q = req.queryString();
        long[] left = {(q != null && q.startsWith("mb=") ? Long.parseLong(q.substring(3)) : 1024) << 20};
        byte[] piece = new byte[64 * 1024];
        Runnable produce = () -> {
            while (left[0] > 0) {
                left[0] -= piece.length;
                if (!req.chunk(piece)) {
                    return;
                }
            }
            req.end();
        };
        req.onDrain(produce);
        req.startChunked(200, (io.github.evasync.http.Headers) null);
        produce.run();
    }

    private static void serve(EventLoop loop, String mode, int port, Duration delay, TlsOptions tls) {
        ServerOptions reuse = ServerOptions.defaults().reusePort(true);
        switch (mode) {
            case "http" -> loop.tcpServer("127.0.0.1", port, (s, data) -> {
                RequestCounter counter = (RequestCounter) s.data();
                for (int n = counter.feed(data, 0, data.length); n > 0; n--) {
                    s.write(RESPONSE);
                }
            }, ev -> { }, reuse.connectCallback(s -> s.setData(new RequestCounter())));
            case "echo" -> loop.tcpServer("127.0.0.1", port, (s, data) -> s.write(data), ev -> { }, reuse);
            case "hold" -> loop.tcpServer("127.0.0.1", port, (s, data) -> {
                s.disable(true, false);
                loop.delay(delay, () -> {
                    if (!s.isClosed()) {
                        s.write(HOLD_RESPONSE, w -> w.close());
                    }
                });
            }, ev -> { }, reuse);
            case "hello" -> loop.httpServer("127.0.0.1", port, req -> req.respond(200, HELLO_HEADERS, HELLO), null,
                    HttpServerOptions.defaults().reusePort(true));
            case "https" -> loop.httpServer("127.0.0.1", port, req -> req.respond(200, HELLO_HEADERS, HELLO), null,
                    HttpServerOptions.defaults().reusePort(true).tls(tls));
            case "stream" -> loop.httpServer("127.0.0.1", port, EvasyncServer::stream, null,
                    HttpServerOptions.defaults().reusePort(true).streamRequestBodies(true));
            default -> throw new IllegalArgumentException("mode must be http, echo, hold, hello, https or stream: " + mode);
        }
    }
}
