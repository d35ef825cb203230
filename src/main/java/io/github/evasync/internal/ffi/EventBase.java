package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibEvent;
import io.github.evasync.internal.libevent.timeval;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A loop's {@code event_base} and what lives and dies with it: the confined arena of the loop's
 * native memory (its {@link Scratch} and the {@link Wakeup}'s buffer), the wake event, which
 * watches the {@link Wakeup} descriptor and runs the loop's task queue, and the alarm, the one
 * libevent timer behind the loop's Java-side timers. Loop thread only, except
 * {@link #wake()}.
 *
 * <p>Not a {@link NativeOwner}: the base must outlive every object the loop's table frees when
 * the loop closes, and the table frees its owners all together ({@link HandleTable#releaseAll}).
 * So the wake event is registered with this as its callbacks, {@link #release} leaves it alone,
 * and {@link #free()} frees the event, the descriptor and the base once, after everything else.
 * Nothing is counted: the loop's stats leave the wake event and the alarm out.
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
    /** The one libevent timer behind all of the loop's timers (see {@link #armAlarm}). */
    private MemorySegment alarm;
    private MemorySegment alarmTime;
    private boolean alarmArmed;
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
            checkDescriptorsFree();
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
            // fd -1 tells the alarm from the wake event in onEvent.
            alarm = LibEvent.event_new(base, -1, (short) 0, Upcalls.Events.CALLBACK, Upcalls.arg(h));
            alarmTime = arena.allocate(timeval.layout());
        } catch (RuntimeException | Error e) {
            free();
            throw e;
        }
    }

    /**
     * The descriptors {@code event_base_new} opens: the epoll instance and the signal socketpair.
     * libevent calls {@code exit(1)} when it cannot make that socketpair, ending the JVM with no
     * exception; so a base is made only when that many descriptors are free.
     */
    private static final int BASE_DESCRIPTORS = 3;

    private static void checkDescriptorsFree() {
        if (!LibC.hasEventfd()) {
            return; // no cheap descriptor to probe with; Linux always has eventfd
        }
        int[] fds = new int[BASE_DESCRIPTORS];
        int made = 0;
        try {
            while (made < fds.length) {
                int fd = LibC.eventfd();
                if (fd < 0) {
                    throw new IllegalStateException("out of file descriptors: an event loop needs "
                            + (BASE_DESCRIPTORS + 1) + " (libevent's base and the loop's wakeup); close some or raise"
                            + " the limit (ulimit -n)");
                }
                fds[made++] = fd;
            }
        } finally {
            for (int i = 0; i < made; i++) {
                LibC.close(fds[i]);
            }
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
     * Runs one turn that does not wait: one poll, and the callbacks of whatever it found ready
     * ({@code EVLOOP_ONCE | EVLOOP_NONBLOCK}), for a turn with a timer already due. Not
     * {@code EVLOOP_NONBLOCK} alone: that goes on polling until a poll finds nothing, which on a
     * busy server (or with an fd watch that is always ready) is never, and the due timer waits.
     *
     * @throws IllegalStateException when libevent reports a failure
     */
    public void runReady() {
        if (LibEvent.event_base_loop(base, LibEvent.EVLOOP_ONCE() | LibEvent.EVLOOP_NONBLOCK()) < 0) {
            throw new IllegalStateException("event_base_loop failed");
        }
    }

    /**
     * Arms the alarm, the one libevent timer that stands for all of the loop's timers (which
     * live in a heap on the Java side), to end the next wait after {@code nanos}; re-arming moves
     * it. Its callback does nothing but say it fired: the loop runs the due timers itself, once
     * the turn returns.
     *
     * @param nanos how long from now; rounded up to whole microseconds, libevent's unit, so that
     *              it does not fire before the deadline it stands for
     * @return false when libevent could not add it (out of memory): not armed, so the next turn tries again
     */
    public boolean armAlarm(long nanos) {
        long micros = (nanos + 999) / 1000;
        timeval.tv_sec(alarmTime, micros / 1_000_000);
        timeval.tv_usec(alarmTime, micros % 1_000_000);
        alarmArmed = LibEvent.event_add(alarm, alarmTime) == 0;
        return alarmArmed;
    }

    /** {@return whether the alarm is armed and has not fired yet} */
    public boolean alarmArmed() {
        return alarmArmed;
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
        if (alarm != null) {
            LibEvent.event_del(alarm);
            alarmArmed = false;
        }
        LibEvent.event_base_loop(base, LibEvent.EVLOOP_NONBLOCK());
    }

    /** Makes the running turn return once its callbacks are done; a no-op once freed. */
    public void breakLoop() {
        if (!freed) {
            LibEvent.event_base_loopbreak(base);
        }
    }

    /** {@return the events added, active or virtual, the wake event included and the alarm not} */
    public int eventCount() {
        return LibEvent.event_base_get_num_events(base, COUNT_ALL) - (alarmArmed ? 1 : 0);
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
        if (fd < 0) {
            alarmArmed = false; // the alarm; its timers run once the turn returns
            return;
        }
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
        if (alarm != null) {
            LibEvent.event_free(alarm);
            alarm = null;
            alarmArmed = false;
        }
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
