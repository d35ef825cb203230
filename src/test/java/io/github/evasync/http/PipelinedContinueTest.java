package io.github.evasync.http;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A request with {@code Expect: 100-continue} pipelined behind one whose answer is still owed:
 * its {@code 100 Continue} was written the moment its head was read, so the client took it for
 * the first request's answer (or found it inside the first answer's chunks). It must come after
 * the earlier answers, in order, like any other output of a later exchange.
 */
@Timeout(60)
class PipelinedContinueTest {
    @RegisterExtension
    static final TestLoops loops = new TestLoops();

    static EventLoop loop;
    static HttpServer server;

    @BeforeAll
    static void start() {
        loop = loops.start();
        server = loop.httpServer("127.0.0.1", 0, PipelinedContinueTest::handle, null, HttpServerOptions.defaults());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        Idle.awaitIdle(loop);
        loop.close();
    }

    static void handle(HttpRequest req) {
        switch (req.resource()) {
            case "/later" -> loop.delay(Duration.ofMillis(150), () -> req.respond(200, null, "later"));
            case "/stream" -> {
                req.startChunked(200, Map.of("Content-Type", "text/plain"));
                req.chunk("one,".getBytes(StandardCharsets.UTF_8));
                loop.delay(Duration.ofMillis(150), () -> {
                    req.chunk("two".getBytes(StandardCharsets.UTF_8));
                    req.end();
                });
            }
            default -> req.respond(200, null, "got " + new String(req.body(), StandardCharsets.UTF_8));
        }
    }

    /** Reads until {@code text} has arrived (or the socket's timeout fails the test). */
    static String readUntil(InputStream in, ByteArrayOutputStream seen, String text) throws Exception {
        byte[] b = new byte[4096];
        while (!seen.toString(StandardCharsets.ISO_8859_1).contains(text)) {
            int n = in.read(b);
            if (n < 0) {
                break;
            }
            seen.write(b, 0, n);
        }
        return seen.toString(StandardCharsets.ISO_8859_1);
    }

    void pipelineBehind(String first, String firstEnds) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + first + " HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /body HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            String got = readUntil(s.getInputStream(), seen, "100 Continue\r\n\r\n");
            int cont = got.indexOf("HTTP/1.1 100 Continue");
            assertTrue(cont > 0, "100 Continue came before the first answer: " + got);
            assertTrue(got.substring(0, cont).endsWith(firstEnds), "inside the first answer: " + got);
            assertTrue(got.startsWith("HTTP/1.1 200 OK\r\n"), got);
            out.write("hello".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            got = readUntil(s.getInputStream(), seen, "got hello");
            assertTrue(got.endsWith("got hello"), got);
            assertEquals(1, got.split("100 Continue", -1).length - 1, got);
        }
    }

    @Test
    void behindADelayedAnswer() throws Exception {
        pipelineBehind("/later", "later");
    }

    @Test
    void behindAStreamingAnswer() throws Exception {
        pipelineBehind("/stream", "0\r\n\r\n");
    }

    @Test
    void theBodyTimeoutWaitsForTheContinue() throws Exception {
        // The body timeout ran while the 100 was held back: an earlier answer slower than it
        // was cut off (the connection closed) though the client had done nothing wrong.
        HttpServer slow = loop.submit(() -> loop.httpServer("127.0.0.1", 0, req -> {
            if (req.resource().equals("/later")) {
                loop.delay(Duration.ofMillis(800), () -> req.respond(200, null, "later"));
            } else {
                req.respond(200, null, "got " + new String(req.body(), StandardCharsets.UTF_8));
            }
        }, null, HttpServerOptions.defaults().bodyTimeout(Duration.ofMillis(300)))).get(10, java.util.concurrent.TimeUnit.SECONDS);
        try (Socket s = new Socket("127.0.0.1", slow.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /later HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /body HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            String got = readUntil(s.getInputStream(), seen, "100 Continue\r\n\r\n");
            assertTrue(got.contains("later") && got.endsWith("HTTP/1.1 100 Continue\r\n\r\n"), got);
            out.write("hello".getBytes(StandardCharsets.US_ASCII));
            assertTrue(readUntil(s.getInputStream(), seen, "got hello").endsWith("got hello"));
        } finally {
            loop.submit(() -> {
                slow.close();
                return null;
            }).get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void aloneItComesAtOnce() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("POST /body HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            assertEquals("HTTP/1.1 100 Continue\r\n\r\n", readUntil(s.getInputStream(), seen, "\r\n\r\n"));
            out.write("hi".getBytes(StandardCharsets.US_ASCII));
            assertTrue(readUntil(s.getInputStream(), seen, "got hi").endsWith("got hi"));
        }
    }
}
