package io.github.evasync.internal.ffi;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The handle table on its own: no loop, no libevent. */
@Timeout(60)
class HandleTableTest {
    private static final int SLOT_BITS = 24;
    private static final long GEN_MASK = (1L << 24) - 1;

    /** A sink that no upcall ever reaches here. */
    private static final LoopSink SINK = new LoopSink() {
        @Override
        public boolean stopping() {
            return false;
        }

        @Override
        public void escaped(Throwable t) {
            throw new AssertionError("nothing should escape in a table test", t);
        }
    };

    /** A kind that counts how often each target is released. */
    private static final class CountingKind implements NativeCallbacks {
        final Map<Object, Integer> released = new IdentityHashMap<>();

        @Override
        public void release(Object target) {
            released.merge(target, 1, Integer::sum);
        }
    }

    private final List<HandleTable> tables = new ArrayList<>();

    private HandleTable newTable() {
        HandleTable t = new HandleTable(SINK);
        tables.add(t);
        return t;
    }

    @AfterEach
    void closeTables() {
        tables.forEach(HandleTable::close);
    }

    private static long generation(long handle) {
        return (handle >>> SLOT_BITS) & GEN_MASK;
    }

    private static int slotIndex(long handle) {
        return (int) (handle & ((1 << SLOT_BITS) - 1));
    }

    @Test
    void registerResolvesToTargetAndKind() {
        HandleTable t = newTable();
        assertSame(SINK, t.sink());
        CountingKind kind = new CountingKind();
        Object a = new Object();
        Object b = new Object();
        long ha = t.register(a, kind);
        long hb = t.register(b, kind);
        assertNotEquals(0L, ha);
        assertNotEquals(0L, hb);
        assertNotEquals(ha, hb);
        assertEquals(2, t.live());
        int sa = t.slot(ha);
        int sb = t.slot(hb);
        assertTrue(sa >= 0 && sb >= 0 && sa != sb, sa + " " + sb);
        assertSame(a, t.targetAt(sa));
        assertSame(b, t.targetAt(sb));
        assertSame(kind, t.kindAt(sa));
        assertSame(kind, t.kindAt(sb));
        assertEquals(1, generation(ha), "generations start at 1");
    }

    @Test
    void releasedHandleIsStaleAndSecondReleaseIsNoOp() {
        HandleTable t = newTable();
        CountingKind kind = new CountingKind();
        Object a = new Object();
        Object b = new Object();
        long ha = t.register(a, kind);
        long hb = t.register(b, kind);
        t.release(ha);
        assertEquals(-1, t.slot(ha));
        assertEquals(1, t.live());
        t.release(ha);
        assertEquals(1, t.live(), "a second release must not count again");
        assertEquals(-1, t.slot(ha));
        assertSame(b, t.targetAt(t.slot(hb)), "the other handle is untouched");
        t.release(hb);
        assertEquals(0, t.live());
        assertEquals(-1, t.slot(hb));
        assertTrue(kind.released.isEmpty(), "release(handle) is not the kind's release");
    }

    @Test
    void handlesNeverIssuedAreRejected() {
        HandleTable t = newTable();
        long h = t.register(new Object(), new CountingKind());
        assertEquals(-1, t.slot(h + 1), "a slot past the last one used");
        assertEquals(-1, t.slot(h + (1L << SLOT_BITS)), "a generation not issued yet");
        assertEquals(-1, t.slot(0L));
        t.release(h + 1);
        t.release(0L);
        assertEquals(1, t.live());
        assertTrue(t.slot(h) >= 0);
    }

    @Test
    void reusedSlotGetsNewGenerationAndOldHandleStaysStale() {
        HandleTable t = newTable();
        CountingKind kind = new CountingKind();
        Object first = new Object();
        Object second = new Object();
        long old = t.register(first, kind);
        t.release(old);
        long fresh = t.register(second, kind);
        assertEquals(slotIndex(old), slotIndex(fresh), "the freed slot is reused");
        assertEquals(generation(old) + 1, generation(fresh));
        assertNotEquals(old, fresh);
        assertEquals(-1, t.slot(old), "the old handle must not reach the new tenant");
        assertSame(second, t.targetAt(t.slot(fresh)));
        t.release(old);
        assertEquals(1, t.live(), "releasing the stale handle must not release the new tenant");
        assertSame(second, t.targetAt(t.slot(fresh)));
    }

