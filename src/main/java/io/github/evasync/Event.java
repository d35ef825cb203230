package io.github.evasync;

import io.github.evasync.internal.ffi.NativeEvent;
import io.github.evasync.internal.loop.LoopClosedException;
import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.internal.loop.TimerNode;
import io.github.evasync.internal.loop.Timers;

import java.time.Duration;
import java.util.Objects;

/**
 * A timer or watcher on a loop (cl-async's event): made by {@link EventLoop#delay},
 * {@link EventLoop#interval}, {@link EventLoop#makeEvent} and {@link EventLoop#watchFd}.
 *
 * <p>A delay frees itself after it fires (unless its callback adds it again); every other
 * event lives until {@link #free()} or until its loop closes. {@link #free()} is idempotent and
 * safe while the event is pending or running; any other use of a freed event throws
 * {@link EventFreed}. Methods called from a thread other than the loop's are carried onto the
 * loop and wait for it; {@link #activate()} does not wait.
 */
public final class Event {
    private static final short EV_TIMEOUT = NativeEvent.TIMEOUT;
    private static final short EV_READ = NativeEvent.READ;
    private static final short EV_WRITE = NativeEvent.WRITE;

    private final LoopCore core;
    private final Runnable callback;
    private final EventHandler handler;
    /**
     * What stands behind the event: a {@link Timer} in the loop's Java-side heap, or a
     * {@link Watch} holding a native event. One field for either, because a server may hold a
     * million pending timers and every field costs each of them.
     */
    private final Backing impl;
    private final boolean oneShot;
    private final boolean persist;
    private volatile boolean freed;
    private boolean added;
    private boolean active;
    /** Counts add/activate calls, so a delay re-armed by its own callback is not freed. */
    private int arms;

    /**
     * Made by the loop on its thread: a timer for {@code fd} -1, else a watch, whose
     * {@code callback} is its timeout callback.
     */
    Event(LoopCore core, int fd, short flags, Runnable callback, Runnable onRead, Runnable onWrite,
          EventHandler handler, boolean oneShot) {
        this.core = core;
        this.callback = callback;
        this.handler = handler;
        this.oneShot = oneShot;
        this.persist = (flags & NativeEvent.PERSIST) != 0;
        if (fd < 0) {
            impl = new Timer();
        } else {
            Watch w = new Watch(onRead, onWrite);
            w.ev = new NativeEvent(core.eventBase(), core.handles(), core.counts().nativeObjectCount(), fd, flags, w);
            impl = w;
        }
    }

    /** What the event's operations do to what stands behind it, a timer or a watch. */
    private interface Backing {
        /** Adds it with {@code timeout} (null: none); false when libevent refused. */
        boolean add(Duration timeout);

        /** Makes it fire after this turn's callbacks. */
        void activate();

        /** Takes it out of the loop; it can be added again. */
        void remove();

        /** Takes it out of the loop for good. */
        void free();

        /** Runs the application's callbacks for a firing with {@code what}. */
        void run(short what);

        /** The event became pending ({@code true}) or stopped being so. */
        void pendingChanged(boolean pending);

        /** {@return whether the loop's close let it go without telling it} */
        boolean goneWithLoop();
    }

    /** A timer's node in the loop's heap; an inner class, so it reaches its event without a field of its own. */
    private final class Timer extends TimerNode implements Backing {
        /** The timeout it was last added with, for a persistent timer's next deadline; -1 for none. */
        long period = -1;

        @Override
        public boolean add(Duration timeout) {
            long nanos = Timers.nanos(timeout);
            period = nanos == Timers.NEVER ? -1 : nanos;
            if (!active) { // an activated timer fires this turn or the next all the same
                Timers timers = core.timers();
                timers.schedule(this, timers.after(nanos));
            }
            return true;
        }

        @Override
        public void activate() {
            core.timers().schedule(this, Timers.ACTIVE);
        }

        @Override
        public void remove() {
            core.timers().cancel(this);
        }

        @Override
        public void free() {
            core.timers().cancel(this);
        }

        @Override
        public void run(short what) {
            callback.run();
        }

        @Override
        public void pendingChanged(boolean pending) {
            // Counted by the heap it is in.
        }

        @Override
        public boolean goneWithLoop() {
            // A timer the loop's close found idle (made, never added) was never in the heap it let go.
            return core.timers().isClosed();
        }

        /**
         * The deadline passed (or it was activated). A persistent timer is scheduled again first,
         * as libevent does: a period after the deadline it had, so that an interval does not
         * drift, or after now when it has fallen behind or was activated by hand.
         */
        @Override
        protected void expired(long deadline) {
            if (persist && added) {
                Timers timers = core.timers();
                long next;
                if (period < 0) {
                    next = Timers.NEVER;
                } else {
                    long fromDeadline = deadline + period;
                    next = !active && fromDeadline > timers.now() ? fromDeadline : timers.after(period);
                }
                timers.schedule(this, next);
            }
            fire(EV_TIMEOUT);
        }

        @Override
        protected void released() {
            markFreed(); // the loop closed
        }
    }

    /** An fd watch's native event and its readiness callbacks. */
    private final class Watch implements NativeEvent.Target, Backing {
        final Runnable onRead;
        final Runnable onWrite;
        NativeEvent ev;

        Watch(Runnable onRead, Runnable onWrite) {
            this.onRead = onRead;
            this.onWrite = onWrite;
        }

        @Override
        public boolean add(Duration timeout) {
            return ev.add(core.scratch(), timeout);
        }

        @Override
        public void activate() {
            ev.activate(EV_TIMEOUT);
        }

        @Override
        public void remove() {
            ev.remove();
        }

        @Override
        public void free() {
            ev.free();
        }

