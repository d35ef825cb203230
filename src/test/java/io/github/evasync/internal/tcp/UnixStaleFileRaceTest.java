package io.github.evasync.internal.tcp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TcpServerBindError;
import io.github.evasync.TestLoops;
import io.github.evasync.tcp.TcpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two servers starting on one path at once, and a socket file replaced while it is checked:
 * exactly one server may end up listening on the file, and a file that is not the one checked
 * is never deleted.
 */
@Timeout(120)
class UnixStaleFileRaceTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @TempDir
    Path dir;

    @AfterEach
    void noSeam() {
        UnixSocketFile.seam = null;
    }

    /** A socket file nothing listens on, as a process that died leaves it. */
    private static void leaveStale(Path path) throws IOException {
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(path));
        }
    }

    @Test
    void twoLoopsStartingOnOneStalePathGiveOneServer() throws Exception {
        Path path = dir.resolve("race.sock");
        try (EventLoop a = loops.start(); EventLoop b = loops.start()) {
            for (int i = 0; i < 100; i++) {
                leaveStale(path);
                CountDownLatch go = new CountDownLatch(2);
                List<CompletableFuture<Object>> tries = new ArrayList<>();
                for (EventLoop loop : new EventLoop[]{a, b}) {
                    tries.add(loop.submit(() -> {
                        go.countDown();
                        go.await(10, TimeUnit.SECONDS);
                        try {
                            return loop.unixServer(path, (s, d) -> s.write(d), ev -> { });
                        } catch (TcpServerBindError e) {
                            return e;
                        }
                    }));
                }
                Object first = tries.get(0).get(10, TimeUnit.SECONDS);
                Object second = tries.get(1).get(10, TimeUnit.SECONDS);
                int servers = (first instanceof TcpServer ? 1 : 0) + (second instanceof TcpServer ? 1 : 0);
                TcpServer winner = (TcpServer) (first instanceof TcpServer ? first : second);
                try {
                    assertEquals(1, servers, "round " + i + ": " + first + " and " + second);
                    TcpServerBindError loser = (TcpServerBindError) (first instanceof TcpServer ? second : first);
                    assertTrue(loser.getMessage().contains("listening"), loser.getMessage());
                    // The winner is the one the file leads to.
                    try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                        ch.write(ByteBuffer.wrap(new byte[]{'x'}));
                        ByteBuffer echo = ByteBuffer.allocate(1);
                        assertEquals(1, ch.read(echo), "round " + i);
                    }
                } finally {
                    for (Object o : new Object[]{first, second}) {
                        if (o instanceof TcpServer s) {
                            s.close();
                        }
                    }
                }
                assertFalse(Files.exists(path), "round " + i);
            }
            Idle.awaitIdle(a);
            Idle.awaitIdle(b);
        }
    }

    @Test
    void aFileReplacedWhileCheckedIsLeftAlone() throws Exception {
        Path path = dir.resolve("swapped.sock");
        leaveStale(path);
        try (EventLoop loop = loops.start()) {
            // Between the probe (refused: stale) and the removal, someone puts another file there.
            UnixSocketFile.seam = (point, p) -> {
                if (!point.equals("remove")) {
                    return;
                }
                try {
                    Files.delete(p);
                    Files.writeString(p, "someone else's");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            };
            TcpServerBindError e = assertThrows(TcpServerBindError.class, () -> loop.unixServer(path, null, ev -> { }));
            assertEquals(-1, e.errcode(), e.getMessage());
            assertTrue(e.getMessage().contains("replaced"), e.getMessage());
            assertEquals("someone else's", Files.readString(path));
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void aStaleFileGoneBeforeItsRemovalIsNoObstacle() throws Exception {
        Path path = dir.resolve("gone.sock");
        leaveStale(path);
        try (EventLoop loop = loops.start()) {
            UnixSocketFile.seam = (point, p) -> {
                if (!point.equals("remove")) {
                    return;
                }
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                UnixSocketFile.seam = null;
            };
            TcpServer server = loop.unixServer(path, null, ev -> { });
            assertTrue(Files.exists(path));
            server.close();
            assertFalse(Files.exists(path));
            Idle.awaitIdle(loop);
        }
    }
}
