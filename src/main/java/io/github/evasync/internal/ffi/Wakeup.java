package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibEvent;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The descriptor a foreign thread writes to so the loop wakes from its poll: an eventfd on
 * Linux, a non-blocking socket pair elsewhere. We keep libevent's own threading off (no locks on
 * every event call) and wake it this way instead, as libuv's {@code uv_async_send} does.
 *
 * <p>{@link #signal()} may run on any thread and races with {@link #close()}; both hold the
 * object's lock, so a write never reaches a descriptor number that was closed and reused.
 */
public final class Wakeup implements AutoCloseable {
    private static final MemorySegment ONE = Arena.global().allocate(ValueLayout.JAVA_LONG);

    static {
        ONE.set(ValueLayout.JAVA_LONG, 0, 1L);
    }

    private final int readFd;
    private final int writeFd;
    private final long writeSize;
    private final MemorySegment drain;
    private boolean closed;

    /** Opens the descriptor(s); {@code arena} holds the loop-side drain buffer. */
    public Wakeup(Arena arena) {
        if (LibC.hasEventfd()) {
            int fd = LibC.eventfd();
            if (fd < 0) {
                throw new IllegalStateException("eventfd failed: cannot make the loop's wakeup descriptor");
            }
            readFd = fd;
            writeFd = fd;
            writeSize = 8;
        } else {
            MemorySegment pair = arena.allocate(ValueLayout.JAVA_INT, 2);
            if (LibEvent.evutil_socketpair(LibEvent.AF_UNIX(), LibEvent.SOCK_STREAM(), 0, pair) != 0) {
                throw new IllegalStateException("socketpair failed: cannot make the loop's wakeup descriptor");
            }
            readFd = pair.getAtIndex(ValueLayout.JAVA_INT, 0);
            writeFd = pair.getAtIndex(ValueLayout.JAVA_INT, 1);
            LibEvent.evutil_make_socket_nonblocking(readFd);
            LibEvent.evutil_make_socket_nonblocking(writeFd);
            writeSize = 1;
        }
        drain = arena.allocate(64);
    }

    /** The descriptor the loop watches for reads. */
    public int readFd() {
        return readFd;
    }

    /** Wakes the loop; safe from any thread, a no-op once closed. */
    public synchronized void signal() {
        if (!closed) {
            LibC.write(writeFd, ONE, writeSize);
        }
    }

    /** Empties the descriptor, on the loop thread, after a wakeup was seen. */
    public void drain() {
        while (LibC.read(readFd, drain, drain.byteSize()) > 0 && writeSize == 1) {
            // A socket pair may hold several wakeup bytes; an eventfd read takes the whole count.
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LibC.close(readFd);
        if (writeFd != readFd) {
            LibC.close(writeFd);
        }
    }
}
