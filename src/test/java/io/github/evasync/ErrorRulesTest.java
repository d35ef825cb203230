package io.github.evasync;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class ErrorRulesTest {
    static final class AppFailure extends RuntimeException {
        AppFailure(String m) {
            super(m);
        }
    }

    @Test
    void uncaughtExceptionExitsLoopCancelsPendingAndIsRethrown() {
        AtomicBoolean laterFired = new AtomicBoolean();
        AtomicBoolean exitRan = new AtomicBoolean();
        // The later delay is due long after the class timeout: run returning at all shows the
        // failure ended the loop at once instead of waiting for what was pending.
        AppFailure thrown = assertThrows(AppFailure.class, () -> EventLoop.run(loop -> {
            loop.delay(Duration.ofMinutes(10), () -> laterFired.set(true));
            loop.onExit(() -> exitRan.set(true));
            loop.delay(Duration.ofMillis(20), () -> {
                throw new AppFailure("boom from a timer");
            });
        }));
        assertEquals("boom from a timer", thrown.getMessage());
        assertFalse(laterFired.get());
        assertTrue(exitRan.get());
    }

    /**
     * An exit callback added by another exit callback runs too (it was dropped: the callbacks
     * ran from a copy of the list); one added by a task of the loop's last drain, when the exit
     * callbacks have run, runs at once, the loop going on closing as before.
     */
    @Test
    void exitCallbacksAddedWhileExitingRun() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        EventLoop.run(loop -> {
            loop.onExit(() -> {
                ran.add("outer");
                loop.onExit(() -> ran.add("inner"));
            });
            loop.exit();
        });
        assertEquals(List.of("outer", "inner"), ran);

        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        EventLoop live = EventLoop.start(io.github.evasync.LoopOptions.defaults().uncaughtHandler(uncaught::add));
        CountDownLatch exiting = new CountDownLatch(1);
        live.execute(() -> {
            live.exit();
            exiting.countDown();
            try {
                Thread.sleep(200); // the task below is queued meanwhile, and runs in the last drain
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(exiting.await(10, TimeUnit.SECONDS));
        java.util.concurrent.CompletableFuture<Object> late = live.submit(() -> {
            live.onExit(() -> ran.add("late"));
            return "added";
        });
        live.close();
        assertEquals("added", late.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("outer", "inner", "late"), ran);
        assertEquals(List.of(), uncaught);
    }

    @Test
    void exceptionInStartIsRethrown() {
        var e = assertThrows(IllegalStateException.class, () -> EventLoop.run(loop -> {
            loop.delay(Duration.ofSeconds(2), () -> { });
            throw new IllegalStateException("start failed");
        }));
        assertEquals("start failed", e.getMessage());
    }

    @Test
    void callbacksQueuedInTheSameTurnDoNotRunAfterAFailure() {
        List<String> ran = new ArrayList<>();
        assertThrows(AppFailure.class, () -> EventLoop.run(loop -> {
            loop.delay(() -> {
                ran.add("first");
                throw new AppFailure("first fails");
            });
            loop.delay(() -> ran.add("second"));
        }));
        assertEquals(List.of("first"), ran);
    }

    private static int recurse(int n) {
        return recurse(n + 1) + 1;
    }

    @Test
    void stackOverflowIsRethrownAndTheJvmSurvives() {
        assertThrows(StackOverflowError.class, () -> EventLoop.run(loop -> loop.delay(() -> recurse(0))));
        AtomicBoolean ran = new AtomicBoolean();
        assertTrue(EventLoop.run(loop -> loop.delay(Duration.ofMillis(5), () -> ran.set(true))));
        assertTrue(ran.get(), "the next loop runs");
    }

    @Test
    void caughtAppErrorReachesTheOperationsHandlerAndLoopGoesOn() {
        List<Exception> seen = new ArrayList<>();
        AtomicBoolean later = new AtomicBoolean();
        AppFailure boom = new AppFailure("caught");
        assertTrue(EventLoop.run(LoopOptions.defaults().catchAppErrors(true), loop -> {
            loop.delay(Duration.ofMillis(5), () -> {
                throw boom;
            }, seen::add);
            loop.delay(Duration.ofMillis(30), () -> later.set(true));
        }));
        assertEquals(1, seen.size());
        assertSame(boom, seen.get(0));
        assertTrue(later.get());
    }

    @Test
    void caughtAppErrorWithoutHandlerReachesTheDefaultHandler() {
        List<Exception> seen = new ArrayList<>();
        AtomicInteger ticks = new AtomicInteger();
        LoopOptions o = LoopOptions.defaults().catchAppErrors(true).defaultEventHandler(seen::add);
        assertTrue(EventLoop.run(o, loop -> {
            loop.delay(Duration.ofMillis(5), () -> {
                throw new AppFailure("to default");
            });
            loop.execute(() -> {
                throw new AppFailure("from execute");
            });
            Event[] iv = new Event[1];
            iv[0] = loop.interval(Duration.ofMillis(10), () -> {
                int tick = ticks.incrementAndGet();
                if (tick == 2) {
                    throw new AppFailure("from interval");
                }
                if (tick == 4) {
                    iv[0].free();
                }
            });
        }));
        assertEquals(3, seen.size());
        assertEquals(4, ticks.get(), "the interval kept running after it threw");
    }

    @Test
    void handlerThatThrowsFallsBackToDefaultHandler() {
        List<Exception> seen = new ArrayList<>();
        LoopOptions o = LoopOptions.defaults().catchAppErrors(true).defaultEventHandler(seen::add);
        assertTrue(EventLoop.run(o, loop -> loop.delay(Duration.ZERO, () -> {
            throw new AppFailure("first");
        }, ev -> {
            throw new AppFailure("handler failed on " + ev.getMessage());
        })));
        assertEquals(1, seen.size());
        assertEquals("handler failed on first", seen.get(0).getMessage());
    }

    @Test
    void catchAppErrorsWithTheRethrowingDefaultStillEndsTheLoop() {
        assertThrows(AppFailure.class, () -> EventLoop.run(LoopOptions.defaults().catchAppErrors(true),
                loop -> loop.delay(() -> {
                    throw new AppFailure("no handler anywhere");
                })));
    }

    @Test
    void errorsAreNeverCaughtEvenWithCatchAppErrors() {
        List<Exception> seen = new ArrayList<>();
        LoopOptions o = LoopOptions.defaults().catchAppErrors(true).defaultEventHandler(seen::add);
        assertThrows(AssertionError.class, () -> EventLoop.run(o, loop -> loop.delay(() -> {
            throw new AssertionError("an Error");
        })));
        assertTrue(seen.isEmpty());
    }

    @Test
    void defaultHandlerIgnoresInfoAndRethrowsErrors() {
        EventHandler h = LoopOptions.defaults().defaultEventHandler();
        h.onEvent(new TcpEof(null));
        assertThrows(ConnectionError.class, () -> h.onEvent(new DnsError("example.invalid", 5, "an error")));
        assertThrows(IllegalStateException.class, () -> h.onEvent(new IllegalStateException("app")));
    }

    @Test
    void liveLoopSendsUncaughtToItsHandlerAndGoesOn() throws Exception {
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        CountDownLatch after = new CountDownLatch(1);
        try (EventLoop loop = EventLoop.start(LoopOptions.defaults().uncaughtHandler(uncaught::add))) {
            loop.delay(() -> {
                throw new AppFailure("live failure");
            });
            loop.delay(Duration.ofMillis(20), after::countDown);
            assertTrue(after.await(5, TimeUnit.SECONDS));
            assertEquals(1, uncaught.size());
            assertEquals("live failure", uncaught.get(0).getMessage());
            Idle.assertIdle(loop);
        }
    }

    @Test
    void conditionsCarryTheirFields() {
        TcpError e = new TcpRefused(null, 111, "Connection refused");
        assertEquals(111, e.errcode());
        assertEquals("Connection refused", e.errmsg());
        assertEquals(0, e.getStackTrace().length, "conditions passed to handlers carry no stack trace");
        assertTrue(new SocketClosed(null).getStackTrace().length > 0, "thrown conditions do");
        assertEquals(-1, new HttpTimeout(-1, "timed out").errcode());
        Exception c = new TcpEof(null);
        String kind = switch (c) {
            case ConnectionError err -> "error " + err.errcode();
            case TcpInfo info -> "tcp info";
            default -> "other";
        };
        assertEquals("tcp info", kind);
    }
}
