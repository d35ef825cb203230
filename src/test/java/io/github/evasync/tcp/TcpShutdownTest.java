package io.github.evasync.tcp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

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

/** {@code tcpServer(...).shutdown(grace)}: no new connections, open ones end by themselves or at the grace. */
@Timeout(30)
class TcpShutdownTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    private static String echo(Socket s, String text) throws Exception {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        return new String(s.getInputStream().readNBytes(text.length()), StandardCharsets.US_ASCII);
    }

    @Test
    void openConnectionsGoOnAndTheFutureCompletesWhenTheLastEnds() throws Exception {
        EventLoop loop = loops.start();
        TcpServer server = loop.tcpServer("127.0.0.1", 0, (s, d) -> s.write(d), ev -> { });
        try (Socket a = new Socket("127.0.0.1", server.port()); Socket b = new Socket("127.0.0.1", server.port())) {
            a.setSoTimeout(10_000);
            b.setSoTimeout(10_000);
            assertEquals("a1", echo(a, "a1"));
            assertEquals("b1", echo(b, "b1"));
            CompletableFuture<Void> done = server.shutdown(Duration.ofSeconds(20));
            assertSame(done, server.shutdown(Duration.ofSeconds(1)));
            assertTrue(server.isClosed());
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", server.port()).close());
            assertEquals("a2", echo(a, "a2"), "accepted connections are still served");
            a.close();
            Thread.sleep(200);
            assertFalse(done.isDone(), "one connection is still open");
            assertEquals("b2", echo(b, "b2"));
            b.close();
            done.get(10, TimeUnit.SECONDS);
        }
        Idle.awaitIdle(loop);
        loop.close();
    }

    @Test
    void whatOutlivesTheGraceIsClosed() throws Exception {
        EventLoop loop = loops.start();
        TcpServer server = loop.tcpServer("127.0.0.1", 0, (s, d) -> s.write(d), ev -> { });
        try (Socket a = new Socket("127.0.0.1", server.port())) {
            a.setSoTimeout(10_000);
            assertEquals("x", echo(a, "x"));
            CompletableFuture<Void> done = server.shutdown(Duration.ofMillis(300));
            assertEquals(-1, a.getInputStream().read(), "closed when the grace ran out");
            done.get(10, TimeUnit.SECONDS);
        }
        Idle.awaitIdle(loop);
        loop.close();
    }
}
