package io.github.evasync.internal.tcp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.LoopOptions;
import io.github.evasync.internal.ffi.ReadBuffer;
import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.tcp.ReadCallback;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A loop's native read buffer is made with its first zero-copy read, shared by its sockets, and
 * freed as the loop closes, however it ends: out of work, {@code exit()}, a callback's throw, or
 * {@code close()} of a live loop from another thread.
 */
@Timeout(60)
class ReadBufferLifetimeTest {
    static final class Planned extends RuntimeException {
        Planned() {
            super("planned");
        }
    }

    /**
     * Starts two zero-copy clients of one echo server on {@code loop}; {@code then} runs with the
     * loop's buffers as seen by each read, once both have read.
     */
    private static void twoReads(EventLoop loop, List<ReadBuffer> seen, Consumer<TcpServer> then) {
        TcpServer server = loop.tcpServer("127.0.0.1", 0, (s, d) -> s.write(d), ev -> { });
        for (int i = 0; i < 2; i++) {
            loop.tcpConnect("127.0.0.1", server.port(), ReadCallback.ofBuffer((s, view) -> {
                seen.add(LoopCore.current().attachment(ReadBuffer.class));
                s.close();
                if (seen.size() == 2) {
                    then.accept(server);
                }
            }), ev -> { }, TcpOptions.defaults().data("x"));
        }
    }

    private static void assertFreed(List<ReadBuffer> seen) {
        assertEquals(2, seen.size());
        assertSame(seen.get(0), seen.get(1), "one buffer per loop");
        assertThrows(IllegalStateException.class, () -> seen.get(0).view(1, null), "freed as the loop closed");
    }

    @Test
    void freedWhenALoopRunsOutOfWork() {
        List<ReadBuffer> seen = new ArrayList<>();
        assertTrue(EventLoop.run(loop -> {
            twoReads(loop, seen, TcpServer::close);
            Idle.atExit(loop);
        }));
        assertFreed(seen);
    }

    @Test
    void freedWhenALoopExits() {
        List<ReadBuffer> seen = new ArrayList<>();
        EventLoop.run(loop -> twoReads(loop, seen, server -> loop.exit()));
        assertFreed(seen);
    }

    @Test
    void freedWhenACallbackEndsTheLoop() {
        List<ReadBuffer> seen = new ArrayList<>();
        assertThrows(Planned.class, () -> EventLoop.run(LoopOptions.defaults(), loop -> twoReads(loop, seen, server -> {
            throw new Planned();
        })));
        assertFreed(seen);
    }

    @Test
    void freedWhenALiveLoopIsClosedAndEachLoopHasItsOwn() throws Exception {
        List<ReadBuffer> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<ReadBuffer> other = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (EventLoop a = EventLoop.start(); EventLoop b = EventLoop.start()) {
            CompletableFuture<Void> readA = new CompletableFuture<>();
            CompletableFuture<Void> readB = new CompletableFuture<>();
            a.execute(() -> twoReads(a, seen, server -> readA.complete(null)));
            b.execute(() -> twoReads(b, other, server -> readB.complete(null)));
            readA.get(10, TimeUnit.SECONDS);
            readB.get(10, TimeUnit.SECONDS);
            assertNotSame(seen.get(0), other.get(0));
        }
        assertFreed(seen);
        assertFreed(other);
    }
}
