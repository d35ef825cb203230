package io.github.evasync;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class ThreadingTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @Test
    void executeFromEightThreadsRunsEverythingOnTheLoopInPerThreadOrder() throws Exception {
        int threads = 8;
        int perThread = 10_000;
        int[] last = new int[threads];
        java.util.Arrays.fill(last, -1);
        AtomicInteger outOfOrder = new AtomicInteger();
        AtomicInteger offLoop = new AtomicInteger();
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(threads * perThread);
        try (EventLoop loop = loops.start()) {
            Thread loopThread = loop.submit(Thread::currentThread).get();
            List<Thread> producers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                producers.add(new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        int seq = i;
                        loop.execute(() -> {
                            if (Thread.currentThread() != loopThread) {
                                offLoop.incrementAndGet();
                            }
                            if (last[id] != seq - 1) {
                                outOfOrder.incrementAndGet();
                            }
                            last[id] = seq;
                            ran.incrementAndGet();
                            all.countDown();
                        });
                    }
                }));
            }
            producers.forEach(Thread::start);
            for (Thread p : producers) {
                p.join();
            }
            assertTrue(all.await(30, TimeUnit.SECONDS), "ran " + ran.get());
            assertEquals(0, offLoop.get());
            assertEquals(0, outOfOrder.get());
            Idle.assertIdle(loop);
        }
    }

    @Test
    void submitReturnsItsValueOrException() throws Exception {
        try (EventLoop loop = loops.start()) {
            assertEquals(42, loop.submit(() -> 6 * 7).get());
            assertTrue(loop.submit(loop::inLoop).get());
            assertFalse(loop.inLoop());
            var e = assertThrows(ExecutionException.class, () -> loop.submit(() -> {
                throw new IllegalArgumentException("bad");
            }).get());
            assertEquals("bad", e.getCause().getMessage());
        }
    }

    @Test
    void foreignCallsAreCarriedOntoTheLoop() throws Exception {
        CountDownLatch fired = new CountDownLatch(1);
        AtomicBoolean onLoop = new AtomicBoolean();
        try (EventLoop loop = loops.start()) {
            assertTrue(loop.toString().contains("evasync-loop-"));
            Event e = loop.delay(Duration.ofMillis(10), () -> {
                onLoop.set(loop.inLoop());
                fired.countDown();
            });
            assertTrue(fired.await(5, TimeUnit.SECONDS));
            assertTrue(onLoop.get());
            assertTrue(loop.submit(e::isFreed).get(), "a fired delay frees itself once its callback returns");
            Event pending = loop.delay(Duration.ofSeconds(30), () -> { });
            assertEquals(1, loop.stats().pendingEvents());
            assertTrue(loop.dumpStatus().contains("Inserted events"), loop.dumpStatus());
            pending.free();
            assertThrows(IllegalArgumentException.class, () -> loop.delay(Duration.ofMillis(-5), () -> { }));
            Idle.assertIdle(loop);
        }
    }

    @Test
    void liveLoopRunsUntilClosedThenRefusesWork() throws Exception {
        EventLoop loop = loops.start();
        Thread.sleep(50);
        assertFalse(loop.isClosed(), "a live loop with nothing to do keeps running");
        AtomicBoolean exitRan = new AtomicBoolean();
        loop.onExit(() -> exitRan.set(true));
        Event pending = loop.delay(Duration.ofSeconds(30), () -> { });
        loop.close();
        loop.close();
        assertTrue(loop.isClosed());
        assertTrue(exitRan.get());
        assertTrue(pending.isFreed(), "closing frees pending events");
        var e = assertThrows(IllegalStateException.class, () -> loop.execute(() -> { }));
        assertTrue(e.getMessage().contains("closed"));
        assertThrows(IllegalStateException.class, () -> loop.delay(() -> { }));
        assertThrows(IllegalStateException.class, loop::stats);
    }

    @Test
    void exitFromAnotherThreadStopsARunLoop() throws Exception {
        AtomicBoolean fired = new AtomicBoolean();
        EventLoop[] holder = new EventLoop[1];
        CountDownLatch started = new CountDownLatch(1);
        Thread stopper = new Thread(() -> {
            try {
                started.await();
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            holder[0].exit();
        });
        stopper.start();
        assertFalse(EventLoop.run(loop -> {
            holder[0] = loop;
            loop.delay(Duration.ofSeconds(5), () -> fired.set(true));
            started.countDown();
        }));
        stopper.join();
        assertFalse(fired.get());
    }

    @Test
    void loopsOnDifferentThreadsAreIndependent() throws Exception {
        try (EventLoop a = loops.start(); EventLoop b = loops.start()) {
            assertNotEquals(a.submit(Thread::currentThread).get(), b.submit(Thread::currentThread).get());
            assertEquals(a, a.submit(EventLoop::current).get());
            assertEquals(b, b.submit(EventLoop::current).get());
        }
    }

    @Test
    void aThreadCannotNestLoops() {
        var e = assertThrows(IllegalStateException.class,
                () -> EventLoop.run(loop -> EventLoop.run(inner -> { })));
        assertTrue(e.getMessage().contains("already runs an event loop"));
    }
}
