package io.github.evasync.internal.tcp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import io.github.evasync.tcp.TcpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A closing Unix server removes its socket file while it still listens (libuv's order): once it
 * has stopped listening, another process would see the file as stale, could replace it, and the
 * inode number freed with ours could come back on the newcomer's file, which a check of the
 * file's identity would then take for ours and delete. The seam in {@link UnixSocketFile} lets
 * the test look at the moment of removal: a connect then must still be accepted.
 */
@Timeout(60)
class UnixCloseOrderTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @TempDir
    Path dir;

    @AfterEach
    void noSeam() {
        UnixSocketFile.seam = null;
    }

    /** Arms the seam for {@code path}: {@return what a connect said as the file was about to go} */
    private static CompletableFuture<String> connectAsRemoved(Path path) {
        CompletableFuture<String> seen = new CompletableFuture<>();
        UnixSocketFile.seam = (point, p) -> {
            if (point.equals("remove") && p.equals(path) && !seen.isDone()) {
                try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                    seen.complete("listening");
                } catch (IOException e) {
                    seen.complete("not listening: " + e);
                }
            }
        };
        return seen;
    }

    @Test
    void closeRemovesTheFileBeforeItStopsListening() throws Exception {
        Path path = dir.resolve("order.sock");
        try (EventLoop loop = loops.start()) {
            TcpServer server = loop.unixServer(path, null, ev -> { });
            CompletableFuture<String> seen = connectAsRemoved(path);
            server.close();
            assertEquals("listening", seen.get(10, TimeUnit.SECONDS));
            assertFalse(Files.exists(path));
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void theLoopsCloseRemovesTheFileBeforeItStopsListening() throws Exception {
        Path path = dir.resolve("loop-order.sock");
        CompletableFuture<String> seen;
        try (EventLoop loop = loops.start()) {
            loop.unixServer(path, null, ev -> { });
            seen = connectAsRemoved(path);
        }
        assertEquals("listening", seen.get(10, TimeUnit.SECONDS));
        assertFalse(Files.exists(path));
    }
}
