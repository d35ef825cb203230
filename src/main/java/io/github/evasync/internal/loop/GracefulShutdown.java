package io.github.evasync.internal.loop;

import io.github.evasync.Event;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * A server's graceful shutdown, shared by the TCP and HTTP servers: one future, completed once
 * the server's last connection has ended, and a grace timer that ends the rest. The server says
 * how to stop and drain, whether connections are left, and how to end them; it tells this when
 * one of its connections ends.
 */
public final class GracefulShutdown {
    private final LoopCore core;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private Event graceTimer;
    /** Whether {@link #begin} has stopped the server (connections ending before do not count). */
    private boolean begun;

    private GracefulShutdown(LoopCore core) {
        this.core = core;
    }

    /** Checks a grace period, naming it. */
    public static void checkGrace(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative: " + grace);
        }
    }

    /**
     * A shutdown of a server of {@code core}'s loop, not begun yet: a server makes one under its
     * lock, so that every caller gets the same future, and begins it outside the lock (beginning
     * may wait for the loop, which may be calling into the server).
     */
    public static GracefulShutdown create(LoopCore core) {
        GracefulShutdown s = new GracefulShutdown(core);
        core.track(s.done); // a loop that closes first completes it too
        return s;
    }

    /**
     * Begins the shutdown on the loop: {@code stop} stops accepting and drains what it can;
     * when {@code empty} then says nothing is left it completes at once, else {@code endAll}
     * runs when {@code grace} runs out. From a plain thread this returns once {@code stop} has
     * run; from another loop's thread it is queued (loops never wait for each other).
     */
    public void begin(Duration grace, Runnable stop, BooleanSupplier empty, Runnable endAll) {
        try {
            core.run(() -> {
                stop.run();
                begun = true;
                if (empty.getAsBoolean()) {
                    done.complete(null);
                } else if (!done.isDone()) {
                    graceTimer = core.api().delay(grace, () -> {
                        graceTimer = null;
                        endAll.run();
                    });
                }
            });
        } catch (LoopClosedException loopClosed) {
            done.complete(null); // the loop closed every connection already
        }
    }

    /** {@return the future that completes once every connection has ended} */
    public CompletableFuture<Void> future() {
        return done;
    }

    /** A connection of the server ended; {@code noneLeft} says whether it was the last. Loop thread. */
    public void connectionEnded(boolean noneLeft) {
        if (begun && noneLeft && !done.isDone()) {
            if (graceTimer != null) {
                graceTimer.free();
                graceTimer = null;
            }
            done.complete(null);
        }
    }
}
