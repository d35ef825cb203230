package io.github.evasync.internal.ffi;

import java.util.Arrays;

/**
 * The loop's table of objects that libevent calls back into (cl-async's data pointers).
 *
 * <p>libevent hands back a {@code void *arg}; we pass a handle rather than an address. A handle
 * packs the table's id (16 bits), a generation (24 bits) and a slot (24 bits), so a stale handle
 * from a freed object is recognised and ignored instead of reaching a newer tenant of the slot.
 * Handles are never 0, because generations start at 1. One table per loop, used only on the
 * loop's thread; the static directory of tables is what lets a single upcall stub serve every
 * loop.
 */
public final class HandleTable {
    private static final int SLOT_BITS = 24;
    private static final int GEN_BITS = 24;
    private static final int SLOT_MASK = (1 << SLOT_BITS) - 1;
    private static final int GEN_MASK = (1 << GEN_BITS) - 1;
    private static final int MAX_TABLES = 1 << 16;

    private static volatile HandleTable[] directory = new HandleTable[16];
    private static final Object DIRECTORY_LOCK = new Object();

    private final int id;
    private final LoopSink sink;
    private Object[] targets = new Object[64];
    private Object[] kinds = new Object[64];
    private int[] generations = new int[64];
    private int[] free = new int[64];
    private int freeCount;
    private int next;
    private int live;

    /** Makes a table for one loop and enters it in the directory. */
    public HandleTable(LoopSink sink) {
        this.sink = sink;
        Arrays.fill(generations, 1);
        synchronized (DIRECTORY_LOCK) {
            HandleTable[] dir = directory;
            int slot = -1;
            for (int i = 0; i < dir.length; i++) {
                if (dir[i] == null) {
                    slot = i;
                    break;
                }
            }
            if (slot < 0) {
                if (dir.length >= MAX_TABLES) {
                    throw new IllegalStateException("too many open event loops (" + MAX_TABLES + ")");
                }
                slot = dir.length;
                dir = Arrays.copyOf(dir, Math.min(MAX_TABLES, dir.length * 2));
            } else {
                dir = dir.clone();
            }
            dir[slot] = this;
            this.id = slot;
            directory = dir;
        }
    }

    /** The loop this table belongs to. */
    public LoopSink sink() {
        return sink;
    }

    /**
     * Registers a target and the kind that dispatches callbacks to it; returns its handle.
     *
     * @param kind a {@link NativeCallbacks} that knows the target's class
     */
    public long register(Object target, NativeCallbacks kind) {
        int slot;
        if (freeCount > 0) {
            slot = free[--freeCount];
        } else {
            if (next == targets.length) {
                grow();
            }
            slot = next++;
        }
        targets[slot] = target;
        kinds[slot] = kind;
        live++;
        return ((long) id << (SLOT_BITS + GEN_BITS)) | ((long) generations[slot] << SLOT_BITS) | slot;
    }

    /**
     * Registers a target and runs {@code allocate} with its handle, which makes the native
     * object that will call back with it. The two succeed or fail together: when
     * {@code allocate} throws (libevent refused, or an {@code Error} such as a stack overflow
     * hit the downcall), the handle is released before the throwable goes on, so no entry is
     * left with nothing behind it.
     */
    public long register(Object target, NativeCallbacks kind, java.util.function.LongConsumer allocate) {
        long handle = register(target, kind);
        try {
            allocate.accept(handle);
        } catch (Throwable t) {
            release(handle);
            throw t;
        }
        return handle;
    }

    /** The slot of a live handle, or -1 when the handle is stale or released. */
    public int slot(long handle) {
        int slot = (int) (handle & SLOT_MASK);
        int gen = (int) ((handle >>> SLOT_BITS) & GEN_MASK);
        return slot < next && generations[slot] == gen && targets[slot] != null ? slot : -1;
    }

    /** The target in a slot that {@link #slot(long)} returned. */
    public Object targetAt(int slot) {
        return targets[slot];
    }

    /** The kind in a slot that {@link #slot(long)} returned. */
    public NativeCallbacks kindAt(int slot) {
        return (NativeCallbacks) kinds[slot];
    }

    /** Releases a handle; a stale or already-released handle is ignored. */
    public void release(long handle) {
        int slot = (int) (handle & SLOT_MASK);
        int gen = (int) ((handle >>> SLOT_BITS) & GEN_MASK);
        if (slot >= next || generations[slot] != gen || targets[slot] == null) {
            return;
        }
        targets[slot] = null;
        kinds[slot] = null;
        // Skip 0 on wrap-around so that a handle is never the null pointer.
        int nextGen = (gen + 1) & GEN_MASK;
        generations[slot] = nextGen == 0 ? 1 : nextGen;
        free[freeCount++] = slot;
        live--;
    }

    /** How many handles are registered. */
    public int live() {
        return live;
    }

    /**
     * Calls {@link NativeCallbacks#release} for every registered target, in registration slot
     * order, so that the loop can free every native object it still owns when it closes. One
     * release that throws (a bug, or an {@code Error} such as a stack overflow) does not stop
     * the others: each slot is released by the table afterwards, and the first throwable goes
     * to the loop's sink once all are done.
     */
    public void releaseAll() {
        Throwable first = null;
        for (int slot = 0; slot < next; slot++) {
            Object t = targets[slot];
            if (t != null) {
                long handle = ((long) id << (SLOT_BITS + GEN_BITS)) | ((long) generations[slot] << SLOT_BITS) | slot;
                try {
                    ((NativeCallbacks) kinds[slot]).release(t);
                } catch (Throwable e) {
                    if (first == null) {
                        first = e;
                    }
                }
                release(handle);
            }
        }
        if (first != null) {
            try {
                sink.escaped(first);
            } catch (Throwable ignored) {
                // The sink must not throw; if it does, closing goes on regardless.
            }
        }
    }

    /** Removes this table from the directory; its handles then resolve to nothing. */
    public void close() {
        synchronized (DIRECTORY_LOCK) {
            HandleTable[] dir = directory.clone();
            if (dir[id] == this) {
                dir[id] = null;
            }
            directory = dir;
        }
    }

    /** The table a handle belongs to, or null. */
    public static HandleTable of(long handle) {
        int tid = (int) (handle >>> (SLOT_BITS + GEN_BITS));
        HandleTable[] dir = directory;
        return tid < dir.length ? dir[tid] : null;
    }

    private void grow() {
        int n = targets.length * 2;
        if (n > SLOT_MASK) {
            throw new IllegalStateException("too many live native callbacks in one loop");
        }
        targets = Arrays.copyOf(targets, n);
        kinds = Arrays.copyOf(kinds, n);
        int old = generations.length;
        generations = Arrays.copyOf(generations, n);
        Arrays.fill(generations, old, n, 1);
        free = Arrays.copyOf(free, n);
    }
}
