package io.github.evasync.internal.loop;

import io.github.evasync.internal.ffi.LoopSink;

import java.time.Duration;
import java.util.Arrays;

/**
 * A loop's timers, all in one 4-ary min-heap on the Java side: a timer costs no native memory
 * and no native call to schedule, move or cancel, and one libevent timer (the event base's
 * alarm, armed by {@link LoopCore} before each wait) stands for all of them.
 *
 * <p>Why a 4-ary heap with the deadlines in a {@code long[]} of their own: the four children of a
 * slot sit side by side in one or two cache lines, so sifting a deadline down a heap of a million
 * timers reads contiguous memory instead of one node object per comparison; the nodes are
 * touched only when they move. Insert, cancel and reschedule are O(log n); a cancelled timer is
 * out of the heap at once (nothing waits for its deadline to be swept). Ties run in the order
 * they were scheduled.
 *
 * <p>A stack overflow must not leave the heap half-changed: every change is made by
 * {@link #place}, a method that calls nothing, so an overflow strikes before it starts (at its
 * entry) or not at all. Loop thread only.
 */
public final class Timers {
    /** "Never": the deadline of a timer added with no timeout, which only activation fires. */
    public static final long NEVER = Long.MAX_VALUE;
    /**
     * The deadline of an activated timer: before every real one (the heap's clock starts at 0),
     * so activations come first, and among themselves in the order they were made.
     */
    public static final long ACTIVE = Long.MIN_VALUE;
    private static final int INITIAL = 64;

    private final long origin = System.nanoTime();
    private long[] keys = new long[INITIAL];
    private TimerNode[] nodes = new TimerNode[INITIAL];
    private int size;
    private int nextSeq;
    private volatile boolean closed;

    /** {@return the heap's clock: nanoseconds since the loop's timers were made} */
    public long now() {
        return System.nanoTime() - origin;
    }

    /**
     * {@return the deadline {@code d} from now on the heap's clock; {@link #NEVER} for null or for
     * one too far to hold}
     */
    public long deadline(Duration d) {
        return after(nanos(d));
    }

    /** {@return the deadline {@code nanos} (from {@link #nanos}) from now; {@link #NEVER} stays so} */
    public long after(long nanos) {
        if (nanos == NEVER) {
            return NEVER;
        }
        long t = now() + nanos;
        return t < 0 ? NEVER : t;
    }

    /**
     * {@return {@code d} in nanoseconds, or {@link #NEVER} for null or for more than 272 years};
     * 0 for a negative one (due now), which the public calls refuse but internal ones may pass
     */
    public static long nanos(Duration d) {
        if (d == null) {
            return NEVER;
        }
        if (d.isNegative()) {
            return 0;
        }
        long s = d.getSeconds();
        if (s >= 1L << 33) { // 272 years: more would overflow the nanoseconds
            return NEVER;
        }
        return s * 1_000_000_000L + d.getNano();
    }

    /**
     * Schedules {@code node} for {@code deadline}, or moves it there if it is scheduled.
     *
     * @throws LoopClosedException once the loop closed
     */
    public void schedule(TimerNode node, long deadline) {
        if (closed) {
            throw LoopCore.closed();
        }
        int at = node.index;
        if (at < 0) {
            if (size == keys.length) {
                grow();
            }
            place(size, deadline, node, nextSeq++, size + 1, null);
        } else {
            place(at, deadline, node, nextSeq++, size, null);
        }
    }

    /** Takes {@code node} out of the heap; returns whether it was in it. */
    public boolean cancel(TimerNode node) {
        int at = node.index;
        if (at < 0 || at >= size || nodes[at] != node) {
            return false;
        }
        int last = size - 1;
        TimerNode moved = nodes[last];
        place(at, keys[last], moved, moved.seq, last, node);
        return true;
    }

    /** {@return how many timers are scheduled, those with no deadline included} */
    public int size() {
        return size;
    }

    /**
     * {@return the earliest deadline, or {@link #NEVER} when no timer has one} {@link #NEVER} with
     * timers scheduled means they were all added with no timeout: only an activation can fire
     * them, and activations come from work the loop has (or from another thread), so a run loop
     * with nothing else is done.
     */
    public long nextDeadline() {
        return size == 0 ? NEVER : keys[0];
    }

