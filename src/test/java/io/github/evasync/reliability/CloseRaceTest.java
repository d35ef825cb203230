package io.github.evasync.reliability;

import io.github.evasync.Event;
import io.github.evasync.EventFreed;
import io.github.evasync.EventLoop;
import io.github.evasync.LoopOptions;
import io.github.evasync.SocketClosed;
import io.github.evasync.tcp.TcpServer;
import io.github.evasync.tcp.TcpSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Closing is idempotent from every thread, even while the loop itself closes: it never throws.
 * Once the loop is closed, every other use of its sockets throws {@link SocketClosed} and of its
 * events {@link EventFreed}, never a plain {@code IllegalStateException}.
 */
@Timeout(120)
class CloseRaceTest {
    private static final int ROUNDS = 150;
    private static final int PAIRS = 8;
    private static final int EVENTS = 16;

    private record Objects(List<TcpSocket> sockets, List<Event> events, TcpServer server) {
    }

    private static Objects open(EventLoop loop) throws Exception {
        return loop.submit(() -> {
            List<TcpSocket> sockets = new CopyOnWriteArrayList<>();
            TcpServer server = loop.tcpServer("127.0.0.1", 0, (s, d) -> { }, ev -> { },
                    io.github.evasync.tcp.ServerOptions.defaults().connectCallback(sockets::add));
            for (int i = 0; i < PAIRS; i++) {
                sockets.add(loop.tcpConnect("127.0.0.1", server.port(), null, ev -> { }));
            }
            List<Event> events = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                events.add(i % 2 == 0 ? loop.delay(Duration.ofSeconds(30), () -> { }) : loop.makeEvent(() -> { }));
            }
            return new Objects(sockets, events, server);
        }).get();
    }

    @Test
    void closingFromEveryThreadWhileTheLoopClosesNeverThrows() throws Exception {
        List<Throwable> thrown = new CopyOnWriteArrayList<>();
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            EventLoop loop = EventLoop.start(LoopOptions.defaults().daemon(true).uncaughtHandler(uncaught::add));
            Objects o = open(loop);
            List<Runnable> closers = List.of(
                    () -> o.sockets().forEach(TcpSocket::close),
                    () -> o.sockets().forEach(TcpSocket::closeNow),
                    () -> o.events().forEach(Event::free),
                    () -> o.server().close(),
                    loop::close);
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (Runnable r : closers) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                        r.run();
                    } catch (Throwable e) {
                        thrown.add(e);
                    }
                });
                t.start();
                threads.add(t);
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            loop.close();
            assertTrue(thrown.isEmpty(), "round " + round + ": " + thrown);
            assertUseAfterCloseSaysClosed(o);
        }
        assertTrue(uncaught.isEmpty(), uncaught.toString());
    }

    @Test
    void everyUseOfAClosedLoopsObjectsNamesTheObject() throws Exception {
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        EventLoop loop = EventLoop.start(LoopOptions.defaults().daemon(true).uncaughtHandler(uncaught::add));
        Objects o = open(loop);
        loop.close();
        assertTrue(uncaught.isEmpty(), uncaught.toString());
        assertUseAfterCloseSaysClosed(o);
        // Closing again, from here, is a no-op.
        o.sockets().forEach(TcpSocket::close);
        o.sockets().forEach(TcpSocket::closeNow);
        o.events().forEach(Event::free);
        o.server().close();
        assertTrue(o.server().isClosed());
    }

    private static void assertUseAfterCloseSaysClosed(Objects o) {
        for (TcpSocket s : o.sockets()) {
            assertTrue(s.isClosed());
            List<Consumer<TcpSocket>> uses = List.of(
                    x -> x.write("x"),
                    x -> x.write(new byte[1]),
                    x -> x.write(ByteBuffer.allocate(1)),
                    x -> x.setTimeouts(Duration.ofSeconds(1), null),
                    x -> x.enable(true, true),
                    x -> x.disable(true, false),
                    x -> x.setWriteWatermarks(1, 2),
                    x -> x.onDrain(() -> { }),
                    TcpSocket::outputBufferLength,
                    TcpSocket::remoteAddress,
                    TcpSocket::localAddress,
                    TcpSocket::inputStream);
            for (Consumer<TcpSocket> use : uses) {
                assertThrows(SocketClosed.class, () -> use.accept(s));
            }
        }
        for (Event e : o.events()) {
            assertTrue(e.isFreed());
            assertThrows(EventFreed.class, () -> e.add(Duration.ofSeconds(1)));
            assertThrows(EventFreed.class, e::remove);
            assertThrows(EventFreed.class, e::activate);
            assertEquals(false, e.isPending());
        }
    }
}
