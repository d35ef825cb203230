package io.github.evasync.tcp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TcpServerBindError;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lock file a Unix server takes beside its socket path, against what a local process can
 * put there first: a FIFO (opened for writing, it blocked the loop thread until something read
 * it), a link (its target was created, wherever it pointed), and paths that are refused anyway
 * (they left a stray lock file, for "/" one named {@code null.lock} in the working directory).
 */
@Timeout(60)
class UnixLockFileTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @TempDir
    Path dir;

    @Test
    void aFifoAtTheLockPathDoesNotBlockTheLoop() throws Exception {
        Path sock = dir.resolve("app.sock");
        Process mk = new ProcessBuilder("mkfifo", dir.resolve("app.sock.lock").toString()).inheritIO().start();
        assertEquals(0, mk.waitFor());
        try (EventLoop loop = loops.start()) {
            TcpServerBindError e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(TcpServerBindError.class,
                    () -> loop.unixServer(sock, (s, d) -> { }, ev -> { })));
            assertTrue(e.getMessage().contains("is not a regular file"), e::getMessage);
            assertEquals(1, loop.submit(() -> 1).get(10, TimeUnit.SECONDS));
            assertFalse(Files.exists(sock));
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void aLinkAtTheLockPathIsNotFollowed() throws Exception {
        Path sock = dir.resolve("app.sock");
        Path target = dir.resolve("elsewhere");
        Files.createSymbolicLink(dir.resolve("app.sock.lock"), target);
        try (EventLoop loop = loops.start()) {
            assertThrows(TcpServerBindError.class, () -> loop.unixServer(sock, (s, d) -> { }, ev -> { }));
            assertFalse(Files.exists(target), "the link's target was created");
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void refusedPathsLeaveNoLockFile() throws Exception {
        Path regular = Files.writeString(dir.resolve("regular"), "data");
        Path sub = Files.createDirectory(dir.resolve("adir"));
        Path cwd = Path.of("").toAbsolutePath();
        try (EventLoop loop = loops.start()) {
            for (Path p : new Path[] {regular, sub, Path.of("/"), Path.of("."), Path.of("..")}) {
                assertThrows(TcpServerBindError.class, () -> loop.unixServer(p, (s, d) -> { }, ev -> { }), p::toString);
            }
            assertEquals("data", Files.readString(regular));
            assertTrue(Files.isDirectory(sub));
            assertFalse(Files.exists(dir.resolve("regular.lock")));
            assertFalse(Files.exists(dir.resolve("adir.lock")));
            for (String stray : new String[] {"null.lock", "..lock", "...lock"}) {
                assertFalse(Files.exists(cwd.resolve(stray)), stray + " in the working directory");
            }
            // A good path still works, and takes its lock file beside the socket.
            Path sock = dir.resolve("ok.sock");
            TcpServer server = loop.unixServer(sock, (s, d) -> { }, ev -> { });
            assertTrue(Files.exists(dir.resolve("ok.sock.lock")));
            server.close();
            Idle.awaitIdle(loop);
        }
    }
}
