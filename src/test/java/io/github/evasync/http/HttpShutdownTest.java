package io.github.evasync.http;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code server.shutdown(grace)}: stop accepting, close idle connections, finish the requests in
 * progress with {@code Connection: close}, close what is left when the grace runs out, and
 * complete once the last connection is gone.
 */
@Timeout(60)
class HttpShutdownTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    private static final byte[] GET = "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void idleConnectionsCloseInProgressAnswersFinishAndNothingNewIsAccepted() throws Exception {
        EventLoop loop = loops.start();
        HttpServer server = loop.httpServer("127.0.0.1", 0, req -> {
            if (req.resource().equals("/slow")) {
                loop.delay(Duration.ofMillis(400), () -> req.respond(200, null, "finished"));
            } else {
                req.respond(200, null, "quick");
            }
        }, null);
        try (Socket idle = new Socket("127.0.0.1", server.port());
             Socket busy = new Socket("127.0.0.1", server.port())) {
            idle.setSoTimeout(10_000);
            busy.setSoTimeout(10_000);
            idle.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream idleIn = idle.getInputStream();
            byte[] first = new byte[4096];
            assertTrue(idleIn.read(first) > 0); // answered; now idle, kept alive
            busy.getOutputStream().write(GET);
            Thread.sleep(100); // the slow request is being handled
            CompletableFuture<Void> done = server.shutdown(Duration.ofSeconds(10));
            assertSame(done, server.shutdown(Duration.ofSeconds(1)), "one shutdown");
            assertEquals(-1, idleIn.read(), "the idle connection closes at once");
            assertFalse(done.isDone(), "a request is still in progress");
            assertTrue(server.isClosed());
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", server.port()).close());
            String answer = new String(busy.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 200") && answer.contains("Connection: close\r\n")
                    && answer.endsWith("finished"), answer);
            done.get(10, TimeUnit.SECONDS);
        }
        Idle.awaitIdle(loop);
        loop.close();
    }

    @Test
    void whatOutlivesTheGraceIsClosed() throws Exception {
        EventLoop loop = loops.start();
        HttpServer server = loop.httpServer("127.0.0.1", 0, req -> { /* never answered */ }, null);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(GET);
            Thread.sleep(100);
            long t0 = System.nanoTime();
            CompletableFuture<Void> done = server.shutdown(Duration.ofMillis(300));
            assertEquals(-1, s.getInputStream().read(), "closed when the grace ran out");
            done.get(10, TimeUnit.SECONDS);
            assertTrue(System.nanoTime() - t0 >= 250_000_000L, "not before the grace");
        }
        Idle.awaitIdle(loop);
        loop.close();
    }

    /**
     * The loop closing in the middle of the grace cuts the connections instead of draining
     * them: the future says so; asked of a server whose loop has closed, there is nothing left
     * to drain and it completes at once.
     */
    @Test
    void aLoopClosingDuringTheGraceFailsTheFutureAndAClosedLoopCompletesIt() throws Exception {
        EventLoop loop = loops.start();
        HttpServer server = loop.httpServer("127.0.0.1", 0, req -> { /* never answered */ }, null);
        CompletableFuture<Void> done;
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(GET);
            Thread.sleep(100);
            done = server.shutdown(Duration.ofSeconds(30));
            assertFalse(done.isDone());
            loop.close();
            assertEquals(-1, s.getInputStream().read(), "the closing loop cut the connection");
        }
        java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> done.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof IllegalStateException, String.valueOf(e.getCause()));
        EventLoop second = loops.start();
        HttpServer late = second.httpServer("127.0.0.1", 0, req -> req.respond(200, null, "hi"), null);
        second.close();
        late.shutdown(Duration.ofSeconds(30)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aServerWithNoConnectionsIsDoneAtOnceAndARunLoopEnds() {
        boolean[] completed = {false};
        assertTrue(EventLoop.run(loop -> {
            HttpServer server = loop.httpServer("127.0.0.1", 0, req -> req.respond(200, null, "x"), null);
            server.shutdown(Duration.ofHours(1)).thenRun(() -> completed[0] = true);
            Idle.atExit(loop);
        }));
        assertTrue(completed[0]);
    }

    @Test
    void aTlsConnectionStillHandshakingWhenTheShutdownCameIsNeverServed() throws Exception {
        // Its connect callback (where the HTTP connection is made) runs after the handshake, so
        // the shutdown's drain never saw it: it was served, keep-alive, after the grace.
        io.github.evasync.tls.TestCerts certs = io.github.evasync.tls.TestCerts.get();
        EventLoop loop = loops.start();
        HttpServer server = loop.httpServer("127.0.0.1", 0, req -> req.respond(200, null, "served"), null,
                HttpServerOptions.defaults().tls(io.github.evasync.tls.TlsOptions.server(certs.serverCert, certs.serverKey)));
        try (Socket plain = new Socket("127.0.0.1", server.port())) {
            Thread.sleep(200); // accepted; no ClientHello yet
            CompletableFuture<Void> done = server.shutdown(Duration.ofSeconds(1));
            javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) certs.jdkClientContext().getSocketFactory()
                    .createSocket(plain, "127.0.0.1", server.port(), true);
            tls.setSoTimeout(10_000);
            String got;
            try {
                tls.startHandshake();
                tls.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                // Until the end, or the answer: a keep-alive answer leaves the connection open.
                StringBuilder b = new StringBuilder();
                byte[] buf = new byte[4096];
                InputStream in = tls.getInputStream();
                for (int n; !b.toString().contains("served") && (n = in.read(buf)) > 0; ) {
                    b.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                }
                got = b.toString();
            } catch (java.io.IOException closed) {
                got = "closed: " + closed;
            }
            assertFalse(got.contains("served"), got);
            done.get(10, TimeUnit.SECONDS);
        }
        Idle.awaitIdle(loop);
        loop.close();
    }

    @Test
    void aConnectionWhoseRequestWasAnsweredBeforeItsBodyEndedClosesWhenTheBodyEnds() throws Exception {
        // The drain took such a connection for one with a half-read request still to answer: it
        // stayed open for the whole grace, and a request sent after the body was served.
        EventLoop loop = loops.start();
        StringBuilder body = new StringBuilder();
        HttpServer server = loop.httpServer("127.0.0.1", 0, req -> {
            req.onBody((piece, last) -> body.append(new String(piece, StandardCharsets.US_ASCII)));
            req.respond(200, null, "early");
        }, null, HttpServerOptions.defaults().streamRequestBodies(true));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhello")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            StringBuilder got = new StringBuilder();
            byte[] buf = new byte[4096];
            while (!got.toString().contains("early")) {
                int n = in.read(buf);
                assertTrue(n > 0, got.toString());
                got.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            }
            long t0 = System.nanoTime();
            CompletableFuture<Void> done = server.shutdown(Duration.ofSeconds(5));
            s.getOutputStream().write(("world" + "GET /after HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String rest = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertEquals("", rest, "served after the shutdown");
            done.get(10, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 3_000, "the connection was held for the grace: " + ms + " ms");
            assertEquals("helloworld", loop.submit(body::toString).get(10, TimeUnit.SECONDS));
        }
        Idle.awaitIdle(loop);
        loop.close();
    }
}
