package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibEvent;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;

/**
 * A libevent {@code struct event}: a timer, an fd watch or a signal watch. Made with
 * {@code event_new}, freed once with {@code event_free}; its callback goes to a {@link Target}.
 * Loop thread only.
 */
public final class NativeEvent extends NativeOwner {
    /** The timeout passed (or the event was activated by hand). */
    public static final short TIMEOUT = (short) LibEvent.EV_TIMEOUT();
    /** The fd is readable. */
    public static final short READ = (short) LibEvent.EV_READ();
    /** The fd is writable. */
    public static final short WRITE = (short) LibEvent.EV_WRITE();
    /** A signal watch: the "fd" is a signal number. */
    public static final short SIGNAL = (short) LibEvent.EV_SIGNAL();
    /** The event stays added after it fires. */
    public static final short PERSIST = (short) LibEvent.EV_PERSIST();

    /** What an event reports to. */
    public interface Target {
        /** The event fired with {@code what} (TIMEOUT, READ, WRITE, SIGNAL bits). */
        void fired(short what);

        /** The loop closed and freed the event; must not call into application code. */
        default void released() {
        }
    }

    private final Target target;
    private MemorySegment ev;

    /**
     * Makes the event on {@code base}.
     *
     * @param fd the descriptor, the signal number with {@link #SIGNAL}, or -1 for a timer
     * @param flags a mix of {@link #READ}, {@link #WRITE}, {@link #SIGNAL}, {@link #PERSIST}
     * @throws IllegalStateException when libevent refuses
     */
    public NativeEvent(EventBase base, HandleTable handles, IntConsumer count, int fd, short flags,
                       Target target) {
        super(handles, count);
        this.target = target;
        // A class, not a lambda (see NativeOwner.open()).
        open(new LongConsumer() {
            @Override
            public void accept(long h) {
                // Stored before anything else is called, so that abandon() frees it if the check
                // below is cut short.
                ev = LibEvent.event_new(base.pointer(), fd, flags, Upcalls.Events.CALLBACK, Upcalls.arg(h));
                if (ev.equals(MemorySegment.NULL)) {
                    ev = null;
                    throw new IllegalStateException("event_new failed" + (fd >= 0 ? " for fd " + fd : ""));
                }
            }
        });
    }

    @Override
    protected void abandon() {
        if (ev != null) {
            LibEvent.event_free(ev);
            ev = null;
        }
    }

    /** Adds the event with {@code timeout} (null: none); false when libevent refused. */
    public boolean add(Scratch scratch, Duration timeout) {
        long mark = scratch.mark();
        try {
            return LibEvent.event_add(ev, scratch.timeval(timeout)) == 0;
        } finally {
            scratch.reset(mark);
        }
    }

    /** Adds the event with no timeout; false when libevent refused. */
    public boolean add() {
        return LibEvent.event_add(ev, MemorySegment.NULL) == 0;
    }

    /** Takes the event out of the loop (it stays allocated). */
    public void remove() {
        LibEvent.event_del(ev);
    }

    /** Makes the event fire on the loop's next turn, with {@code what}. */
    public void activate(short what) {
        LibEvent.event_active(ev, what, (short) 0);
    }

    @Override
    public void onEvent(Object ignored, int fd, short what) {
        if (!isFreed()) {
            target.fired(what);
        }
    }

    @Override
    protected void freeNative() {
        // event_free deletes a pending event first; freeing inside the event's own callback is
        // safe because libevent does not touch the event after the callback returns.
        LibEvent.event_free(ev);
        ev = null;
    }

    @Override
    protected void released() {
        target.released();
    }
}
