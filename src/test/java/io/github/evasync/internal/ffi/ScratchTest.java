package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.timeval;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scratch allocator on its own: no loop, no libevent call. */
@Timeout(60)
class ScratchTest {
    /** Scratch's block size (private there): 64 KiB. */
    private static final long SIZE = 64 * 1024;

    @Test
    void resetToMarkGivesTheSameMemoryBack() {
        try (Arena arena = Arena.ofConfined()) {
            Scratch s = new Scratch(arena);
            assertEquals(0, s.mark());
            MemorySegment a = s.allocate(24, 8);
            assertEquals(24, a.byteSize());
            long m = s.mark();
            assertEquals(24, m);
            MemorySegment b = s.allocate(16, 8);
            MemorySegment c = s.allocate(8, 8);
            assertEquals(a.address() + 24, b.address());
            assertEquals(b.address() + 16, c.address());
            assertEquals(48, s.mark());
            s.reset(m);
            assertEquals(m, s.mark());
            MemorySegment again = s.allocate(16, 8);
            assertEquals(b.address(), again.address());
            s.reset(0);
            assertEquals(a.address(), s.allocate(1, 1).address());
        }
    }

    @Test
    void allocationsAreAligned() {
        try (Arena arena = Arena.ofConfined()) {
            Scratch s = new Scratch(arena);
            for (long align : new long[] {1, 2, 4, 8, 16}) {
                for (long pad = 1; pad < 16; pad++) {
                    long m = s.mark();
                    MemorySegment padding = s.allocate(pad, 1);
                    MemorySegment seg = s.allocate(8, align);
                    String what = "align " + align + " after " + pad + " bytes";
                    assertEquals(0, seg.address() % align, what);
                    assertEquals(8, seg.byteSize());
                    long gap = seg.address() - (padding.address() + pad);
                    assertTrue(gap >= 0 && gap < align, what + ": gap " + gap);
                    s.reset(m);
                }
            }
            MemorySegment first = s.allocate(3, 1);
            MemorySegment longs = s.allocate(ValueLayout.JAVA_LONG, 2);
            assertEquals(first.address() + 8, longs.address(), "padding only up to the next boundary");
            assertEquals(16, longs.byteSize());
        }
    }

    @Test
    void allocationsAreZeroFilledEvenWhenReused() {
        try (Arena arena = Arena.ofConfined()) {
            Scratch s = new Scratch(arena);
            long m = s.mark();
            MemorySegment dirty = s.allocate(256, 16);
            dirty.fill((byte) 0xA5);
            s.reset(m);
            MemorySegment clean = s.allocate(256, 16);
            assertEquals(dirty.address(), clean.address());
            for (long k = 0; k < clean.byteSize(); k++) {
                assertEquals(0, clean.get(ValueLayout.JAVA_BYTE, k), "byte " + k);
            }
        }
    }

    @Test
    void exhaustionThrowsAndLeavesStateIntact() {
        try (Arena arena = Arena.ofConfined()) {
            Scratch s = new Scratch(arena);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.allocate(SIZE + 1, 1));
            assertTrue(e.getMessage().contains("scratch space exhausted"), e.getMessage());
            assertTrue(e.getMessage().contains(String.valueOf(SIZE + 1)), e.getMessage());
            assertEquals(0, s.mark(), "a failed allocation takes nothing");

            MemorySegment most = s.allocate(SIZE - 8, 1);
            assertEquals(SIZE - 8, most.byteSize());
            long m = s.mark();
            e = assertThrows(IllegalStateException.class, () -> s.allocate(16, 8));
            assertTrue(e.getMessage().contains("16 bytes"), e.getMessage());
            assertEquals(m, s.mark());
            // Alignment padding counts too: 1 byte left after this, then an 8-aligned 1 byte fails.
            s.allocate(7, 1);
            assertThrows(IllegalStateException.class, () -> s.allocate(1, 8));
            assertEquals(SIZE - 1, s.mark());
            MemorySegment last = s.allocate(1, 1);
            assertEquals(most.address() + SIZE - 1, last.address());
            assertEquals(SIZE, s.mark());
            assertThrows(IllegalStateException.class, () -> s.allocate(1, 1));

            s.reset(0);
            MemorySegment whole = s.allocate(SIZE, 16);
            assertEquals(most.address(), whole.address(), "after a reset the whole block is free again");
        }
    }

    @Test
    void timevalOfNullIsNullAndTakesNothing() {
        try (Arena arena = Arena.ofConfined()) {
            Scratch s = new Scratch(arena);
            s.allocate(5, 1);
            assertSame(MemorySegment.NULL, s.timeval(null));
            assertEquals(5, s.mark());
        }
    }

    @Test
    void timevalHoldsSecondsAndMicroseconds() {
        try (Arena arena = Arena.ofConfined()) {
            Scratch s = new Scratch(arena);
            assertTimeval(s, Duration.ZERO, 0, 0);
            assertTimeval(s, Duration.ofMillis(1500), 1, 500_000);
            assertTimeval(s, Duration.ofSeconds(3, 250_000_999), 3, 250_000);
            assertTimeval(s, Duration.ofNanos(999), 0, 0);
            assertTimeval(s, Duration.ofNanos(1_000), 0, 1);
            assertTimeval(s, Duration.ofSeconds(59, 999_999_999), 59, 999_999);
            assertTimeval(s, Duration.ofHours(25).plusMillis(7), 90_000, 7_000);
            assertTimeval(s, Duration.ofDays(3650), 3650L * 86_400, 0);
        }
    }

    private static void assertTimeval(Scratch s, Duration d, long sec, long usec) {
        long m = s.mark();
        MemorySegment tv = s.timeval(d);
        assertEquals(timeval.layout().byteSize(), tv.byteSize());
        assertEquals(0, tv.address() % timeval.layout().byteAlignment(), "aligned for " + d);
        assertEquals(sec, timeval.tv_sec(tv), "tv_sec of " + d);
        assertEquals(usec, timeval.tv_usec(tv), "tv_usec of " + d);
        assertTrue(s.mark() > m, "the timeval comes from the scratch block");
        s.reset(m);
    }
}
