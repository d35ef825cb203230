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
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static io.github.evasync.http.PipelinedContinueTest.readUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server against answers an application gets half wrong and clients that exploit them, each
 * found by a review and failing before its fix: a streamed body answered without being read (the
 * connection stopped reading for good once a megabyte of it waited), an exception in onBody (no
 * answer ever), startChunked with a bodiless status or a bad header (a body, or chunks with no
 * status line, that the client took for the next answer), a refused upgrade (the request marked
 * answered with nothing sent), and a 100 Continue held behind a slow answer on a streamed body
 * (the body timeout answered 408 while the client waited for the 100).
 */
@Timeout(60)
class HttpServerAnswerSafetyTest {
    @RegisterExtension
    static final TestLoops loops = new TestLoops();

    static EventLoop loop;
    /** Another loop, whose thread answers some requests of {@link #loop}'s server. */
    static EventLoop other;
    static HttpServer server;
    static final java.util.List<Exception> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    static final java.util.concurrent.CompletableFuture<String> claimed = new java.util.concurrent.CompletableFuture<>();
    static final java.util.concurrent.CompletableFuture<String> upgradedGot = new java.util.concurrent.CompletableFuture<>();

    @BeforeAll
    static void start() {
        // Application errors go to the server's handler, where a test can see them.
        loop = loops.start(io.github.evasync.LoopOptions.defaults().catchAppErrors(true));
        other = loops.start();
        server = loop.httpServer("127.0.0.1", 0, HttpServerAnswerSafetyTest::handle, events::add,
                HttpServerOptions.defaults().streamRequestBodies(true).bodyTimeout(Duration.ofSeconds(1)));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        Idle.awaitIdle(loop);
        loop.close();
        other.close();
    }

    static void handle(HttpRequest req) {
        switch (req.resource()) {
            case "/early" -> req.respond(401, null, "no");
            case "/readbody" -> {
                long[] n = new long[1];
                req.onBody((piece, last) -> {
                    n[0] += piece.length;
                    if (last) {
                        req.respond(200, null, "read " + n[0]);
                    }
                });
            }
            case "/throwbody" -> req.onBody((piece, last) -> {
                throw new IllegalStateException("thrown in onBody on purpose");
            });
            case "/chunk204" -> {
                try {
                    req.startChunked(204, null);
                    req.chunk("xyz".getBytes(StandardCharsets.US_ASCII));
                    req.end();
                } catch (IllegalArgumentException e) {
                    req.respond(500, null, "refused: " + e.getMessage());
                }
            }
            case "/badheader" -> {
                try {
                    req.startChunked(200, Map.of("X-Bad", "a\r\nSet-Cookie: evil=1"));
                } catch (IllegalArgumentException e) {
                    req.respond(500, null, "refused a header");
                }
            }
            case "/fromotherloop" -> other.execute(() -> {
                // On another loop's thread the hop to the server's loop cannot wait: a bad
                // argument must still be this caller's exception, and the request still answerable.
                StringBuilder refused = new StringBuilder();
                for (Runnable bad : new Runnable[] {
                    () -> req.respond(42, null, "x"),
                    () -> req.respond(200, Map.of("X-Bad", "a\u0001b"), "x"),
                    () -> req.respond(200, Map.of("Bad Name", "v"), "x"),
                    () -> req.startChunked(1000, null),
                    () -> req.startChunked(200, Map.of("X-Euro", "\u20ac")),
                }) {
                    try {
                        bad.run();
                    } catch (IllegalArgumentException | IllegalStateException e) {
                        refused.append('+');
                    }
                }
                req.respond(200, null, "refused " + refused + " end");
            });
            case "/later" -> loop.delay(Duration.ofMillis(300), () -> req.respond(200, null, "later"));
            case "/later800" -> loop.delay(Duration.ofMillis(800), () -> req.respond(200, null, "later"));
            case "/claimlater" -> {
                req.respond(202, null, "accepted");
                StringBuilder b = new StringBuilder();
                loop.delay(Duration.ofMillis(300), () -> req.onBody((piece, last) -> {
                    b.append(new String(piece, StandardCharsets.ISO_8859_1));
                    if (last) {
                        claimed.complete(b.toString());
                    }
                }));
            }
            case "/upgradeafterbody" -> req.onBody((piece, last) -> {
                if (last) {
                    req.upgrade(null, (sock, d) -> upgradedGot.complete(new String(d, StandardCharsets.ISO_8859_1)),
                            ev -> { });
                }
            });
            case "/slow" -> loop.delay(Duration.ofMillis(2500), () -> req.respond(200, null, "slow"));
            case "/upgrade" -> {
                try {
                    req.upgrade(null, (s, d) -> { }, ev -> { });
                } catch (IllegalStateException e) {
                    req.respond(409, null, "no upgrade");
                }
            }
            default -> req.respond(200, null, "at " + req.resource());
        }
    }

