package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.timeval;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.time.Duration;

/**
 * The loop's bump allocator for short-lived native memory: a timeval for one {@code event_add},
 * a sockaddr for one connect. Loop thread only. Callers take a {@link #mark()}, allocate, and
 * {@link #reset(long)} when the native call returns, so nothing per event reaches a long-lived
 * arena (DESIGN.md, mechanism 5). A request larger than what is left of the block fails: our
 * paths allocate tens of bytes at a time.
 */
public final class Scratch implements SegmentAllocator {
    private static final long SIZE = 64 * 1024;

    private final MemorySegment block;
    private long top;

    /** A scratch block owned by {@code arena}. */
    public Scratch(Arena arena) {
        block = arena.allocate(SIZE, 16);
    }

    /** The current top, to pass to {@link #reset(long)}. */
    public long mark() {
        return top;
    }

    /** Frees everything allocated since {@code mark}. */
    public void reset(long mark) {
        top = mark;
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        if (byteSize < 0 || byteAlignment <= 0 || (byteAlignment & (byteAlignment - 1)) != 0) {
            throw new IllegalArgumentException("byteSize must be >= 0 and byteAlignment a power of two: "
                    + byteSize + ", " + byteAlignment);
        }
        // Aligned on the address, not the offset: the block itself is only 16-aligned.
        long base = block.address();
        long start = ((base + top + byteAlignment - 1) & -byteAlignment) - base;
        if (start > SIZE || byteSize > SIZE - start) {
            throw new IllegalStateException("scratch space exhausted: " + byteSize + " bytes requested");
        }
        top = start + byteSize;
        return block.asSlice(start, byteSize).fill((byte) 0);
    }

    /**
     * A {@code struct timeval} holding {@code d} (microseconds), for one libevent call.
     *
     * @param d the time, or null
     * @return the timeval, or NULL when {@code d} is null (libevent's "no timeout")
     */
    public MemorySegment timeval(Duration d) {
        if (d == null) {
            return MemorySegment.NULL;
        }
        d = clamp(d);
        MemorySegment tv = allocate(timeval.layout());
        timeval.tv_sec(tv, d.getSeconds());
        timeval.tv_usec(tv, d.getNano() / 1000);
        return tv;
    }

    /**
     * The longest wait evasync hands to libevent or keeps as a deadline: 100 years, which is
     * "never" in practice. libevent adds a timeout to the current time in a {@code time_t} and a
     * deadline in nanoseconds holds 292 years, so a longer one would overflow and fire at once.
     */
    public static final Duration MAX_WAIT = Duration.ofDays(36_500);

    /** {@code d}, or {@link #MAX_WAIT} when it is longer. */
    public static Duration clamp(Duration d) {
        return d.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : d;
    }
}
