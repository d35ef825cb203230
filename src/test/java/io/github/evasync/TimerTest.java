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
        long t0 = System.nanoTime();
        boolean result = EventLoop.run(loop -> {
            loop.delay(Duration.ofSeconds(1), () -> fired.set(true));
            loop.onExit(() -> exitCallback.set(true));
            loop.delay(Duration.ofMillis(50), loop::exit);
        });
        assertFalse(result);
        assertFalse(fired.get());
        assertTrue(exitCallback.get());
        assertTrue(System.nanoTime() - t0 < 900_000_000L, "run waited for the cancelled delay");
    }

    @Test
    void delayFiresOnTime() {
        AtomicLong elapsed = new AtomicLong();
        long t0 = System.nanoTime();
        EventLoop.run(loop -> loop.delay(Duration.ofMillis(300), () -> elapsed.set(System.nanoTime() - t0)));
        long ms = elapsed.get() / 1_000_000;
        assertTrue(ms >= 295 && ms <= 500, "300 ms delay fired after " + ms + " ms");
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
    void intervalFreedAt320msFiredThreeTimes() {
        AtomicInteger count = new AtomicInteger();
        EventLoop.run(loop -> {
            Event iv = loop.interval(Duration.ofMillis(100), count::incrementAndGet);
            loop.delay(Duration.ofMillis(320), iv::free);
            Idle.atExit(loop);
        });
        assertEquals(3, count.get());
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
                }
            });
            loop.delay(Duration.ofMillis(200), () -> {
                assertTrue(self[0].isFreed(), "a delay frees itself once it stops re-arming");
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
