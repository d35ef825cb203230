import io.github.evasync.*;
import io.github.evasync.http.*;
import io.github.evasync.signal.Signals;

import java.time.Duration;

/**
 * An HTTP server that streams, sets two cookies, and shuts down gracefully.
 *   GET /stream?mb=N  N MiB (default 64) streamed in 64 KiB chunks, produced only as fast as the
 *                     client reads (chunk() says when to stop, onDrain when to go on)
 *   GET /slow         answers after a second (to watch a graceful shutdown finish it)
 *   anything else     "hello" with two Set-Cookie fields
 * SIGTERM or SIGINT: stop accepting, finish the requests in progress (their answers say
 * Connection: close), close idle connections, wait at most 10 s, then exit.
 * Usage: HttpStreaming [port (default 8080)]
 * Try it: mvn -q compile exec:exec -Dexample=HttpStreaming, then:
 *   curl -s http://127.0.0.1:8080/stream?mb=512 | wc -c    and    curl -i http://127.0.0.1:8080/
 */
public class HttpStreaming {
    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        EventLoop.run(loop -> {
            HttpServer server = loop.httpServer("127.0.0.1", port, req -> {
                switch (req.resource()) {
                    case "/stream" -> stream(req);
                    case "/slow" -> loop.delay(Duration.ofSeconds(1), () -> req.respond(200, null, "slow but sure\n"));
                    default -> req.respond(200, Headers.of("Content-Type", "text/plain",
                            "Set-Cookie", "flavour=oat; Path=/", "Set-Cookie", "size=large; Path=/"), "hello\n");
                }
            }, null);
            IntConsumerOnce shutdown = new IntConsumerOnce(signo -> {
                System.out.println("signal " + signo + ": shutting down gracefully");
                server.shutdown(Duration.ofSeconds(10)).whenComplete((v, e) -> {
                    System.out.println("every connection closed");
                    loop.clearSignalHandlers(); // nothing left to keep the loop running
                });
            });
            loop.signalHandler(Signals.SIGTERM, shutdown);
            loop.signalHandler(Signals.SIGINT, shutdown);
            System.out.println("streaming server listening on http://127.0.0.1:" + server.port() + "/");
        });
        System.out.println("http server exited");
    }

    /** Streams the asked-for MiB, producing only while the connection takes it. */
    private static void stream(HttpRequest req) {
        String q = req.queryString();
        long total = (q != null && q.startsWith("mb=") ? Long.parseLong(q.substring(3)) : 64) << 20;
        byte[] piece = new byte[64 * 1024];
        long[] left = {total};
        Runnable produce = () -> {
            while (left[0] > 0) {
                left[0] -= piece.length;
                if (!req.chunk(piece)) {
                    return; // onDrain runs this again once the client has caught up
                }
            }
            req.end();
        };
        req.onDrain(produce);
        req.startChunked(200, Headers.of("Content-Type", "application/octet-stream"));
        produce.run();
    }

    /** Runs its action on the first signal only. */
    private record IntConsumerOnce(java.util.function.IntConsumer action, boolean[] ran)
            implements java.util.function.IntConsumer {
        IntConsumerOnce(java.util.function.IntConsumer action) {
            this(action, new boolean[1]);
        }

        @Override
        public void accept(int signo) {
            if (!ran[0]) {
                ran[0] = true;
                action.accept(signo);
            }
        }
    }
}
