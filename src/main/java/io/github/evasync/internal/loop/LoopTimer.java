package io.github.evasync.internal.loop;

import java.time.Duration;

/**
 * A timer for evasync's own use (header and body timeouts, the accept back-off, a shutdown's
 * grace, the HTTP client's timeouts), made on the core rather than back through the public
 * {@code EventLoop}. It lives in the loop's {@link Timers} like a public timer and is counted
 * the same way, as a pending event while armed (the heap's size is the count, so nothing can put
 * it out of step). A one-shot timer frees itself after it fires, unless its action armed it
 * again. Loop thread only.
 */
public final class LoopTimer extends TimerNode {
    private final LoopCore core;
    private final Runnable action;
    private final boolean oneShot;
    private boolean freed;

    LoopTimer(LoopCore core, Runnable action, boolean oneShot) {
        this.core = core;
        this.action = action;
        this.oneShot = oneShot;
    }

    /** Arms the timer to fire after {@code delay} (again, if it was armed). */
    public void start(Duration delay) {
        if (freed) {
            throw new IllegalStateException("the timer was freed");
        }
        Timers timers = core.timers();
        if (timers.isClosed()) {
            freed = true; // the loop closed: it would never fire (evasync's own code may ask as it closes)
            return;
        }
        timers.schedule(this, timers.deadline(delay));
    }

    /** Frees the timer, armed or not; later calls do nothing. */
    public void free() {
        freed = true;
        core.timers().cancel(this);
    }

    /** {@return whether the timer was freed} */
    public boolean isFreed() {
        return freed || core.timers().isClosed();
    }

    @Override
    protected void expired(long deadline) {
        try {
            action.run();
        } catch (Throwable t) {
            core.errors().callbackFailed(t, null);
        }
        if (oneShot && !isScheduled()) {
            freed = true;
        }
    }

    @Override
    protected void released() {
        freed = true;
    }
}
