package io.github.evasync.http;

import io.github.evasync.EventLoop;
import io.github.evasync.HttpError;
import io.github.evasync.Await;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A streamed request body that never completes is reported to its {@link BodyCallback#onAbort}:
 * the client goes away, the body stops arriving, the body turns out malformed half-way, or the
 * server's grace runs out. The handler here answers only once the body is complete, as an
 * upload handler does; before {@code onAbort} it could not tell that it never would be.
 */
@Timeout(60)
class StreamedBodyAbortTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    private static final String HEAD = "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n";

    /** A server whose handler waits for the whole body; the future gets the abort's text. */
    private HttpServer server(EventLoop loop, HttpServerOptions o, CompletableFuture<String> aborted,
                              AtomicInteger pieces) {
        return loop.httpServer("127.0.0.1", 0, req -> req.onBody(new BodyCallback() {
            @Override
            public void onBody(byte[] piece, boolean last) {
                pieces.incrementAndGet();
                if (last) {
                    req.respond(200, null, "complete");
                }
            }

            @Override
            public void onAbort(HttpError error) {
                aborted.complete(error.errmsg());
            }
        }), null, o.streamRequestBodies(true));
    }

    private static void send(Socket s, String text) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Test
    void theClientGoingAwayMidBodyIsReported() throws Exception {
        EventLoop loop = loops.start();
        CompletableFuture<String> aborted = new CompletableFuture<>();
        AtomicInteger pieces = new AtomicInteger();
        HttpServer server = server(loop, HttpServerOptions.defaults(), aborted, pieces);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            send(s, HEAD + "0123456789");
            Await.until("a first piece", () -> pieces.get() > 0);
        }
        String why = aborted.get(10, TimeUnit.SECONDS);
        assertTrue(why.contains("closed"), why);
        server.close();
        Idle.awaitIdle(loop);
        loop.close();
    }

    @Test
    void aBodyThatStopsArrivingIsReportedAndClosed() throws Exception {
        EventLoop loop = loops.start();
        CompletableFuture<String> aborted = new CompletableFuture<>();
        AtomicInteger pieces = new AtomicInteger();
        HttpServer server = server(loop, HttpServerOptions.defaults().bodyTimeout(Duration.ofMillis(300)),
                aborted, pieces);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            send(s, HEAD + "0123456789");
            String why = aborted.get(10, TimeUnit.SECONDS);
            assertTrue(why.contains("stopped arriving"), why);
            InputStream in = s.getInputStream();
            in.readAllBytes(); // the server closes the connection
        }
        server.close();
        Idle.awaitIdle(loop);
        loop.close();
    }

    @Test
    void aChunkedBodyMalformedHalfWayGets400AndIsReported() throws Exception {
        EventLoop loop = loops.start();
        CompletableFuture<String> aborted = new CompletableFuture<>();
        AtomicInteger pieces = new AtomicInteger();
        HttpServer server = server(loop, HttpServerOptions.defaults(), aborted, pieces);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            send(s, "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
            Await.until("a first piece", () -> pieces.get() > 0);
            send(s, "zz\r\nnot a chunk\r\n");
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
            String why = aborted.get(10, TimeUnit.SECONDS);
            assertTrue(why.contains("chunk"), why);
        }
        server.close();
        Idle.awaitIdle(loop);
        loop.close();
    }

    @Test
    void theGraceRunningOutIsReported() throws Exception {
        EventLoop loop = loops.start();
        CompletableFuture<String> aborted = new CompletableFuture<>();
        AtomicInteger pieces = new AtomicInteger();
        HttpServer server = server(loop, HttpServerOptions.defaults(), aborted, pieces);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            send(s, HEAD + "0123456789");
            Await.until("a first piece", () -> pieces.get() > 0);
            server.shutdown(Duration.ofMillis(200)).get(10, TimeUnit.SECONDS);
            String why = aborted.get(10, TimeUnit.SECONDS);
            assertTrue(why.contains("shut"), why);
            assertEquals(-1, s.getInputStream().read());
        }
        Idle.awaitIdle(loop);
        loop.close();
    }

    @Test
    void anAbortBeforeOnBodyIsSetIsReportedWhenItIs() throws Exception {
        EventLoop loop = loops.start();
        CompletableFuture<String> aborted = new CompletableFuture<>();
        CompletableFuture<HttpRequest> held = new CompletableFuture<>();
        HttpServer server = loop.httpServer("127.0.0.1", 0, held::complete, null,
                HttpServerOptions.defaults().streamRequestBodies(true));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            send(s, HEAD + "0123456789");
            held.get(10, TimeUnit.SECONDS);
        }
        HttpRequest req = held.get();
        Thread.sleep(300); // the close reaches the server before the callback is set
        req.onBody(new BodyCallback() { // from this thread: queued to the loop
            @Override
            public void onBody(byte[] piece, boolean last) {
                assertTrue(!last, "a cut-short body never says last");
            }

            @Override
            public void onAbort(HttpError error) {
                aborted.complete(error.errmsg());
            }
        });
        assertTrue(aborted.get(10, TimeUnit.SECONDS).contains("closed"));
        server.close();
        Idle.awaitIdle(loop);
        loop.close();
    }
}
