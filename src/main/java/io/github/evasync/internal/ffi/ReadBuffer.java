package io.github.evasync.internal.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A loop's native buffer for zero-copy reads: sockets read through {@code ReadCallback.ofBuffer}
 * {@code recv} into it, one at a time, and their callback is handed a read-only view of the bytes
 * read. Made with the loop's first such read, kept as a loop attachment, and freed when the loop
 * closes its attachments ({@link #close}), after its sockets and before its base.
 *
 * <p>The view lives in a confined arena of its own, one per read, closed when the callback
 * returns: from then on touching it throws {@link IllegalStateException} (on another thread,
 * always {@link WrongThreadException}), rather than show the bytes of a later read. A confined
 * arena's close is a field write; a shared one's would stop every thread at a safepoint, on
 * every read. At most one view is out at a time: each {@link #recv} and {@link #view} ends the
 * last one first, so the bytes under a live view are never overwritten. Loop thread only.
 */
public final class ReadBuffer implements AutoCloseable {
    /** The most one {@link #recv} reads: as much as the byte-array path's heap buffer. */
    public static final int SIZE = 64 * 1024;

    private final Arena arena;
    private final MemorySegment bytes;
    /** The arena of the view a callback holds, while it runs; null otherwise. */
    private Arena view;
    /** Who holds {@link #view} (the reading socket's own object), so that only its disable or close ends it early. */
    private Object holder;
    private boolean freed;

    /** Allocates the buffer, in a confined arena of the calling (loop) thread. */
    public ReadBuffer() {
        arena = Arena.ofConfined();
        bytes = arena.allocate(SIZE, 64);
    }

    /**
     * One {@code recv} on {@code fd} into the buffer, once any view out has ended: the count
     * read, 0 at end of stream, {@link ReadEvent#NOTHING} when nothing is waiting, or minus errno.
     *
     * @throws IllegalStateException once freed
     */
    public long recv(Scratch scratch, int fd) {
        checkOpen();
        endView();
        return ReadEvent.recv(scratch, fd, bytes);
    }

    /**
     * {@return a read-only view of the first {@code n} bytes the last {@link #recv} put here},
     * valid until {@link #endView} (or the next {@code recv} or {@code view}).
     *
     * @param holder who the view is for, as {@link #endView(Object)} will name it
     */
    public ByteBuffer view(long n, Object holder) {
        checkOpen();
        endView();
        Arena v = Arena.ofConfined();
        view = v;
        this.holder = holder;
        return bytes.reinterpret(n, v, null).asByteBuffer().asReadOnlyBuffer();
    }

    /** Ends the view out, if {@code holder} holds it: a socket's disable or close ends its own view, not another's. */
    public void endView(Object holder) {
        if (view != null && this.holder == holder) {
            endView();
        }
    }

    /** Ends the view out, if any: touching it throws from now on. */
    public void endView() {
        Arena v = view;
        if (v != null) {
            // Closed before it is forgotten: were the close cut short (a stack overflow), the next
            // recv would close it again rather than write under a live view.
            if (v.scope().isAlive()) {
                v.close();
            }
            view = null;
            holder = null;
        }
    }

    /** {@link #free()}: the loop closes its attachments so as it frees its native part. */
    @Override
    public void close() {
        free();
    }

    /** Frees the memory, ending any view first; once. */
    public void free() {
        if (!freed) {
            freed = true;
            endView();
            arena.close();
        }
    }

    private void checkOpen() {
        if (freed) {
            // The view below would otherwise point into freed memory: its arena is not the buffer's.
            throw new IllegalStateException("the loop's read buffer was freed: the loop has closed");
        }
    }
}
