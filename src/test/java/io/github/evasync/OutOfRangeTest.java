package io.github.evasync;

import io.github.evasync.http.HttpServer;
import io.github.evasync.http.HttpServerOptions;
import io.github.evasync.tcp.TcpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Arguments at the edges: waits too long for libevent or for a deadline in nanoseconds are
 * clamped to 100 years (they used to overflow and fire at once, or break every connection);
 * descriptors epoll cannot watch are refused at the call; an exit callback's exception follows
 * the error rules.
 */
@Timeout(60)
class OutOfRangeTest {
    private static final Duration FOREVER = Duration.ofSeconds(Long.MAX_VALUE);

    @Test
    void hugeWaitsDoNotFireAtOnce() {
        List<String> fired = new ArrayList<>();
        EventLoop.run(loop -> {
            Event d = loop.delay(FOREVER, () -> fired.add("delay"));
            Event[] iv = new Event[1];
            iv[0] = loop.interval(FOREVER, () -> {
                fired.add("interval");
                iv[0].free(); // one tick is enough to fail; no flood of them
            });
            Event i = iv[0];
            Event m = loop.makeEvent(() -> fired.add("event"));
            m.add(FOREVER);
            Event w = loop.delay(Duration.ofDays(365L * 300), () -> fired.add("300 years"));
            loop.delay(Duration.ofMillis(300), () -> {
                fired.add("300 ms");
                d.free();
                i.free();
                m.free();
                w.free();
            });
            Idle.atExit(loop);
        });
        assertEquals(List.of("300 ms"), fired);
    }

    @Test
    void hugeSocketAndServerTimeoutsStillServe() throws Exception {
        Duration centuries = Duration.ofDays(365L * 300);
        List<String> got = new ArrayList<>();
        EventLoop.run(loop -> {
            HttpServer http = loop.httpServer("127.0.0.1", 0, req -> req.respond(200, null, "ok"), null,
                    HttpServerOptions.defaults().headerTimeout(centuries).keepAliveTimeout(FOREVER));
            TcpServer tcp = loop.tcpServer("127.0.0.1", 0, (s, d) -> s.write(d), ev -> { });
            loop.tcpConnect("127.0.0.1", tcp.port(), (s, d) -> {
                got.add(new String(d));
                s.close();
                tcp.close();
            }, null, io.github.evasync.tcp.TcpOptions.defaults().readTimeout(FOREVER).writeTimeout(centuries)
                    .connectCallback(s -> {
                        s.setTimeouts(FOREVER, FOREVER);
                        s.write("echo");
                    }));
            loop.http(io.github.evasync.http.HttpRequestSpec.get("http://127.0.0.1:" + http.port() + "/"))
                    .whenComplete((r, e) -> {
                        got.add(e != null ? e.toString() : r.status() + " " + r.bodyText());
                        loop.closeIdleHttpConnections();
                        http.close();
                    });
        });
        assertTrue(got.contains("echo"), got.toString());
        assertTrue(got.contains("200 ok"), got.toString());
    }

    @Test
    void descriptorsEpollCannotWatchAreRefused(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("plain.txt"), "x");
        EventLoop.run(loop -> {
            int fd;
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                fd = fdOf(file);
                var e = assertThrows(IllegalArgumentException.class,
                        () -> loop.watchFd(fd, () -> { }, null, null, null));
                assertTrue(e.getMessage().contains("fd " + fd), e.getMessage());
                // Nor is a file taken over as a socket (it would be closed, and never read).
                var w = assertThrows(IllegalArgumentException.class, () -> loop.wrapFd(fd, null, null));
                assertTrue(w.getMessage().contains("not an open socket"), w.getMessage());
                assertTrue(raf.getFD().valid());
                raf.seek(0);
                assertEquals('x', raf.read(), "the file is still open and ours");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            // Closed now, or never open: refused as well, before libevent sizes a table by it.
            for (int closed : new int[]{fd, 100_000, Integer.MAX_VALUE}) {
                var e = assertThrows(IllegalArgumentException.class,
                        () -> loop.watchFd(closed, () -> { }, null, null, null));
                assertTrue(e.getMessage().contains("not open"), e.getMessage());
            }
            Idle.atExit(loop);
        });
    }

    /** The descriptor this process has open on {@code file}, found through /proc/self/fd. */
    private static int fdOf(Path file) throws java.io.IOException {
        try (var dir = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : dir) {
                try {
                    if (Files.readSymbolicLink(p).equals(file.toRealPath())) {
                        return Integer.parseInt(p.getFileName().toString());
                    }
                } catch (java.io.IOException closedMeanwhile) {
                    // not ours
                }
            }
        }
        throw new IllegalStateException("no descriptor open on " + file);
    }

    @Test
    void anExitCallbackThatThrowsGoesToTheDefaultHandlerWhenErrorsAreCaught() {
        List<Exception> caught = new ArrayList<>();
        LoopOptions opts = LoopOptions.defaults().catchAppErrors(true).defaultEventHandler(caught::add);
        boolean idle = EventLoop.run(opts, loop -> loop.onExit(() -> {
            throw new IllegalStateException("from onExit");
        }));
        assertTrue(idle);
        assertEquals(1, caught.size());
        assertEquals("from onExit", caught.get(0).getMessage());
        // Without catchAppErrors it is rethrown from run, as any callback's exception is.
        var e = assertThrows(IllegalStateException.class, () -> EventLoop.run(loop -> loop.onExit(() -> {
            throw new IllegalStateException("rethrown");
        })));
        assertEquals("rethrown", e.getMessage());
        assertFalse(caught.isEmpty());
    }
}
