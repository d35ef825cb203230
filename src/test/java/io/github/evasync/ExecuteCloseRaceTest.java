package io.github.evasync;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code execute} racing the loop's close: a task is either accepted and run by the loop's last
 * drain, or refused with {@link IllegalStateException}; none is accepted and then dropped. Each
 * test counts, per round, tasks accepted (execute returned) against tasks run.
 */
@Timeout(120)
class ExecuteCloseRaceTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    /** A live loop closed from another thread while three threads keep handing it tasks. */
    @Test
    void closingALiveLoopRunsOrRefusesEveryTask() throws Exception {
        for (int round = 0; round < 150; round++) {
            EventLoop loop = loops.start();
            Idle.atExit(loop);
            AtomicLong ran = new AtomicLong();
            Producers producers = new Producers(loop, ran, 3, Long.MAX_VALUE);
            producers.awaitFirstAccepted();
            // A varying head start: the close meets the producers at different points.
            spin(round * 37 % 2_000);
            loop.close();
            assertTrue(loop.isClosed());
            producers.join();
            assertEquals(producers.accepted(), ran.get(), "round " + round + ": accepted tasks that never ran");
        }
    }

    /**
     * A {@code run} loop that ends when it runs out of work, while a foreign thread hands it
     * tasks: the loop's idle test and its close race the producer's offer.
     */
    @Test
    void aRunLoopEndingOnItsOwnRunsOrRefusesEveryTask() throws Exception {
        for (int round = 0; round < 150; round++) {
            AtomicLong ran = new AtomicLong();
            AtomicReference<Producers> started = new AtomicReference<>();
            int life = round % 3;
            EventLoop.run(loop -> {
                Idle.atExit(loop);
                started.set(new Producers(loop, ran, 2, 5_000));
                // Something to keep the loop alive a little, varied so the end meets the producers
                // at different points; tasks alone may or may not keep it going.
                if (life > 0) {
                    loop.delay(Duration.ofNanos(life * 300_000L), () -> { });
                }
            });
            Producers producers = started.get();
            producers.join();
            assertEquals(producers.accepted(), ran.get(), "round " + round + ": accepted tasks that never ran");
        }
    }

    /** Threads that execute counting tasks on a loop until it refuses one or each has had {@code limit} accepted. */
    private static final class Producers {
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicLong accepted = new AtomicLong();
        private final CountDownLatch firstAccepted = new CountDownLatch(1);
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Producers(EventLoop loop, AtomicLong ran, int count, long limit) {
            Runnable task = ran::incrementAndGet;
            AtomicInteger names = new AtomicInteger();
            for (int i = 0; i < count; i++) {
                Thread t = new Thread(() -> {
                    long mine = 0;
                    try {
                        while (mine < limit) {
                            try {
                                loop.execute(task);
                            } catch (IllegalStateException refused) {
                                assertTrue(refused.getMessage().contains("closed"), refused.getMessage());
                                break;
                            }
                            mine++;
                            firstAccepted.countDown();
                            if (mine % 64 == 0) {
                                Thread.yield(); // let the loop and the closer in on two cores
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        accepted.addAndGet(mine);
                        firstAccepted.countDown();
                    }
                }, "producer-" + names.incrementAndGet());
                threads.add(t);
                t.start();
            }
        }

        void awaitFirstAccepted() throws InterruptedException {
            firstAccepted.await();
        }

        void join() throws InterruptedException {
            for (Thread t : threads) {
                t.join();
            }
            if (failure.get() != null) {
                fail(failure.get());
            }
        }

        long accepted() {
            return accepted.get();
        }
    }

    private static void spin(int micros) {
        long end = System.nanoTime() + micros * 1_000L;
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }
}