    @Test
    void generationWrapsAroundWithoutZero() {
        HandleTable t = newTable();
        CountingKind kind = new CountingKind();
        Object target = new Object();
        long first = t.register(target, kind);
        int slot = slotIndex(first);
        long previous = first;
        long beforeWrap = 0;
        long afterWrap = 0;
        long cycles = 1L << 24;
        for (long k = 1; k <= cycles; k++) {
            t.release(previous);
            long h = t.register(target, kind);
            if (h == 0 || generation(h) == 0 || slotIndex(h) != slot) {
                throw new AssertionError("cycle " + k + ": handle " + Long.toHexString(h));
            }
            if (t.slot(previous) != -1) {
                throw new AssertionError("cycle " + k + ": the previous handle still resolves");
            }
            if (generation(previous) == GEN_MASK) {
                beforeWrap = previous;
                afterWrap = h;
            }
            previous = h;
        }
        assertEquals(GEN_MASK, generation(beforeWrap), "the largest generation was issued");
        assertEquals(1, generation(afterWrap), "after the largest generation comes 1, skipping 0");
        assertEquals(-1, t.slot(beforeWrap), "the handle from before the wrap stays stale");
        assertEquals(1, t.live());
        // 2^24 releases: the generations ran 1 .. 2^24-1 and then 1, 2 again. A handle held
        // across exactly 2^24-1 reuses of its slot would resolve again: that is the period of a
        // 24-bit generation, not something a table can detect.
        assertEquals(2, generation(previous));
        assertEquals(-1, t.slot(first), "the first handle (generation 1) is stale again");
        assertSame(target, t.targetAt(t.slot(previous)));
    }

    @Test
    void growsPastSixtyFourSlots() {
        HandleTable t = newTable();
        CountingKind kind = new CountingKind();
        int n = 1000;
        Object[] targets = new Object[n];
        long[] handles = new long[n];
        Set<Long> distinct = new HashSet<>();
        for (int k = 0; k < n; k++) {
            targets[k] = "target " + k;
            handles[k] = t.register(targets[k], kind);
            distinct.add(handles[k]);
        }
        assertEquals(n, distinct.size());
        assertEquals(n, t.live());
        for (int k = 0; k < n; k++) {
            assertSame(targets[k], t.targetAt(t.slot(handles[k])), "handle " + k);
        }
        for (int k = 0; k < n; k += 3) {
            t.release(handles[k]);
        }
        int released = (n + 2) / 3;
        assertEquals(n - released, t.live());
        for (int k = 0; k < n; k++) {
            int s = t.slot(handles[k]);
            if (k % 3 == 0) {
                assertEquals(-1, s, "released handle " + k);
            } else {
                assertSame(targets[k], t.targetAt(s), "live handle " + k);
            }
        }
        // Freed slots are reused before the table grows again.
        for (int k = 0; k < released; k++) {
            long h = t.register("again " + k, kind);
            assertTrue(slotIndex(h) < n, "slot " + slotIndex(h));
            assertEquals(2, generation(h));
        }
        assertEquals(n, t.live());
    }

    @Test
    void releaseAllVisitsEveryLiveTargetOnce() {
        HandleTable t = newTable();
        CountingKind kindA = new CountingKind();
        CountingKind kindB = new CountingKind();
        int n = 150;
        Object[] targets = new Object[n];
        long[] handles = new long[n];
        for (int k = 0; k < n; k++) {
            targets[k] = new Object();
            handles[k] = t.register(targets[k], k % 2 == 0 ? kindA : kindB);
        }
        for (int k = 0; k < n; k += 5) {
            t.release(handles[k]);
        }
        // A reused slot: its new tenant is released, the old one is not.
        Object tenant = new Object();
        t.register(tenant, kindA);
        t.releaseAll();
        for (int k = 0; k < n; k++) {
            CountingKind kind = k % 2 == 0 ? kindA : kindB;
            CountingKind other = k % 2 == 0 ? kindB : kindA;
            Integer expected = k % 5 == 0 ? null : 1;
            assertEquals(expected, kind.released.get(targets[k]), "target " + k);
            assertNull(other.released.get(targets[k]), "target " + k + " went to the wrong kind");
        }
        assertEquals(1, kindA.released.get(tenant));
        assertEquals(n - n / 5 + 1, kindA.released.size() + kindB.released.size());
    }

    @Test
    void directoryFindsTableUntilClosed() {
        HandleTable a = newTable();
        HandleTable b = newTable();
        long ha = a.register(new Object(), new CountingKind());
        long hb = b.register(new Object(), new CountingKind());
        assertNotEquals(ha, hb, "tables put their id in the handle");
        assertSame(a, HandleTable.of(ha));
        assertSame(b, HandleTable.of(hb));
        a.close();
        assertNull(HandleTable.of(ha));
        assertSame(b, HandleTable.of(hb), "closing one table leaves the others");
        a.close();
        assertNull(HandleTable.of(ha), "a second close is harmless");
        b.close();
        assertNull(HandleTable.of(hb));
    }

    @Test
    void directoryGrowsPastItsFirstSize() {
        List<HandleTable> many = new ArrayList<>();
        List<Long> handles = new ArrayList<>();
        for (int k = 0; k < 40; k++) {
            HandleTable t = newTable();
            many.add(t);
            handles.add(t.register(k, new CountingKind()));
        }
        for (int k = 0; k < many.size(); k++) {
            assertSame(many.get(k), HandleTable.of(handles.get(k)), "table " + k);
        }
        for (HandleTable t : many) {
            t.close();
        }
        for (long h : handles) {
            assertNull(HandleTable.of(h));
        }
        assertNull(HandleTable.of(Long.MAX_VALUE), "an id past the directory");
    }
}
