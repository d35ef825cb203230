package io.github.evasync;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class TimerTest {
    @Test
    void runReturnsTrueWhenIdle() {
        AtomicBoolean started = new AtomicBoolean();
        assertTrue(EventLoop.run(loop -> {
            started.set(true);
            assertTrue(loop.inLoop());
            assertEquals(loop, EventLoop.current());
            Idle.assertIdle(loop);
        }));
        assertTrue(started.get());
        assertEquals(null, EventLoop.current());
    }

    @Test
    void exitCancelsPendingDelayAndRunReturnsFalse() {
        AtomicBoolean fired = new AtomicBoolean();
        AtomicBoolean exitCallback = new AtomicBoolean();
        // The pending delay is due long after the class timeout: run returning at all shows it
        // did not wait for the cancelled delay.
        boolean result = EventLoop.run(loop -> {
            loop.delay(Duration.ofMinutes(10), () -> fired.set(true));
            loop.onExit(() -> exitCallback.set(true));
            loop.delay(Duration.ofMillis(50), loop::exit);
        });
        assertFalse(result);
        assertFalse(fired.get());
        assertTrue(exitCallback.get());
    }

    @Test
    void delayFiresOnTime() {
        AtomicLong elapsed = new AtomicLong();
        List<String> order = new ArrayList<>();
        long t0 = System.nanoTime();
        EventLoop.run(loop -> {
            loop.delay(Duration.ofMillis(400), () -> order.add("400"));
            loop.delay(Duration.ofMillis(300), () -> {
                elapsed.set(System.nanoTime() - t0);
                order.add("300");
            });
            loop.delay(Duration.ofMillis(200), () -> order.add("200"));
        });
        long ms = elapsed.get() / 1_000_000;
        assertTrue(ms >= 295, "300 ms delay fired early, after " + ms + " ms");
        assertEquals(List.of("200", "300", "400"), order, "it fired between its neighbours");
    }

    @Test
    void delaysFireInTimeOrderAndNextTurnRunsFirst() {
        List<String> order = new ArrayList<>();
        EventLoop.run(loop -> {
            loop.delay(Duration.ofMillis(60), () -> order.add("60"));
            loop.delay(Duration.ofMillis(20), () -> order.add("20"));
            loop.delay(Duration.ofMillis(40), () -> order.add("40"));
            loop.delay(() -> order.add("next1"));
            loop.delay(Duration.ZERO, () -> order.add("next2"));
            loop.delay(() -> order.add("next3"));
            order.add("start");
            Idle.atExit(loop);
        });
        assertEquals(List.of("start", "next1", "next2", "next3", "20", "40", "60"), order);
    }

    @Test
    void nextTurnRunsAfterTheCurrentCallback() {
        List<String> order = new ArrayList<>();
        EventLoop.run(loop -> loop.delay(() -> {
            loop.delay(() -> order.add("inner"));
            order.add("outer");
        }));
        assertEquals(List.of("outer", "inner"), order);
    }

    @Test
    void intervalRepeatsAtItsPeriodUntilFreed() {
        List<Long> ticks = new ArrayList<>();
        long t0 = System.nanoTime();
        EventLoop.run(loop -> {
            Event[] iv = new Event[1];
            iv[0] = loop.interval(Duration.ofMillis(100), () -> {
                ticks.add((System.nanoTime() - t0) / 1_000_000);
                if (ticks.size() == 3) {
                    // Freed from another callback, on the next turn, long before a fourth tick is due.
                    loop.delay(() -> {
                        assertEquals(3, ticks.size());
                        iv[0].free();
                    });
                }
            });
            Idle.atExit(loop);
        });
        assertEquals(3, ticks.size(), ticks.toString());
        for (int k = 1; k <= 3; k++) {
            assertTrue(ticks.get(k - 1) >= k * 100L - 5, "tick " + k + " came early: " + ticks + " ms");
        }
    }

    @Test
    void delayCanBeCancelledAndReArmedFromItsCallback() {
        AtomicInteger fired = new AtomicInteger();
        AtomicBoolean cancelled = new AtomicBoolean(true);
        EventLoop.run(loop -> {
            Event cancel = loop.delay(Duration.ofMillis(30), () -> cancelled.set(false));
            cancel.free();
            Event[] self = new Event[1];
            self[0] = loop.delay(Duration.ofMillis(10), () -> {
                if (fired.incrementAndGet() < 3) {
                    self[0].add(Duration.ofMillis(10));
                } else {
                    loop.delay(() -> assertTrue(self[0].isFreed(), "a delay frees itself once it stops re-arming"));
                }
            });
            Idle.atExit(loop);
        });
        assertTrue(cancelled.get());
        assertEquals(3, fired.get());
    }

    @Test
    void badArgumentsAreNamed() {
        EventLoop.run(loop -> {
            var e1 = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> loop.delay(Duration.ofMillis(-1), () -> { }));
            assertTrue(e1.getMessage().contains("time"));
            var e2 = org.junit.jupiter.api.Assertions.assertThrows(NullPointerException.class,
                    () -> loop.delay(Duration.ZERO, null));
            assertTrue(e2.getMessage().contains("callback"));
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> loop.interval(Duration.ZERO, () -> { }));
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> loop.watchFd(-1, () -> { }, null, null, null));
            Idle.assertIdle(loop);
        });
    }
}
