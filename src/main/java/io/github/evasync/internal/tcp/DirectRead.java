package io.github.evasync.internal.tcp;

import io.github.evasync.internal.ffi.FastCalls;
import io.github.evasync.internal.ffi.Scratch;
import io.github.evasync.internal.ffi.Upcalls;
import io.github.evasync.internal.libevent.LibEvent;
import io.github.evasync.internal.loop.LoopCore;

import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * Reading a connected socket with an event of our own instead of through its bufferevent.
 * libevent 2.1's bufferevent asks the kernel how much is waiting (a FIONREAD ioctl) before every
 * read and then reads at most 4 KiB per wakeup; this reads up to 64 KiB with one {@code recv},
 * straight into the loop's heap buffer. Only for sockets whose data goes to a {@code byte[]}
 * callback: the zero-copy view and the input stream read the bufferevent's input buffer, so
 * those keep libevent's reading. The event is persistent; its timeout, restarted by each read,
 * is the socket's read timeout. It exists only while the socket is read: a server holding many
 * sockets it has stopped reading (cl-async's delayed response) keeps no event for them.
 */
final class DirectRead {
    private static final short EV_READ = (short) LibEvent.EV_READ();
    private static final short EV_PERSIST = (short) LibEvent.EV_PERSIST();
    /** {@link #recv} found nothing waiting. */
    static final long NOTHING = Long.MIN_VALUE;

    private final LoopCore core;
    private final int fd;
    private final long handle;
    /** The event while reading; null while not, so a socket nobody reads holds no event. */
    private MemorySegment event;
    private Duration timeout;

    /** Reading of {@code fd} whose callbacks reach the connection registered as {@code handle}. */
    DirectRead(LoopCore core, int fd, long handle, boolean wanted, Duration timeout) {
        this.core = core;
        this.fd = fd;
        this.handle = handle;
        this.timeout = timeout;
        if (wanted) {
            enable();
        }
    }

    /** {@return whether the socket is being read} */
    boolean wanted() {
        return event != null;
    }

    /** Starts reading, or restarts the timeout if reading already. */
    void enable() {
        if (event == null) {
            MemorySegment e = LibEvent.event_new(core.base(), fd, (short) (EV_READ | EV_PERSIST),
                    Upcalls.EVENT_CALLBACK, Upcalls.arg(handle));
            if (e.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("event_new failed for a socket's read event");
            }
            event = e;
        }
        Scratch s = core.scratch();
        long mark = s.mark();
        try {
            LibEvent.event_add(event, s.timeval(timeout));
        } finally {
            s.reset(mark);
        }
    }

    /**
     * Stops reading and frees the event; safe inside the event's own callback (libevent no
     * longer touches a persistent event once its callback runs).
     */
    void disable() {
        MemorySegment e = event;
        if (e != null) {
            event = null;
            LibEvent.event_free(e);
        }
    }

    /** Sets the read timeout (null for none), from now if reading. */
    void timeout(Duration t) {
        timeout = t;
        if (event != null) {
            enable();
        }
    }

    /**
     * One {@code recv} into the loop's read buffer ({@link LoopCore#readAheadBuffer()}): the
     * count read, 0 at end of stream, {@link #NOTHING} when nothing is waiting, or minus errno.
     */
    long recv() {
        byte[] buf = core.readAheadBuffer();
        Scratch s = core.scratch();
        long mark = s.mark();
        try {
            MemorySegment state = s.allocate(FastCalls.captureStateSize(), 8);
            long n = FastCalls.recv(state, fd, MemorySegment.ofArray(buf), buf.length);
            if (n >= 0) {
                return n;
            }
            int errno = FastCalls.errno(state);
            return errno == LibEvent.EAGAIN() || errno == LibEvent.EINTR() ? NOTHING : -errno;
        } finally {
            s.reset(mark);
        }
    }
}