    static String exchange(byte[] request, String until) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            return readUntil(s.getInputStream(), new ByteArrayOutputStream(), until);
        }
    }

    /** The messages of {@code t} and its causes, in one string. */
    static String chain(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c).append(" / ");
        }
        return sb.toString();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aStreamedBodyAnsweredAndNeverReadEndsTheConnection() throws Exception {
        // Answered at once, its 3 MiB body never claimed: past a megabyte the server stopped
        // reading, and nothing resumed it nor saw the client go. Now the body timeout ends it.
        int size = 3 << 20;
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            Thread writer = Thread.ofPlatform().daemon().start(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    out.write(ascii("POST /early HTTP/1.1\r\nHost: x\r\nContent-Length: " + size + "\r\n\r\n"));
                    out.write(new byte[size]);
                } catch (java.io.IOException closed) {
                    // the server ended the connection
                }
            });
            byte[] all = s.getInputStream().readAllBytes(); // to the end: the server closes
            String got = new String(all, StandardCharsets.ISO_8859_1);
            assertTrue(got.startsWith("HTTP/1.1 401 ") && got.endsWith("no"), got);
            writer.join(10_000);
        } catch (java.net.SocketException reset) {
            // a reset once the server closed with input unread is as good an end
        }
    }

    @Test
    void onBodyAfterTheAnswerGetsTheWholeBody() throws Exception {
        // The first fix dropped the pieces of an answered request's body: onBody set after the
        // answer got an empty last piece.
        String got = exchange(ascii("POST /claimlater HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789"),
                "accepted");
        assertTrue(got.startsWith("HTTP/1.1 202 "), got);
        assertEquals("0123456789", claimed.get(10, java.util.concurrent.TimeUnit.SECONDS));
    }

    @Test
    void anUpgradeFromTheBodysLastPieceGetsTheBytesAfterIt() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(ascii("POST /upgradeafterbody HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n"
                    + "Upgrade: echo\r\nContent-Length: 5\r\n\r\nhelloPROTO-BYTES"));
            String got = readUntil(s.getInputStream(), new ByteArrayOutputStream(), "\r\n\r\n");
            assertTrue(got.startsWith("HTTP/1.1 101 "), got);
            assertEquals("PROTO-BYTES", upgradedGot.get(10, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    @Test
    void aHeldContinueDoesNotTurnOffTheNextRequestsHeaderTimeout() throws Exception {
        // The wait for the 100 suppressed every timeout and re-armed only the body's: a partial
        // head after the body then had no timeout at all, and the connection stayed open.
        HttpServer quick = loop.submit(() -> loop.httpServer("127.0.0.1", 0, HttpServerAnswerSafetyTest::handle,
                events::add, HttpServerOptions.defaults().headerTimeout(Duration.ofMillis(300))
                        .bodyTimeout(Duration.ofMillis(300)))).get(10, java.util.concurrent.TimeUnit.SECONDS);
        try (Socket s = new Socket("127.0.0.1", quick.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(ascii("GET /later800 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /p HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello"
                    + "GET /partial HTTP/1.1\r\nHost: x\r\n"));
            long t0 = System.nanoTime();
            // A request stalled behind answers still owed ends the connection when its header
            // timeout fires; what matters is that one fires.
            s.getInputStream().readAllBytes();
            assertTrue(System.nanoTime() - t0 < java.util.concurrent.TimeUnit.SECONDS.toNanos(8), "closed late");
        } finally {
            loop.submit(() -> {
                quick.close();
                return null;
            }).get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void aStreamedBodyBehindAFullPipelineStillComes() throws Exception {
        // 15 requests waiting and a 16th whose handler waits for its streamed body: the body was
        // held back by the pipelining limit, which the 16th kept reached for good.
        String got = exchange(ascii("GET /later HTTP/1.1\r\nHost: x\r\n\r\n".repeat(15)
                + "POST /readbody HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"), "read 5");
        assertEquals(16, got.split("HTTP/1.1 200 ", -1).length - 1, got);
    }

    @Test
    void anUpgradeHeaderDoesNotHoldAStreamedBody() throws Exception {
        // The bytes after the head were held as another protocol's until the answer, which the
        // handler gave only once it had read them.
        String got = exchange(ascii("POST /readbody HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: foo\r\n"
                + "Content-Length: 5\r\n\r\nhello"), "read 5");
        assertTrue(got.startsWith("HTTP/1.1 200 ") && got.endsWith("read 5"), got);
    }

    @Test
    void anExceptionInOnBodyIsAnswered500() throws Exception {
        String got = exchange(ascii("POST /throwbody HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                + "GET /after HTTP/1.1\r\nHost: x\r\n\r\n"), "at /after");
        assertTrue(got.startsWith("HTTP/1.1 500 ") && got.endsWith("at /after"), got);
        io.github.evasync.Await.until("the exception reaches the server's handler", () -> events.stream()
                .anyMatch(e -> chain(e).contains("thrown in onBody on purpose")));
    }

    @Test
    void badAnswersFromAnotherLoopsThreadAreTheCallersExceptions() throws Exception {
        String got = exchange(ascii("GET /fromotherloop HTTP/1.1\r\nHost: x\r\n\r\n"), " end");
        assertTrue(got.startsWith("HTTP/1.1 200 ") && got.endsWith("refused +++++ end"), got);
        assertTrue(events.stream().noneMatch(e -> e instanceof IllegalArgumentException), events.toString());
    }

    @Test
    void startChunkedRefusesBodilessStatusesAndBadHeadersCleanly() throws Exception {
        String got = exchange(ascii("GET /chunk204 HTTP/1.1\r\nHost: x\r\n\r\nGET /badheader HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /after HTTP/1.1\r\nHost: x\r\n\r\n"), "at /after");
        String[] answers = got.split("(?=HTTP/1.1 )");
        assertEquals(3, answers.length, got);
        assertTrue(answers[0].startsWith("HTTP/1.1 500 ") && answers[0].endsWith("refused: status 204 has no body: answer with respond()"), got);
        assertTrue(answers[1].startsWith("HTTP/1.1 500 ") && answers[1].endsWith("refused a header"), got);
        assertTrue(!got.contains("xyz") && !got.contains("evil"), got);
    }

    @Test
    void aRefusedUpgradeLeavesTheRequestToAnswer() throws Exception {
        String got = exchange(ascii("GET /later HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /upgrade HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n"
                + "GET /third HTTP/1.1\r\nHost: x\r\n\r\n"), "at /third");
        String[] answers = got.split("(?=HTTP/1.1 )");
        assertEquals(3, answers.length, got);
        assertTrue(answers[0].endsWith("later") && answers[1].startsWith("HTTP/1.1 409 ")
                && answers[1].endsWith("no upgrade"), got);
    }

    @Test
    void aHeldContinueOnAStreamedBodyWaitsWithoutTheBodyTimeout() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(ascii("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /readbody HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"));
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            String got = readUntil(s.getInputStream(), seen, "100 Continue\r\n\r\n");
            assertTrue(got.contains("slow") && got.endsWith("HTTP/1.1 100 Continue\r\n\r\n"), got);
            out.write(ascii("hello"));
            got = readUntil(s.getInputStream(), seen, "read 5");
            assertTrue(got.endsWith("read 5") && !got.contains("408"), got);
        }
    }
}
