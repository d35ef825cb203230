package io.github.evasync.reliability;

import io.github.evasync.Event;
import io.github.evasync.EventLoop;
import io.github.evasync.TestLoops;
import io.github.evasync.tcp.TcpServer;
import io.github.evasync.tcp.TcpSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 16 threads call the API of a live loop at random while another thread closes it: no
 * deadlock, no crash, and every call either completes or throws an IllegalStateException that
 * says the loop is closed.
 */
@Timeout(120)
class ManyThreadsTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @Test
    void sixteenThreadsAndACloser() throws Exception {
        int[] totals = new int[2];
        for (int round = 0; round < 5; round++) {
            runRound(round, totals);
        }
        assertTrue(totals[0] > 0 && totals[1] > 0,
                "some calls completed and some met the closed loop: " + totals[0] + " / " + totals[1]);
    }

    private void runRound(int round, int[] totals) throws Exception {
        EventLoop loop = loops.start();
        TcpServer server = loop.tcpServer("127.0.0.1", 0, (s, d) -> s.write(d), e -> { });
        int port = server.port();
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> wrong = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            long seed = round * 100L + t;
            threads.add(new Thread(() -> {
                Random r = new Random(seed);
                List<Event> events = new ArrayList<>();
                List<TcpSocket> sockets = new ArrayList<>();
                for (int i = 0; i < 2000; i++) {
                    try {
                        switch (r.nextInt(10)) {
                            case 0 -> events.add(loop.delay(Duration.ofMillis(r.nextInt(20)), () -> { }));
                            case 1 -> {
                                Event e = loop.makeEvent(() -> { });
                                e.activate();
                                events.add(e);
                            }
                            case 2 -> {
                                if (!events.isEmpty()) {
                                    events.remove(r.nextInt(events.size())).free();
                                }
                            }
                            case 3 -> loop.execute(() -> { });
                            case 4 -> loop.submit(() -> 1).get(5, TimeUnit.SECONDS);
                            case 5 -> loop.stats();
                            case 6 -> sockets.add(loop.tcpConnect("127.0.0.1", port, null, e -> { }));
                            case 7 -> {
                                if (!sockets.isEmpty()) {
                                    TcpSocket s = sockets.remove(r.nextInt(sockets.size()));
                                    s.close();
                                }
                            }
                            case 8 -> loop.resolve("127.0.0.1");
                            default -> loop.interval(Duration.ofMillis(5), () -> { }).free();
                        }
                        completed.incrementAndGet();
                    } catch (IllegalStateException e) {
                        if (e.getMessage() != null && e.getMessage().contains("closed")) {
                            refused.incrementAndGet();
                        } else {
                            wrong.add(e);
                        }
                    } catch (java.util.concurrent.ExecutionException e) {
                        if (e.getCause() instanceof IllegalStateException ise && ise.getMessage().contains("closed")) {
                            refused.incrementAndGet();
                        } else {
                            wrong.add(e);
                        }
                    } catch (Throwable e) {
                        wrong.add(e);
                    }
                }
            }, "api-caller-" + t));
        }
        threads.forEach(Thread::start);
        // Close once the callers are under way, at a later point each round (not after a fixed
        // sleep: on a loaded machine the callers may not have started yet, or be done already).
        int closeAfter = 500 * (round + 1);
        Thread closer = new Thread(() -> {
            while (completed.get() < closeAfter && threads.stream().anyMatch(Thread::isAlive)) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
            loop.close();
        });
        closer.start();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            assertTrue(!t.isAlive(), t.getName() + " is stuck");
        }
        closer.join(TimeUnit.SECONDS.toMillis(30));
        assertTrue(!closer.isAlive(), "close() is stuck");
        assertTrue(loop.isClosed());
        assertEquals(List.of(), new ArrayList<>(wrong), "calls failed otherwise than 'loop closed'");
        assertEquals(16 * 2000, completed.get() + refused.get());
        totals[0] += completed.get();
        totals[1] += refused.get();
    }
}
