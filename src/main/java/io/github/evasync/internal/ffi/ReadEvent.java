package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibEvent;

import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * A persistent read event on a socket that another owner (the connection) answers for: its
 * callback carries that owner's handle, so it takes no table slot and no count of its own, and it
 * lives only while the socket is read. Together with {@link #recv} it is the connection's own
 * read path: one {@code recv} per wakeup into a Java array, or into the loop's {@link ReadBuffer}
 * for a zero-copy callback. Loop thread only.
 */
public final class ReadEvent {
    /** {@link #recv} found nothing waiting. */
    public static final long NOTHING = Long.MIN_VALUE;
    private static final short READ_PERSIST = (short) (LibEvent.EV_READ() | LibEvent.EV_PERSIST());
    private static final int EAGAIN = LibEvent.EAGAIN();
    private static final int EINTR = LibEvent.EINTR();

    private MemorySegment event;

    /**
     * Makes the event for {@code fd}; its callbacks reach the owner registered as {@code handle}.
     *
     * @throws IllegalStateException when libevent refuses
     */
    public ReadEvent(EventBase base, int fd, long handle) {
        MemorySegment e = LibEvent.event_new(base.pointer(), fd, READ_PERSIST, Upcalls.Events.CALLBACK, Upcalls.arg(handle));
        if (e.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("event_new failed for a socket's read event");
        }
        event = e;
    }

    /** Adds (or re-adds, restarting the timeout) the event; {@code timeout} null for none. */
    public void add(Scratch scratch, Duration timeout) {
        long mark = scratch.mark();
        try {
            LibEvent.event_add(event, scratch.timeval(timeout));
        } finally {
            scratch.reset(mark);
        }
    }

    /**
     * Frees the event, once; safe inside its own callback (libevent no longer touches a
     * persistent event once its callback runs).
     */
    public void free() {
        MemorySegment e = event;
        if (e != null) {
            event = null;
            LibEvent.event_free(e);
        }
    }

    /**
     * One {@code recv} on {@code fd} into {@code buf}: the count read, 0 at end of stream,
     * {@link #NOTHING} when nothing is waiting, or minus errno.
     */
    public static long recv(Scratch scratch, int fd, byte[] buf) {
        return recv(scratch, fd, MemorySegment.ofArray(buf));
    }

    /** {@link #recv(Scratch, int, byte[])} into a segment, heap or native ({@link ReadBuffer}'s). */
    static long recv(Scratch scratch, int fd, MemorySegment into) {
        long mark = scratch.mark();
        try {
            MemorySegment state = scratch.allocate(FastCalls.captureStateSize(), 8);
            long n = FastCalls.recv(state, fd, into, into.byteSize());
            if (n >= 0) {
                return n;
            }
            int errno = FastCalls.errno(state);
            return errno == EAGAIN || errno == EINTR ? NOTHING : -errno;
        } finally {
            scratch.reset(mark);
        }
    }
}
