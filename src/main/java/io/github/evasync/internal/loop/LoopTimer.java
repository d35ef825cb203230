package io.github.evasync.internal.loop;

import io.github.evasync.internal.ffi.NativeEvent;

import java.time.Duration;

/**
 * A timer for evasync's own use (header and body timeouts, the accept back-off, a shutdown's
 * grace, the HTTP client's timeouts), made on the core rather than back through the public
 * {@code EventLoop}. Counted in the loop's stats like a public {@code Event}: a native object
 * while it lives, a pending event while armed. A one-shot timer frees itself after it fires,
 * unless its action armed it again. Loop thread only.
 */
public final class LoopTimer {
    private final LoopCore core;
    private final Runnable action;
    private final boolean oneShot;
    private final NativeEvent event;
    private boolean pending;

    LoopTimer(LoopCore core, Runnable action, boolean oneShot) {
        this.core = core;
        this.action = action;
        this.oneShot = oneShot;
        this.event = new NativeEvent(core.eventBase(), core.handles(), core.counts().nativeObjectCount(), -1, (short) 0,
                new NativeEvent.Target() {
                    @Override
                    public void fired(short what) {
                        fire();
                    }

                    @Override
                    public void released() {
                        setPending(false); // the loop closed and freed it
                    }
                });
    }

    /** Arms the timer to fire after {@code delay} (again, if it was armed). */
    public void start(Duration delay) {
        if (event.isFreed()) {
            throw new IllegalStateException("the timer was freed");
        }
        if (!event.add(core.scratch(), delay)) {
            throw new IllegalStateException("libevent refused to add a timer");
        }
        setPending(true);
    }

    /** Frees the timer, armed or not; later calls do nothing. */
    public void free() {
        setPending(false);
        event.free();
    }

    /** {@return whether the timer was freed} */
    public boolean isFreed() {
        return event.isFreed();
    }

    private void fire() {
        setPending(false);
        try {
            action.run();
        } catch (Throwable t) {
            core.errors().callbackFailed(t, null);
        }
        if (oneShot && !pending) {
            event.free();
        }
    }

    private void setPending(boolean now) {
        if (pending != now) {
            pending = now;
            core.counts().pendingEvents(now ? 1 : -1);
        }
    }
}
