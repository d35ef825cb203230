package io.github.evasync.reliability;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.LoopOptions;
import io.github.evasync.LoopStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@link StackOverflowError} can strike inside any API call, between registering a handle and
 * making the native object behind it. The two succeed or fail together, so the registry never
 * holds an entry with nothing behind it, and closing the loop frees everything. Before, such an
 * entry made {@code loop.close()} throw a {@code NullPointerException} from {@code event_free}
 * half-way through freeing the loop.
 */
@Timeout(120)
class StackOverflowTest {
    /** Recursions to the overflow, each from a different depth so it strikes at another point. */
    private static final int TRIALS = 96;
    private static final long STACK = 512 * 1024;

    private static void pad(int k, Runnable atBottom) {
        if (k > 0) {
            pad(k - 1, atBottom);
        } else {
            atBottom.run();
        }
    }

    private static void deep(EventLoop loop, Duration time, Runnable callback, AtomicInteger made) {
        loop.delay(time, callback);
        made.incrementAndGet();
        deep(loop, time, callback, made);
    }

    private static int overflow(EventLoop loop, Duration time, Runnable callback, AtomicInteger made) {
        int overflows = 0;
        for (int trial = 0; trial < TRIALS; trial++) {
            try {
                pad(trial, () -> deep(loop, time, callback, made));
            } catch (StackOverflowError expected) {
                overflows++;
            }
        }
        return overflows;
    }

    @Test
    void aRunLoopFiresWhatWasMadeAndEndsIdle() throws Exception {
        AtomicInteger made = new AtomicInteger();
        AtomicInteger fired = new AtomicInteger();
        AtomicInteger overflows = new AtomicInteger();
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        Thread t = new Thread(null, () -> {
            try {
                result.complete(EventLoop.run(loop -> {
                    overflows.set(overflow(loop, Duration.ZERO, fired::incrementAndGet, made));
                    Idle.atExit(loop);
                }));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "deep-run", STACK);
        t.start();
        assertTrue(result.get(100, TimeUnit.SECONDS), "the loop ran out of work");
        assertEquals(TRIALS, overflows.get());
        // An event made natively whose return was cut short by the overflow still fires.
        assertTrue(fired.get() >= made.get(), fired + " fired, " + made + " made");
    }

    @Test
    void aLiveLoopKeepsItsRegistryExactAndClosesWhole() throws Exception {
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        EventLoop loop = EventLoop.start(LoopOptions.defaults().daemon(true).uncaughtHandler(uncaught::add));
        AtomicInteger made = new AtomicInteger();
        CompletableFuture<Integer> overflows = new CompletableFuture<>();
        // The overflow must happen on the loop thread (elsewhere calls are carried over), on a
        // small stack: run it in a run loop of its own thread, calling into nothing else.
        Thread t = new Thread(null, () -> EventLoop.run(inner -> {
            overflows.complete(overflow(inner, Duration.ofHours(1), () -> { }, made));
            LoopStats s = inner.stats();
            // Every registered handle has its native object behind it; every delay that returned
            // is pending, and at most one more per overflow (armed, its return cut short).
            if (s.callbackRegistryCount() != s.dataRegistryCount() || s.pendingEvents() < made.get()
                    || s.pendingEvents() > made.get() + TRIALS) {
                overflows.obtrudeException(new AssertionError("registry out of step: " + s));
            }
            inner.exit(); // frees the hour-long delays through the registry
        }), "deep-live", STACK);
        t.start();
        assertEquals(TRIALS, overflows.get(100, TimeUnit.SECONDS));
        t.join();
        loop.close();
        assertTrue(uncaught.isEmpty(), uncaught.toString());
    }
}
