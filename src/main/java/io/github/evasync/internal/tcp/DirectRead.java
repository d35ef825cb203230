package io.github.evasync.internal.tcp;

import io.github.evasync.internal.ffi.ReadBuffer;
import io.github.evasync.internal.ffi.ReadEvent;
import io.github.evasync.internal.loop.LoopCore;

import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Reading a connected socket with an event of our own instead of through its bufferevent.
 * libevent 2.1's bufferevent asks the kernel how much is waiting (a FIONREAD ioctl) before every
 * read and then reads at most 4 KiB per wakeup; this reads up to 64 KiB with one {@code recv},
 * straight into the loop's heap buffer for a {@code byte[]} callback, or into the loop's native
 * {@link ReadBuffer} for a zero-copy one, whose callback gets a view of it valid for the call.
 * The input stream reads the bufferevent's input buffer, so a socket with one keeps libevent's
 * reading. The event is persistent; its timeout, restarted by each read, is the socket's read
 * timeout. It exists only while the socket is read: a server holding many sockets it has
 * stopped reading (cl-async's delayed response) keeps no event for them.
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
    /** The loop's native buffer, once this socket has read into it (zero-copy callbacks only). */
    private ReadBuffer buffer;

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
     * longer touches a persistent event once its callback runs). A view this socket's callback
     * holds ends too, as one of libevent's buffer does when the socket is disabled or closed.
     */
    void disable() {
        endView();
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

    /**
     * One {@code recv} into the loop's native buffer, for a zero-copy callback; as {@link #recv()}
     * otherwise. The buffer is made with the loop's first such read and kept as the loop's
     * attachment, which the loop frees as it closes: nothing reads after that, since reads happen
     * only in the turns of a running loop.
     */
    long recvNative() {
        ReadBuffer b = buffer;
        if (b == null) {
            b = core.attachment(ReadBuffer.class);
            if (b == null) {
                b = new ReadBuffer();
                core.attach(ReadBuffer.class, b);
            }
            buffer = b;
        }
        return b.recv(core.scratch(), fd);
    }

    /** {@return a read-only view of the {@code n} bytes {@link #recvNative} read}, valid until {@link #endView} */
    ByteBuffer view(long n) {
        return buffer.view(n, this);
    }

    /** Ends the view this socket's callback holds, if it holds one. */
    void endView() {
        ReadBuffer b = buffer;
        if (b != null) {
            b.endView(this);
        }
    }
}
