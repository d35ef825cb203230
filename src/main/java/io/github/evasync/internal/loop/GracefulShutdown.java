package io.github.evasync.internal.loop;


import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
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
    private final AtomicBoolean requested = new AtomicBoolean();
    private LoopTimer graceTimer;
    /** Whether the server has been stopped (connections ending before do not count). */
    private boolean begun;

    /** The shutdown of one server of {@code core}'s loop, not asked for yet. */
    public GracefulShutdown(LoopCore core) {
        this.core = core;
    }

    /**
     * Shuts the server down, once, whoever asks and from whichever thread: {@code stop} stops
     * accepting and drains what it can; when {@code empty} then says nothing is left the future
     * completes at once, else {@code endAll} runs when {@code grace} runs out. From a plain
     * thread this returns once {@code stop} has run; from another loop's thread it is queued
     * (loops never wait for each other). A loop that closes first completes the future too.
     * Later calls return the same future.
     */
    public CompletableFuture<Void> request(Duration grace, Runnable stop, BooleanSupplier empty, Runnable endAll) {
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative: " + grace);
        }
        if (!requested.compareAndSet(false, true)) {
            return done;
        }
        core.track(done);
        try {
            if (core.inLoop()) {
                // No lambda on the loop thread: see LoopCore#call.
                begin(grace, stop, empty, endAll);
            } else {
                core.run(() -> begin(grace, stop, empty, endAll));
            }
        } catch (LoopClosedException loopClosed) {
            done.complete(null); // the loop closed every connection already
        }
        return done;
    }

    /** Loop thread: stops the server, then completes at once or gives it {@code grace}. */
    private void begin(Duration grace, Runnable stop, BooleanSupplier empty, Runnable endAll) {
        stop.run();
        begun = true;
        if (empty.getAsBoolean()) {
            done.complete(null);
        } else if (!done.isDone()) {
            graceTimer = core.delay(grace, new GraceOver(endAll));
        }
    }

    /** The grace ran out: {@code endAll} ends what is left. A class rather than a lambda (see LoopCore#call). */
    private final class GraceOver implements Runnable {
        private final Runnable endAll;

        GraceOver(Runnable endAll) {
            this.endAll = endAll;
        }

        @Override
        public void run() {
            graceTimer = null;
            endAll.run();
        }
    }

    /** {@return whether a shutdown was asked for. Safe from any thread} */
    public boolean requested() {
        return requested.get();
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