        @Override
        public void run(short what) {
            if ((what & EV_TIMEOUT) != 0 && callback != null) {
                callback.run();
            }
            if ((what & EV_READ) != 0 && onRead != null && !freed) {
                onRead.run();
            }
            if ((what & EV_WRITE) != 0 && onWrite != null && !freed) {
                onWrite.run();
            }
        }

        @Override
        public void pendingChanged(boolean pending) {
            core.counts().pendingEvents(pending ? 1 : -1);
        }

        @Override
        public boolean goneWithLoop() {
            return false; // the loop's close released it, and it said so
        }

        @Override
        public void fired(short what) {
            fire(what);
        }

        @Override
        public void released() {
            markFreed(); // the loop closed and freed it
        }
    }

    /**
     * Adds the event (cl-async's {@code add-event}): it fires when its descriptor is ready or
     * after {@code timeout}, whichever comes first.
     *
     * @param timeout how long until it fires by timeout, or null for no timeout
     * @throws EventFreed if the event was freed
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws IllegalStateException if the watched descriptor cannot be watched any more (it was
     *         closed since {@code watchFd}); the event stays as it was, not added
     */
    public void add(Duration timeout) {
        if (timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        checkLive("add");
        if (!core.inLoop()) {
            hop(() -> add(timeout));
            return;
        }
        if (!addNow(timeout)) {
            // libevent refused (epoll_ctl failed): saying nothing would leave the caller waiting
            // for an event that never comes.
            throw new IllegalStateException("the event's descriptor cannot be watched: it was closed, or"
                    + " replaced by one of a kind epoll cannot wait on");
        }
        arms++;
    }

    /** Adds the event; false when libevent refused (a descriptor epoll cannot watch). */
    boolean addNow(Duration timeout) {
        if (!impl.add(timeout)) {
            return false;
        }
        setState(true, active);
        return true;
    }

    /**
     * Makes the event fire on the loop's next turn, whether or not it is added. Safe from any
     * thread; from another thread it returns at once, and an event freed before the loop gets to
     * it does not fire.
     *
     * @throws EventFreed if the event was already freed
     */
    public void activate() {
        checkLive("activate");
        if (!core.inLoop()) {
            try {
                core.runOrQueue(() -> {
                    if (!freed) { // freed before the loop got to it
                        activateNow();
                    }
                });
            } catch (LoopClosedException e) {
                throw freedError("activate");
            }
            return;
        }
        activateNow();
    }

    void activateNow() {
        arms++;
        impl.activate();
        setState(added, true);
    }

    /**
     * Removes the event from the loop without freeing it (cl-async's {@code remove-event}); it
     * can be added again.
     *
     * @return whether it was pending
     * @throws EventFreed if the event was freed
     */
    public boolean remove() {
        checkLive("remove");
        if (!core.inLoop()) {
            try {
                return core.call(this::remove);
            } catch (LoopClosedException e) {
                throw freedError("remove");
            }
        }
        boolean was = added || active;
        impl.remove();
        setState(false, false);
        return was;
    }

    /**
     * Frees the event (cl-async's {@code free-event}): it will not fire again. Idempotent, and
     * safe while it is pending or from inside its own callback.
     */
    public void free() {
        if (freed) {
            return;
        }
        if (!core.inLoop()) {
            core.runUnlessClosed(this::free);
            return;
        }
        freeNative();
    }

    private void freeNative() {
        if (freed) {
            return;
        }
        markFreed();
        impl.free();
    }

    private void markFreed() {
        freed = true;
        setState(false, false);
    }

    /** {@return whether the event was freed (cl-async's {@code event-freed-p}). Safe from any thread} */
    public boolean isFreed() {
        return freed || impl.goneWithLoop();
    }

    /** {@return whether the event is added or active} */
    public boolean isPending() {
        if (isFreed()) {
            return false;
        }
        if (!core.inLoop()) {
            try {
                return core.call(this::isPending);
            } catch (LoopClosedException e) {
                return false; // the loop freed it
            }
        }
        return added || active;
    }

    private void fire(short what) {
        if (freed) {
            return;
        }
        setState(persist && added, false);
        int armsBefore = arms;
        try {
            impl.run(what);
        } catch (Throwable t) {
            core.errors().callbackFailed(t, handler);
        }
        if (oneShot && !freed && arms == armsBefore) {
            freeNative();
        }
    }

    private void setState(boolean nowAdded, boolean nowActive) {
        boolean was = added || active;
        added = nowAdded;
        active = nowActive;
        boolean is = nowAdded || nowActive;
        if (was != is) {
            impl.pendingChanged(is);
        }
    }

    private void checkLive(String what) {
        if (isFreed()) {
            throw freedError(what);
        }
    }

    private EventFreed freedError(String what) {
        return new EventFreed("cannot " + what + " an event that was freed"
                + (core.isOpen() ? "" : ": its event loop is closed"));
    }

    /**
     * Carries a void call over to the loop from another thread ({@link LoopCore#run}); the call
     * re-enters its method there, which checks again that the event lives. On a closed loop the
     * event is freed, and says so.
     */
    private void hop(Runnable call) {
        try {
            core.run(call);
        } catch (LoopClosedException e) {
            throw freedError("use");
        }
    }

    /** Builds an event for {@link EventLoop}; loop thread only. */
    static Event timer(LoopCore core, Runnable cb, EventHandler handler, boolean persist, boolean oneShot) {
        Objects.requireNonNull(cb, "callback");
        return new Event(core, -1, persist ? NativeEvent.PERSIST : 0, cb, null, null, handler, oneShot);
    }

    @Override
    public String toString() {
        return "Event[" + (isFreed() ? "freed" : added || active ? "pending" : "idle") + "]";
    }
}
