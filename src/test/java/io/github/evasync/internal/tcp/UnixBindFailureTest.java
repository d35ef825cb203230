package io.github.evasync.internal.tcp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * An {@link Error} (a stack overflow, say) after the Unix socket is bound and before it listens
 * leaves neither the descriptor nor the file behind: the kernel's {@code /proc/net/unix} lists
 * no socket bound to the path, and the path is free.
 */
@Timeout(60)
class UnixBindFailureTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @TempDir
    Path dir;

    @AfterEach
    void noSeam() {
        UnixSocketFile.seam = null;
    }

    /** {@return how many sockets in this network namespace are bound to {@code path}} */
    static long boundTo(Path path) throws Exception {
        String p = " " + path;
        try (var lines = Files.lines(Path.of("/proc/net/unix"))) {
            return lines.filter(l -> l.endsWith(p)).count();
        }
    }

    @Test
    void anErrorAsTheFileIsRecordedLeavesNothingBehind() throws Exception {
        Path path = dir.resolve("error.sock");
        Error cut = new Error("cut short where the file's identity is read");
        UnixSocketFile.seam = (point, p) -> {
            if (point.equals("bound")) {
                throw cut;
            }
        };
        try (EventLoop loop = loops.start()) {
            assertSame(cut, assertThrows(Error.class, () -> loop.unixServer(path, null, ev -> { })));
            assertEquals(0, boundTo(path), "a socket is still bound to " + path);
            assertFalse(Files.exists(path));
            UnixSocketFile.seam = null;
            loop.unixServer(path, null, ev -> { }).close();
            Idle.awaitIdle(loop);
        }
    }
}
