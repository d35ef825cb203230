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
}
