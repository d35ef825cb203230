package io.github.evasync.internal.loop;

import io.github.evasync.ConnectionError;
import io.github.evasync.EventHandler;
import io.github.evasync.LoopOptions;
import io.github.evasync.TcpAcceptError;

/**
 * Where a loop's errors go (API.md, "Error handling"): an application's exception from a
 * callback, a condition for an operation's handler, a condition a peer caused, and what nothing
 * caught, which ends a {@code run} loop and is kept for {@code run} to rethrow. Loop thread only.
 */
public final class LoopErrors {
    private static final System.Logger TRANSIENT_LOG = System.getLogger("io.github.evasync");

    private final LoopOptions options;
    private final boolean live;
    private final Runnable stop;
    private Throwable failure;

    /**
     * @param live true for a loop that goes on after a failure (its uncaught handler gets it)
     * @param stop stops a {@code run} loop after its first failure
     */
    LoopErrors(LoopOptions options, boolean live, Runnable stop) {
        this.options = options;
        this.live = live;
        this.stop = stop;
    }

    /**
     * Routes an exception thrown by application code in a callback of an operation whose
     * handler is {@code handler} (null when it has none).
     */
    public void callbackFailed(Throwable t, EventHandler handler) {
        EventHandler def = options.defaultEventHandler();
        if (!(t instanceof Exception) || !options.catchAppErrors()) {
            fatal(t);
            return;
        }
        if (handler != null && handler != def) {
            try {
                handler.onEvent((Exception) t);
                return;
            } catch (Throwable t2) {
                if (!(t2 instanceof Exception)) {
                    fatal(t2);
                    return;
                }
                t = t2;
            }
        }
        try {
            def.onEvent((Exception) t);
        } catch (Throwable t3) {
            fatal(t3);
        }
    }

    /** Delivers a condition to an operation's handler, or the default handler when it has none. */
    public void deliver(Exception condition, EventHandler handler) {
        EventHandler def = options.defaultEventHandler();
        EventHandler h = handler != null ? handler : def;
        try {
            h.onEvent(condition);
        } catch (Throwable t) {
            if (h != def) {
                callbackFailed(t, null);
            } else {
                fatal(t);
            }
        }
    }

    /**
     * Reports a condition that a remote peer or the system can cause and that harms nothing
     * else: an accept that failed for want of descriptors, a reset on an accepted connection.
     * It goes to {@code handler} when there is one, to a default handler the application set,
     * and otherwise to the log (an accept error as a warning, a connection's error at debug
     * level, an end of stream nowhere). Unlike {@link #deliver}, it never reaches the built-in
     * default handler, which rethrows errors and so would end a {@code run} loop: nothing a
     * peer does may stop a loop.
     */
    public void reportTransient(Exception condition, EventHandler handler) {
        if (handler == null && options.defaultEventHandler() == LoopOptions.RETHROWING_HANDLER) {
            if (condition instanceof ConnectionError) {
                try {
                    TRANSIENT_LOG.log(condition instanceof TcpAcceptError
                            ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG, condition.toString());
                } catch (Throwable t) {
                    // Logging needs resources too (a descriptor, when out of them); the condition
                    // passes all the same.
                }
            }
            return;
        }
        deliver(condition, handler);
    }

    /**
     * Logs a refusal that no caller can hear: a call queued from another loop's thread (which
     * does not wait for it) that the object refused once it ran. It must not end this loop, and
     * the caller has gone on.
     */
    public void refusedWithoutCaller(RuntimeException refusal) {
        try {
            TRANSIENT_LOG.log(System.Logger.Level.WARNING, "a call queued from another loop was refused: " + refusal);
        } catch (Throwable t) {
            // Logging failed (out of descriptors, say); the loop goes on all the same.
        }
    }

    /**
     * What nothing caught: a {@code run} loop stops and rethrows it; a live loop hands it to
     * its uncaught handler and goes on.
     */
    public void fatal(Throwable t) {
        if (live) {
            try {
                options.uncaughtHandler().accept(t);
            } catch (Throwable ignored) {
                // The uncaught handler failed too; the loop must go on, so this is dropped.
            }
            return;
        }
        if (failure == null) {
            failure = t;
        }
        stop.run();
    }

    /** The failure that ended a {@code run} loop, or null. */
    public Throwable failure() {
        return failure;
    }
}
