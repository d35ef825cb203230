package io.github.evasync;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Lost wakeups: a producer writes a wakeup only when the loop says it may be asleep, so a task
 * queued just as the loop decides to wait must still wake it. A live loop with nothing else to
 * do sleeps for ever once it misses one, and then a task here does not run within the bound.
 */
@Timeout(120)
class ExecuteWakeupTest {
    /** How long one task may take to run before the test calls it lost: far above any scheduling delay. */
    private static final long BOUND_NANOS = TimeUnit.SECONDS.toNanos(10);

    @RegisterExtension
    final TestLoops loops = new TestLoops();

    /**
     * Each producer hands over one task and waits for it to run before the next: the loop goes
     * idle after every task, and the producer queues the next one right when the loop is on its
     * way to sleep, which is where a wakeup gets lost.
     */
    @Test
    void pingPongFromSeveralThreadsNeverLosesAWakeup() throws Exception {
        try (EventLoop loop = loops.start()) {
            runProducers(4, id -> {
                AtomicInteger ran = new AtomicInteger();
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_500);
                for (int i = 1; System.nanoTime() - end < 0; i++) {
                    loop.execute(ran::incrementAndGet);
                    awaitCount(ran, i, "producer " + id + ", task " + i);
                }
            });
            Idle.awaitIdle(loop);
        }
    }

    /**
     * Bursts from several threads, the loop going idle between them (a pause of 0 to 200 µs,
     * often shorter than the loop's way into its wait), each burst's every task run in bound.
     */
    @Test
    void burstsWithIdleGapsAllRun() throws Exception {
        try (EventLoop loop = loops.start()) {
            runProducers(3, id -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_500);
                for (int burst = 0; System.nanoTime() - end < 0; burst++) {
                    int n = 1 + random.nextInt(64);
                    AtomicInteger ran = new AtomicInteger();
                    for (int i = 0; i < n; i++) {
                        loop.execute(ran::incrementAndGet);
                    }
                    awaitCount(ran, n, "producer " + id + ", burst " + burst);
                    int pause = random.nextInt(200);
                    if (pause > 20) {
                        LockSupport.parkNanos(pause * 1_000L);
                    }
                }
            });
            Idle.awaitIdle(loop);
        }
    }

    /**
     * Tasks that queue the next one from the loop thread while foreign threads queue theirs:
     * a task queued on the loop thread needs no wakeup, and must not spend a foreign one.
     */
    @Test
    void chainsQueuedOnTheLoopThreadMixWithForeignTasks() throws Exception {
        try (EventLoop loop = loops.start()) {
            runProducers(3, id -> {
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_000);
                for (int round = 0; System.nanoTime() - end < 0; round++) {
                    AtomicInteger ran = new AtomicInteger();
                    int links = 1 + round % 5;
                    loop.execute(new Chain(loop, ran, links));
                    awaitCount(ran, links, "producer " + id + ", chain " + round);
                }
            });
            Idle.awaitIdle(loop);
        }
    }

    /** A task that queues itself again, on the loop thread, until it has run {@code links} times. */
    private static final class Chain implements Runnable {
        private final EventLoop loop;
        private final AtomicInteger ran;
        private final int links;

        Chain(EventLoop loop, AtomicInteger ran, int links) {
            this.loop = loop;
            this.ran = ran;
            this.links = links;
        }

        @Override
        public void run() {
            assertTrue(loop.inLoop());
            if (ran.incrementAndGet() < links) {
                loop.execute(this);
            }
        }
    }

    /** What one producer thread does; {@code id} numbers it. */
    private interface Producer {
        void run(int id);
    }

    private static void runProducers(int count, Producer body) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            int id = p;
            threads.add(new Thread(() -> {
                try {
                    go.await();
                    body.run(id);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "producer-" + p));
        }
        threads.forEach(Thread::start);
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            fail(failure.get());
        }
    }

    /**
     * Waits until {@code counter} reaches {@code target}: spinning first, as a producer that
     * comes straight back with the next task, then parking briefly; fails after the bound.
     */
    private static void awaitCount(AtomicInteger counter, int target, String what) {
        long start = System.nanoTime();
        for (int spins = 0; counter.get() < target; spins++) {
            if (spins < 200) {
                Thread.onSpinWait();
            } else if (System.nanoTime() - start > BOUND_NANOS) {
                fail("lost wakeup: " + what + " not run after " + BOUND_NANOS / 1_000_000 + " ms ("
                        + counter.get() + " of " + target + ")");
            } else {
                LockSupport.parkNanos(50_000);
            }
        }
        assertEquals(target, counter.get(), what);
    }
}