    /**
     * Runs what is due once a turn has polled, earliest first, each out of the heap before its
     * callback runs: activated timers (zero delays among them), in the order they were
     * activated, and timers whose deadline has passed. This keeps libevent's rules for its own
     * events. An activation runs after the callbacks of the turn that made it without another
     * poll, and so does one made by such a callback, up to {@link #CHAIN_LIMIT} of those a pass:
     * past that the rest wait for the next turn, so that a timer re-activating itself for ever
     * cannot keep the loop from its descriptors, as it could in libevent. A timer with a
     * deadline fires only if it was scheduled before the turn polled, however soon it is due:
     * one scheduled by a callback of this turn fires only after the loop has polled its
     * descriptors again (the HTTP client's one-turn look at an idle connection relies on it).
     * Stops early when the loop is stopping.
     *
     * @param turn {@link #nextSeq()} as the turn began: a timer scheduled since has this or a later one
     * @param turnAt {@link #now()} as the turn began, or -1 if it was not read. A deadline before it
     *               was set before the turn (a deadline is never before the time it is set), so it
     *               fires whatever its sequence number says: those wrap after 2^31 schedulings,
     *               and a timer set long ago must not look new and wait
     */
    void runExpired(LoopSink core, int turn, long turnAt) {
        if (size == 0) {
            return;
        }
        long now = now();
        int pass = nextSeq;
        int chained = 0;
        while (size > 0 && !core.stopping()) {
            long key = keys[0];
            TimerNode node = nodes[0];
            if (key == ACTIVE) {
                // Activations are this turn's or the last's: their numbers are recent, and compare.
                if (node.seq - pass >= 0 && ++chained > CHAIN_LIMIT) {
                    return;
                }
            } else if (key > now || (key >= turnAt && node.seq - turn >= 0)) {
                return;
            }
            takeFirst();
            node.expired(key);
        }
    }

    /**
     * Halves the arrays when a quarter of them is in use, so that a burst of a million timers
     * does not hold its 18 MB for the loop's life; between turns, outside every change.
     */
    void shrinkIfSparse() {
        int length = keys.length;
        if (length > INITIAL && size < length >> 2) {
            resize(Math.max(INITIAL, length >> 1));
        }
    }

    /** Activations made by callbacks of one pass that the pass still runs (see {@link #runExpired}). */
    static final int CHAIN_LIMIT = 4096;

    /** Takes the first timer (the earliest deadline) out of the heap, or returns null when it is empty. */
    TimerNode takeFirst() {
        if (size == 0) {
            return null;
        }
        TimerNode node = nodes[0];
        int last = size - 1;
        TimerNode moved = nodes[last];
        place(0, keys[last], moved, moved.seq, last, node);
        return node;
    }

    /** {@return the sequence number the next scheduling gets: taken before a turn polls, the bound of {@link #runExpired}} */
    int nextSeq() {
        return nextSeq;
    }

    /** The loop closed: every scheduled timer is let go (told so), and no more are taken. */
    void releaseAll() {
        closed = true;
        TimerNode[] held = Arrays.copyOf(nodes, size);
        Arrays.fill(nodes, null);
        size = 0;
        for (TimerNode n : held) {
            n.index = -1;
        }
        for (TimerNode n : held) {
            n.released();
        }
    }

    /** {@return whether the loop closed; safe from any thread} */
    public boolean isClosed() {
        return closed;
    }

    private void grow() {
        resize(keys.length + (keys.length >> 1));
    }

    /**
     * Both arrays are copied before either field changes: a stack overflow in the second copy
     * (it goes deeper than the first) must not leave them of different lengths.
     */
    private void resize(int n) {
        long[] k = Arrays.copyOf(keys, n);
        TimerNode[] nd = Arrays.copyOf(nodes, n);
        keys = k;
        nodes = nd;
    }

    /**
     * Puts {@code node} with {@code key} at slot {@code pos} and sifts it to its place, with the
     * heap's size becoming {@code newSize}: one more for an insert; one fewer when the last node
     * fills the slot of {@code dropped}, which leaves the heap; the same for a move. Calls
     * nothing (not even {@code Math.min}), so that it is never cut short half-way.
     */
    private void place(int pos, long key, TimerNode node, int seq, int newSize, TimerNode dropped) {
        long[] k = keys;
        TimerNode[] n = nodes;
        if (dropped != null) {
            dropped.index = -1;
        }
        if (newSize < size) {
            n[newSize] = null; // the last slot empties; its node is `node`, unless that was dropped
        }
        size = newSize;
        if (pos >= newSize) {
            return; // the dropped node was the last one
        }
        node.seq = seq;
        int start = pos;
        while (pos > 0) {
            int parent = (pos - 1) >>> 2;
            long pk = k[parent];
            TimerNode pn = n[parent];
            if (pk < key || (pk == key && pn.seq - seq < 0)) {
                break;
            }
            k[pos] = pk;
            n[pos] = pn;
            pn.index = pos;
            pos = parent;
        }
        if (pos == start) {
            for (;;) {
                int c = (pos << 2) + 1;
                if (c >= newSize) {
                    break;
                }
                int end = c + 4;
                if (end > newSize) {
                    end = newSize;
                }
                int best = c;
                long bk = k[c];
                for (int j = c + 1; j < end; j++) {
                    long jk = k[j];
                    if (jk < bk || (jk == bk && n[j].seq - n[best].seq < 0)) {
                        best = j;
                        bk = jk;
                    }
                }
                TimerNode bn = n[best];
                if (key < bk || (key == bk && seq - bn.seq < 0)) {
                    break;
                }
                k[pos] = bk;
                n[pos] = bn;
                bn.index = pos;
                pos = best;
            }
        }
        k[pos] = key;
        n[pos] = node;
        node.index = pos;
    }
}
