package io.github.evasync.tcp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.LoopOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The view {@link ReadCallback#ofBuffer} hands out is the loop's to reuse once the callback
 * returns, however it returns: a view kept past its call fails when touched, on the loop thread
 * or any other, and never shows the bytes of a later read; a callback that throws follows the
 * error rules and leaves the socket reading.
 */
@Timeout(60)
class ZeroCopyLifetimeTest {
    /** An Error of the test's own, so that nothing else is mistaken for it. */
    static final class Planned extends Error {
        Planned() {
            super("planned");
        }
    }

    private static String text(ByteBuffer view) {
        return StandardCharsets.UTF_8.decode(view.duplicate()).toString();
    }

    /** {@return the simple name of what touching {@code view} throws, or "no exception"} */
    private static String touch(ByteBuffer view) {
        try {
            view.get(0);
            return "no exception";
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName();
        }
    }

    /** {@return what touching {@code view} throws on a thread of its own} */
    private static String touchElsewhere(ByteBuffer view) {
        return CompletableFuture.supplyAsync(() -> touch(view)).join();
    }

    @Test
    void aViewKeptPastItsCallFailsOnTheLoopAndElsewhereAndTheSocketReadsOn() {
        List<String> out = new ArrayList<>();
        ByteBuffer[] kept = new ByteBuffer[1];
        EventLoop.run(loop -> {
            TcpServer[] server = new TcpServer[1];
            server[0] = loop.tcpServer("127.0.0.1", 0, ReadCallback.ofBuffer((s, view) -> {
                if (kept[0] == null) {
                    kept[0] = view;
                    out.add("first " + text(view));
                    loop.delay(Duration.ofMillis(10), () -> {
                        out.add("on a timer: " + touch(kept[0]));
                        s.write("ack");
                    });
                    return;
                }
                // The loop's buffer now holds these bytes, under the old view too.
                out.add("second " + text(view));
                out.add("in a later read: " + touch(kept[0]));
                out.add("on another thread: " + touchElsewhere(kept[0]));
                s.close();
                server[0].close();
            }), ev -> { });
            loop.tcpConnect("127.0.0.1", server[0].port(), (c, d) -> c.write("second read"), ev -> { },
                    TcpOptions.defaults().data("first read"));
            Idle.atExit(loop);
        });
        assertEquals(List.of("first first read", "on a timer: IllegalStateException", "second second read",
                "in a later read: IllegalStateException", "on another thread: WrongThreadException"), out);
        assertThrows(IllegalStateException.class, () -> kept[0].get(0), "after the loop closed");
    }

    @Test
    void anExceptionFromTheCallbackGoesToTheHandlerAndReadingGoesOn() {
        List<String> out = new ArrayList<>();
        ByteBuffer[] kept = new ByteBuffer[1];
        TcpSocket[] accepted = new TcpSocket[1];
        LoopOptions options = LoopOptions.defaults().catchAppErrors(true);
        EventLoop.run(options, loop -> {
            TcpServer[] server = new TcpServer[1];
            server[0] = loop.tcpServer("127.0.0.1", 0, ReadCallback.ofBuffer((s, view) -> {
                if (kept[0] == null) {
                    kept[0] = view;
                    accepted[0] = s;
                    throw new IllegalArgumentException("thrown with " + text(view));
                }
                out.add("then " + text(view));
                s.close();
                server[0].close();
            }), ev -> {
                out.add(ev.getMessage() + ", view " + touch(kept[0]));
                accepted[0].write("go on");
            });
            loop.tcpConnect("127.0.0.1", server[0].port(), (c, d) -> c.write("more"), ev -> { },
                    TcpOptions.defaults().data("one"));
            Idle.atExit(loop);
        });
        assertEquals(List.of("thrown with one, view IllegalStateException", "then more"), out);
    }

    @Test
    void anErrorFromTheCallbackOfALiveLoopGoesToItsUncaughtHandlerAndReadingGoesOn() throws Exception {
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        List<String> out = new CopyOnWriteArrayList<>();
        ByteBuffer[] kept = new ByteBuffer[1];
        try (EventLoop loop = EventLoop.start(LoopOptions.defaults().uncaughtHandler(uncaught::add))) {
            TcpServer server = loop.submit(() -> loop.tcpServer("127.0.0.1", 0, ReadCallback.ofBuffer((s, view) -> {
                if (kept[0] == null) {
                    kept[0] = view;
                    throw new Planned();
                }
                out.add("stale view: " + touch(kept[0]));
                s.write("got " + text(view));
            }), ev -> { })).get();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                s.setSoTimeout(10_000);
                OutputStream o = s.getOutputStream();
                InputStream in = s.getInputStream();
                o.write("one".getBytes(StandardCharsets.UTF_8));
                io.github.evasync.Await.until(() -> "the Error reached the uncaught handler", () -> !uncaught.isEmpty());
                o.write("two".getBytes(StandardCharsets.UTF_8));
                assertEquals("got two", new String(in.readNBytes(7), StandardCharsets.UTF_8));
            }
            server.close();
            Idle.awaitIdle(loop);
        }
        assertEquals(1, uncaught.size(), uncaught.toString());
        assertSame(Planned.class, uncaught.get(0).getClass());
        assertEquals(List.of("stale view: IllegalStateException"), out);
    }

    @Test
    void anErrorFromTheCallbackEndsARunLoopAndIsRethrownFromRun() {
        ByteBuffer[] kept = new ByteBuffer[1];
        assertThrows(Planned.class, () -> EventLoop.run(loop -> {
            TcpServer server = loop.tcpServer("127.0.0.1", 0, ReadCallback.ofBuffer((s, view) -> {
                kept[0] = view;
                throw new Planned();
            }), ev -> { });
            loop.tcpConnect("127.0.0.1", server.port(), null, ev -> { }, TcpOptions.defaults().data("x"));
            loop.delay(Duration.ofSeconds(10), () -> { });
        }));
        assertThrows(IllegalStateException.class, () -> kept[0].get(0));
        // The loop freed everything as it ended; the next one works as ever.
        assertEquals(List.of("next loop"), nextLoopWorks());
    }

    private static List<String> nextLoopWorks() {
        List<String> out = new ArrayList<>();
        EventLoop.run(loop -> loop.delay(Duration.ofMillis(1), () -> out.add("next loop")));
        return out;
    }
}
