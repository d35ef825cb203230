package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibEvent;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A loop's {@code event_base} and what lives and dies with it: the confined arena of the loop's
 * native memory (its {@link Scratch} and the {@link Wakeup}'s buffer) and the wake event, which
 * watches the {@link Wakeup} descriptor and runs the loop's task queue. Loop thread only, except
 * {@link #wake()}.
 *
 * <p>Not a {@link NativeOwner}: the base must outlive every object the loop's table frees when
 * the loop closes, and the table frees its owners all together ({@link HandleTable#releaseAll}).
 * So the wake event is registered with this as its callbacks, {@link #release} leaves it alone,
 * and {@link #free()} frees the event, the descriptor and the base once, after everything else.
 * Nothing is counted: the loop's stats leave the wake event out.
 */
public final class EventBase implements NativeCallbacks {
    private static final short TIMEOUT = (short) LibEvent.EV_TIMEOUT();
    private static final short READ = (short) LibEvent.EV_READ();
    private static final int ACTIVE = LibEvent.EVENT_BASE_COUNT_ACTIVE();
    private static final int COUNT_ALL = LibEvent.EVENT_BASE_COUNT_ADDED() | LibEvent.EVENT_BASE_COUNT_ACTIVE()
            | LibEvent.EVENT_BASE_COUNT_VIRTUAL();

    private final Arena arena;
    private final Runnable onWake;
    private MemorySegment base;
    private Scratch scratch;
    private Wakeup wakeup;
    private MemorySegment wakeEvent;
    private boolean freed;

    /**
     * Makes the base and adds its wake event, registered in {@code handles}; on failure whatever
     * was made is freed before the exception goes on.
     *
     * @param onWake runs on the loop thread each time the wake event fires, after the descriptor
     *               was drained
     * @throws IllegalStateException when libevent cannot make a base
     */
    public EventBase(HandleTable handles, Runnable onWake) {
        this.onWake = onWake;
        arena = Arena.ofConfined();
        try {
            base = LibEvent.event_base_new();
            if (base.equals(MemorySegment.NULL)) {
                base = null;
                throw new IllegalStateException("event_base_new failed: libevent could not make an event base");
            }
            scratch = new Scratch(arena);
            wakeup = new Wakeup(arena);
            long h = handles.register(this, this);
            wakeEvent = LibEvent.event_new(base, wakeup.readFd(), (short) (READ | LibEvent.EV_PERSIST()),
                    Upcalls.Events.CALLBACK, Upcalls.arg(h));
            LibEvent.event_add(wakeEvent, MemorySegment.NULL);
        } catch (RuntimeException | Error e) {
            free();
            throw e;
        }
    }

    /** The pointer, for the owners in this package and {@link RawPointers}. */
    MemorySegment pointer() {
        return base;
    }

    /** {@return the loop's scratch allocator} */
    public Scratch scratch() {
        return scratch;
    }

    /**
     * Runs one turn: waits for events and runs their callbacks ({@code EVLOOP_ONCE}).
     *
     * @throws IllegalStateException when libevent reports a failure
     */
    public void runOnce() {
        if (LibEvent.event_base_loop(base, LibEvent.EVLOOP_ONCE()) < 0) {
            throw new IllegalStateException("event_base_loop failed");
        }
    }

    /**
     * Runs, in one pass that does not wait, the callbacks libevent has ready: the deferred frees
     * of a resolver's failed requests, as the loop closes. The wake event goes first: a wakeup
     * written as the loop stopped is never drained, and such a pass runs for as long as some
     * event is active, so the readable descriptor would keep it going for ever.
     */
    public void runReadyCallbacks() {
        if (wakeEvent != null) {
            LibEvent.event_del(wakeEvent);
        }
        LibEvent.event_base_loop(base, LibEvent.EVLOOP_NONBLOCK());
    }

    /** Makes the running turn return once its callbacks are done; a no-op once freed. */
    public void breakLoop() {
        if (!freed) {
            LibEvent.event_base_loopbreak(base);
        }
    }

    /** {@return the events added, active or virtual, the wake event included} */
    public int eventCount() {
        return LibEvent.event_base_get_num_events(base, COUNT_ALL);
    }

    /**
     * {@return the events active now, waiting for their callbacks} Inside a callback, a count
     * above zero means the turn goes on after it; zero means it ends once the callback returns
     * ({@code EVLOOP_ONCE} stops when no callback is left to run).
     */
    public int activeCount() {
        return LibEvent.event_base_get_num_events(base, ACTIVE);
    }

    /** Makes the wake event fire on this turn or the next, from the loop thread itself. */
    public void wakeOnLoop() {
        LibEvent.event_active(wakeEvent, TIMEOUT, (short) 0);
    }

    /** Wakes the loop from its poll; safe from any thread, a no-op once freed. */
    public void wake() {
        wakeup.signal();
    }

    /** {@return libevent's listing of the base's events} */
    public String dump() {
        MemorySegment b = base;
        return LibC.captureFile(file -> LibEvent.event_base_dump_events(b, file));
    }

    @Override
    public void onEvent(Object ignored, int fd, short what) {
        if ((what & READ) != 0) {
            wakeup.drain();
        }
        onWake.run();
    }

    @Override
    public void release(Object target) {
        // The wake event outlives the objects the table releases; free() frees it last.
    }

    /** Frees the wake event, the wakeup descriptor, the base and the arena; once. */
    public void free() {
        if (freed) {
            return;
        }
        freed = true;
        if (wakeEvent != null) {
            LibEvent.event_free(wakeEvent);
            wakeEvent = null;
        }
        if (wakeup != null) {
            wakeup.close();
        }
        if (base != null) {
            LibEvent.event_base_free(base);
            base = null;
        }
        arena.close();
    }
}
