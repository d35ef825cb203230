package io.github.evasync.internal.tcp;

import io.github.evasync.internal.ffi.ReadEvent;
import io.github.evasync.internal.loop.LoopCore;

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
    /** {@link #recv} found nothing waiting. */
    static final long NOTHING = ReadEvent.NOTHING;

    private final LoopCore core;
    private final int fd;
    private final long handle;
    /** The event while reading; null while not, so a socket nobody reads holds no event. */
    private ReadEvent event;
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
            event = new ReadEvent(core.eventBase(), fd, handle);
        }
        event.add(core.scratch(), timeout);
    }

    /**
     * Stops reading and frees the event; safe inside the event's own callback (libevent no
     * longer touches a persistent event once its callback runs).
     */
    void disable() {
        ReadEvent e = event;
        if (e != null) {
            event = null;
            e.free();
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
        return ReadEvent.recv(core.scratch(), fd, core.readAheadBuffer());
    }
}
