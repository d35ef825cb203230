package io.github.evasync;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Timers live in a heap on the Java side with one libevent alarm behind them: what the loop
 * promises of them through that, from many timers at once to the loop's close.
 */
@Timeout(60)
class TimerHeapTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @Test
    void manyRandomDelaysFireInDeadlineOrderAndNotEarly() {
        int n = 20_000;
        Random rnd = new Random(7);
        List<long[]> fired = new ArrayList<>(); // {earliest deadline, latest deadline, fired at}
        EventLoop.run(loop -> {
            for (int i = 0; i < n; i++) {
                long ms = TimeUnit.MILLISECONDS.toNanos(1 + rnd.nextInt(200)); // zero: an activation, first
                long[] f = new long[3];
                // The loop reads its clock inside the call: its deadline lies between these two.
                f[0] = System.nanoTime() + ms;
                loop.delay(Duration.ofNanos(ms), () -> {
                    f[2] = System.nanoTime();
                    fired.add(f);
                });
                f[1] = System.nanoTime() + ms;
            }
            Idle.atExit(loop);
        });
        assertEquals(n, fired.size());
        long earliestSoFar = Long.MIN_VALUE;
        for (long[] f : fired) {
            if (earliestSoFar != Long.MIN_VALUE) {
                assertTrue(earliestSoFar <= f[1], "fired out of deadline order");
            }
            assertTrue(f[2] >= f[0], "fired " + (f[0] - f[2]) + " ns early");
            earliestSoFar = earliestSoFar == Long.MIN_VALUE ? f[0] : Math.max(earliestSoFar, f[0]);
        }
    }

    @Test
    void zeroDelaysRunInTheOrderTheyWereMadeAndOneMadeByACallbackAfterThem() {
        List<String> order = new ArrayList<>();
        EventLoop.run(loop -> {
            for (int i = 0; i < 5; i++) {
                String name = "d" + i;
                loop.delay(Duration.ZERO, () -> {
                    order.add(name);
                    if (name.equals("d0")) {
                        loop.delay(() -> order.add("again"));
                    }
                });
            }
        });
        assertEquals(List.of("d0", "d1", "d2", "d3", "d4", "again"), order);
    }

    @Test
    void aTimerThatKeepsReArmingItselfAtZeroLeavesIoItsTurn() throws Exception {
        // A delay(0) chain must not keep the loop from its descriptors: a task from another thread
        // (delivered through the wake descriptor) gets in while the chain runs.
        EventLoop loop = loops.start();
        AtomicInteger turns = new AtomicInteger();
        CompletableFuture<Integer> seen = new CompletableFuture<>();
        loop.execute(new Runnable() {
            @Override
            public void run() {
                if (!seen.isDone()) {
                    turns.incrementAndGet();
                    loop.delay(this);
                }
            }
        });
        Thread.sleep(20);
        loop.execute(() -> seen.complete(turns.get()));
        assertTrue(seen.get(10, TimeUnit.SECONDS) > 0);
        Idle.awaitIdle(loop);
    }

    @Test
    void anIntervalKeepsItsRhythmInsteadOfDrifting() {
        // Each tick costs 4 ms of the 10 ms period. An interval that drifts (next tick planned
        // from the end of this one) leaves at least 14 ms between two tick starts, always. One
        // that keeps its rhythm leaves 10 ms, and after a late tick (a busy machine) less: the
        // next is due already. So some gap under 13 ms says no drift, however loaded the
        // machine, where a bound on the total time would only measure the load.
        List<Long> starts = new ArrayList<>();
        EventLoop.run(loop -> {
            Event[] e = new Event[1];
            e[0] = loop.interval(Duration.ofMillis(10), () -> {
                starts.add(System.nanoTime());
                long spin = System.nanoTime() + 4_000_000;
                while (System.nanoTime() < spin) {
                    Thread.onSpinWait();
                }
                if (starts.size() == 20) {
                    e[0].free();
                }
            });
        });
        assertEquals(20, starts.size());
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < starts.size(); i++) {
            gaps.add((starts.get(i) - starts.get(i - 1)) / 1_000);
        }
        assertTrue(gaps.stream().anyMatch(g -> g < 13_000), "gaps between tick starts (µs): " + gaps);
    }

    @Test
    void exitFromATimerStopsTheRestOfItsBatch() {
        AtomicInteger after = new AtomicInteger();
        boolean idle = EventLoop.run(loop -> {
            loop.delay(Duration.ofMillis(5), loop::exit);
            for (int i = 0; i < 100; i++) {
                loop.delay(Duration.ofMillis(5), after::incrementAndGet);
            }
        });
        assertFalse(idle);
        assertEquals(0, after.get());
    }

    @Test
    void closingTheLoopFreesPendingAndIdleTimersAlike() throws Exception {
        EventLoop loop = loops.start();
        Event pending = loop.delay(Duration.ofHours(1), () -> { });
        Event idle = loop.makeEvent(() -> { });
        Event forever = loop.makeEvent(() -> { });
        forever.add(null);
        assertEquals(2, loop.stats().pendingEvents());
        loop.close();
        for (Event e : List.of(pending, idle, forever)) {
            assertTrue(e.isFreed(), e.toString());
            assertFalse(e.isPending());
            assertThrows(EventFreed.class, () -> e.add(Duration.ofMillis(1)));
            e.free(); // still a no-op
        }
    }

    @Test
    void activatingAPendingIntervalFiresItNowAndKeepsItsPeriod() {
        List<Long> at = new ArrayList<>();
        EventLoop.run(loop -> {
            long t0 = System.nanoTime();
            Event[] e = new Event[1];
            e[0] = loop.interval(Duration.ofMillis(100), () -> {
                at.add((System.nanoTime() - t0) / 1_000_000);
                if (at.size() == 2) {
                    e[0].free();
                }
            });
            loop.delay(Duration.ofMillis(20), e[0]::activate);
        });
        assertEquals(2, at.size());
        assertTrue(at.get(0) >= 19 && at.get(0) < 90, "activated tick at " + at.get(0) + " ms");
        assertTrue(at.get(1) - at.get(0) >= 99, "next tick " + (at.get(1) - at.get(0)) + " ms later");
    }

    @Test
    void removeAndAddAgainMoveATimerAndAFreedOneNeverFires() {
        List<String> order = new ArrayList<>();
        EventLoop.run(loop -> {
            Event a = loop.makeEvent(() -> order.add("a"));
            Event b = loop.delay(Duration.ofMillis(30), () -> order.add("b"));
            Event c = loop.delay(Duration.ofMillis(10), () -> order.add("c"));
            a.add(Duration.ofMillis(50));
            assertTrue(a.remove());
            assertFalse(a.remove());
            a.add(Duration.ofMillis(20));
            c.free();
            assertTrue(b.isPending());
            loop.delay(Duration.ofMillis(40), a::free);
            Idle.atExit(loop);
        });
        assertEquals(List.of("a", "b"), order);
    }

    @Test
    void anActivationRunsWhileAWatchedSocketStaysReady() throws Exception {
        firesWhileASocketStaysWritable(Duration.ZERO);
    }

    @Test
    void aDueTimerFiresWhileAWatchedSocketStaysReady() throws Exception {
        firesWhileASocketStaysWritable(Duration.ofNanos(1)); // due at once, as the HTTP client's one-turn look
    }

    /**
     * A turn with a timer due polls without waiting; it must poll once, not until a poll finds
     * nothing: a writable socket's watch (a busy server, in effect) is ready at every poll.
     */
    private void firesWhileASocketStaysWritable(Duration delay) throws Exception {
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             java.net.Socket client = new java.net.Socket()) {
            client.connect(ss.getLocalSocketAddress());
            try (java.net.Socket accepted = ss.accept()) {
                int fd = FdOf.socket(accepted);
                EventLoop loop = loops.start();
                AtomicInteger writable = new AtomicInteger();
                CompletableFuture<Integer> fired = new CompletableFuture<>();
                Event[] w = new Event[1];
                loop.execute(() -> {
                    w[0] = loop.watchFd(fd, null, writable::incrementAndGet, null, null);
                    loop.delay(delay, () -> fired.complete(writable.get()));
                });
                try {
                    fired.get(10, TimeUnit.SECONDS);
                } finally {
                    loop.execute(() -> w[0].free());
                }
                Idle.awaitIdle(loop);
            }
        }
    }

    @Test
    void aRunLoopWhoseOnlyTimerHasNoTimeoutEnds() throws Exception {
        // Only an activation could fire it, and nothing is left that could activate it.
        CompletableFuture<Boolean> ran = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                ran.complete(EventLoop.run(loop -> loop.makeEvent(() -> { }).add(null)));
            } catch (Throwable e) {
                ran.completeExceptionally(e);
            }
        });
        t.setDaemon(true);
        t.start();
        assertTrue(ran.get(10, TimeUnit.SECONDS));
    }
}
