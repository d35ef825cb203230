package io.github.evasync.internal.signal;

import io.github.evasync.EventHandler;
import io.github.evasync.internal.ffi.NativeEvent;
import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.signal.Signals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * A signal handler on libevent's evsignal: an {@code EV_SIGNAL | EV_PERSIST} event it owns and
 * frees once. libevent installs its own C handler when the first event for a signal is added
 * and puts back the one it found (the JVM's, say) when the last is freed.
 *
 * <p>libevent lets only one event base at a time watch signals, so the handlers live in one
 * process-wide table, owned by one loop until it has none left.
 */
public final class SignalWatch {
    private static LoopCore owner;
    private static final Map<Integer, SignalWatch> WATCHES = new HashMap<>();

    private final LoopCore core;
    private final int signo;
    private final IntConsumer callback;
    private final EventHandler handler;
    private final NativeEvent event;

    private SignalWatch(LoopCore core, int signo, IntConsumer callback, EventHandler handler) {
        this.core = core;
        this.signo = signo;
        this.callback = callback;
        this.handler = handler;
        NativeEvent ev;
        try {
            ev = new NativeEvent(core.eventBase(), core.handles(), core.counts().nativeObjectCount(), signo,
                    (short) (NativeEvent.SIGNAL | NativeEvent.PERSIST), new NativeEvent.Target() {
                        @Override
                        public void fired(short what) {
                            fire();
                        }

                        @Override
                        public void released() {
                            forget(); // the loop closed and freed it
                        }
                    });
        } catch (IllegalStateException refused) {
            throw new IllegalStateException("libevent could not watch signal " + signo, refused);
        }
        if (!ev.add()) {
            ev.free();
            throw new IllegalStateException("libevent could not watch signal " + signo);
        }
        this.event = ev;
    }

    /** Checks a signal number, naming why it is refused. */
    public static void check(int signo) {
        String why = Signals.refusal(signo);
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
    }

    /**
     * Throws when another loop owns signal handling; any thread. A call carried to the loop
     * checks here first, so that the refusal reaches the caller rather than ending the loop
     * it was queued on (a call from another loop's thread is queued, not waited for).
     */
    public static synchronized void checkOwner(LoopCore core) {
        if (owner != null && owner != core) {
            throw new IllegalStateException("another event loop (" + owner + ") owns signal handling: "
                    + "libevent lets one loop at a time watch signals; free its handlers or close it first");
        }
    }

    /** Installs (or replaces) the loop's handler for {@code signo}; loop thread only. */
    public static void add(LoopCore core, int signo, IntConsumer callback, EventHandler handler) {
        synchronized (SignalWatch.class) {
            checkOwner(core);
            owner = core;
        }
        // The new event is added before the old one goes, so the JVM's handler never comes
        // back in between.
        SignalWatch old = WATCHES.get(signo);
        try {
            WATCHES.put(signo, new SignalWatch(core, signo, callback, handler));
        } catch (RuntimeException e) {
            releaseOwnershipIfEmpty();
            throw e;
        }
        if (old != null) {
            old.freeNative();
        }
    }

    /** Frees the loop's handler for {@code signo}, if it has one; the previous handler returns. */
    public static void remove(LoopCore core, int signo) {
        SignalWatch w = owned(core) ? WATCHES.get(signo) : null;
        if (w != null) {
            w.free();
        }
    }

    /** Frees every handler of the loop. */
    public static void clear(LoopCore core) {
        if (owned(core)) {
            for (SignalWatch w : new ArrayList<>(WATCHES.values())) {
                w.free();
            }
        }
    }

    private static synchronized boolean owned(LoopCore core) {
        return owner == core;
    }

    private void fire() {
        try {
            callback.accept(signo);
        } catch (Throwable t) {
            core.errors().callbackFailed(t, handler);
        }
    }

    private void free() {
        if (event.free()) {
            forget();
        }
    }

    /** Takes this watch out of the process-wide table once its event is gone. */
    private void forget() {
        if (WATCHES.get(signo) == this) {
            WATCHES.remove(signo);
        }
        releaseOwnershipIfEmpty();
    }

    private void freeNative() {
        event.free();
    }

    private static synchronized void releaseOwnershipIfEmpty() {
        if (WATCHES.isEmpty()) {
            owner = null;
        }
    }
}
