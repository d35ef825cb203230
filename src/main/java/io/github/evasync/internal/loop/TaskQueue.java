package io.github.evasync.internal.loop;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The loop's task queue: unbounded, many producers, one consumer (the loop thread), and no
 * allocation per element. Elements live in fixed-size chunks of an array linked one to the next,
 * after the design of JCTools' {@code MpscUnboundedArrayQueue} (which Netty's loops use):
 * producers claim a slot by a compare-and-set on one producer index, the consumer reads slots
 * with acquire loads and nulls them, and a chunk the consumer has left is kept as a spare for the
 * producer that next needs a chunk.
 *
 * <p>Element {@code n} (counting from 0 over the queue's life) lives in chunk {@code n / size}
 * at slot {@code n % size}. The producer index holds {@code n << 2} and two flags in its low
 * bits: {@link #RESIZING} while one producer links the next chunk (the others wait for it, so a
 * chunk is always there for the slot they claim), and {@link #CLOSED} once {@link #close()}
 * sealed the queue, after which no offer succeeds. So a task is either in the queue for the
 * consumer's final drain or refused; none can land after that drain.
 *
 * <p>Stack overflows: the loop thread offers tasks from deep in callbacks, where a
 * {@link StackOverflowError} may strike at any method call. Between a claim and the write that
 * fills the claimed slot there is therefore no method call, only plain stores: a claimed slot
 * left empty would make the consumer wait for it for ever, and a {@link #RESIZING} flag left set
 * would stop every producer. The ordering those plain stores need comes from a release fence
 * issued before the claim (see {@link #offer}).
 *
 * @param <E> the element type
 */
final class TaskQueue<E> extends TaskQueueLayout.PadAfter {
    /** Slots per chunk in the loop's queue: 8 KiB of references, as JCTools' and Netty's default. */
    public static final int DEFAULT_CHUNK = 1024;

    /** Producer index flag: a producer is linking the next chunk; the others wait. */
    static final long RESIZING = 1;
    /** Producer index flag: the queue is sealed; no offer succeeds. */
    static final long CLOSED = 2;
    /** One element in the producer index's count. */
    private static final long ONE = 4;

    private static final VarHandle PRODUCER_INDEX;
    private static final VarHandle SPARE;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PRODUCER_INDEX = l.findVarHandle(TaskQueueLayout.ProducerSide.class, "producerIndex", long.class);
            SPARE = l.findVarHandle(TaskQueueLayout.ProducerSide.class, "spare", Object[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // The fields are in TaskQueueLayout, padded apart: producerIndex, producerChunk, spare and
    // chunksMade for the producers; consumerIndex and consumerChunk for the consumer.

    /** A queue with {@link #DEFAULT_CHUNK} slots per chunk. */
    public TaskQueue() {
        this(DEFAULT_CHUNK);
    }

    /**
     * A queue with {@code chunkSize} slots per chunk (small ones let the tests cross chunk
     * boundaries often).
     *
     * @param chunkSize a power of two, at least 2
     */
    public TaskQueue(int chunkSize) {
        super(checkedSize(chunkSize));
        Object[] first = new Object[chunkSize + 1];
        consumerChunk = first;
        chunksMade = 1;
        producerChunk = first; // volatile: publishes the final fields and the chunk with it
    }

    private static int checkedSize(int chunkSize) {
        if (chunkSize < 2 || Integer.bitCount(chunkSize) != 1) {
            throw new IllegalArgumentException("chunk size must be a power of two, at least 2: " + chunkSize);
        }
        return chunkSize;
    }

    /**
     * Adds {@code e} at the tail; any thread. Never refuses for want of room.
     *
     * @return false once the queue is {@linkplain #close() closed}: {@code e} was not added
     */
    public boolean offer(E e) {
        if (e == null) {
            throw new NullPointerException("element");
        }
        // Whatever the caller wrote into e (a task's captured fields) must be visible to the
        // consumer that reads e from its slot. The slot is filled with a plain store (no method
        // call after the claim, see the class comment); this fence keeps every earlier store from
        // moving below it, so below the slot's store too. The consumer's acquire load of the slot
        // then sees e whole.
        VarHandle.releaseFence();
        Object[] fresh = null;
        for (int waits = 0; ; ) {
            long p = producerIndex; // volatile read: the chunk read below is at least as new
            if ((p & CLOSED) != 0) {
                return false;
            }
            if ((p & RESIZING) != 0) {
                // Another producer is linking the next chunk; it does plain stores only, so the
                // wait is a few instructions unless that thread was preempted.
                backOff(++waits);
                continue;
            }
            long n = p >>> 2;
            int offset = (int) n & producerMask;
            if (offset != 0 || n == 0) {
                if (fresh != null) {
                    // We made a chunk for n, but another producer linked one: give ours back.
                    fresh[0] = null;
                    giveSpare(fresh);
                    fresh = null;
                }
                Object[] chunk = producerChunk;
                if (PRODUCER_INDEX.compareAndSet(this, p, p + ONE)) {
                    // Slot n is ours; nothing may come between the claim and this store.
                    chunk[offset] = e;
                    return true;
                }
                // Another producer took n, or the queue closed: read the index again.
                continue;
            }
            // n opens a new chunk: make it ready before claiming, so that the critical section
            // below has no calls (allocation, VarHandles) that could throw and leave RESIZING set.
            if (fresh == null) {
                fresh = takeSpareOrMake();
                fresh[0] = e;
                VarHandle.releaseFence(); // slot 0 before the link that makes the chunk reachable
            }
            Object[] current = producerChunk;
            if (PRODUCER_INDEX.compareAndSet(this, p, p | RESIZING)) {
                current[producerSize] = fresh; // the consumer finds slot 0 through this link
                producerChunk = fresh;
                // Volatile store: it releases the link and the chunk to producers and the
                // consumer, and, as a full barrier, orders it before the caller's read of the
                // loop's wake state (the Dekker pairing in LoopWake).
                producerIndex = p + ONE;
                return true;
            }
            // Another producer is linking n's chunk, or the queue closed: read the index again.
        }
    }

    private Object[] takeSpareOrMake() {
        Object[] s = (Object[]) SPARE.getAndSet(this, (Object[]) null);
        if (s != null) {
            return s;
        }
        chunksMade++; // not exact under races; only the tests read it, single-threaded
        return new Object[producerSize + 1];
    }

    /** Keeps an empty, unlinked chunk for the next producer that needs one, if none is kept. */
    private void giveSpare(Object[] chunk) {
        SPARE.compareAndSet(this, (Object[]) null, chunk);
    }

    /**
     * Takes the head element, or null when the queue is empty; the consumer thread only. A slot
     * already claimed but not yet filled counts as taken: poll waits the few instructions until
     * its producer fills it, so that {@link #isEmpty()} and poll agree.
     */
    @SuppressWarnings("unchecked")
    public E poll() {
        long n = consumerIndex;
        Object[] chunk = consumerChunk;
        int offset = (int) n & consumerMask;
        // Every call (a VarHandle, a wait) comes before the first store below: an overflow of
        // the loop thread's stack then leaves the queue as it was, not half-moved.
        Object[] next = null;
        if (offset == 0 && n != 0) {
            next = (Object[]) SLOT.getAcquire(chunk, consumerSize);
            if (next == null) {
                if (!claimed(n)) {
                    return null;
                }
                // The index counts n, so the producer of n linked its chunk before publishing it
                // (a volatile store we have just read): the link is visible now.
                next = (Object[]) SLOT.getAcquire(chunk, consumerSize);
            }
        }
        Object[] from = next != null ? next : chunk;
        Object e = SLOT.getAcquire(from, offset);
        if (e == null) {
            if (!claimed(n)) {
                return null;
            }
            e = awaitFilled(from, offset);
        }
        // Plain stores: only this thread reads these fields, and producers never read slots.
        from[offset] = null;
        consumerIndex = n + 1;
        if (next != null) {
            chunk[consumerSize] = null;
            consumerChunk = next;
            // Every slot of the chunk was taken and nulled: keep it for the next producer that
            // needs one. A plain check-then-set, no call; losing a race with a producer's give
            // only loses one chunk to the collector.
            if (spare == null) {
                spare = chunk;
            }
        }
        return (E) e;
    }

    /** Whether element {@code n} has been claimed by a producer (its slot filled or about to be). */
    private boolean claimed(long n) {
        return (producerIndex >>> 2) > n;
    }

    /** Waits for the producer that claimed {@code chunk[offset]} to fill it. */
    private static Object awaitFilled(Object[] chunk, int offset) {
        Object e;
        for (int waits = 1; (e = SLOT.getAcquire(chunk, offset)) == null; waits++) {
            backOff(waits);
        }
        return e;
    }

    /**
     * One round of waiting for another thread to finish a step that is a few instructions long
     * (fill its claimed slot, link its chunk): spin first; once that has taken long, the thread
     * was preempted, and with more threads than cores yielding is what lets it run.
     */
    private static void backOff(int waits) {
        if (waits < 64) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    /**
     * Whether no element is queued nor claimed; the consumer thread only. Exact for the consumer:
     * an offer that has claimed its slot counts (its {@link #poll()} waits for the element), and
     * one that has not returned may or may not.
     */
    public boolean isEmpty() {
        // >=, not ==: the consumer may take the first element of a chunk a producer is still
        // linking (the link is written before the index is published).
        return consumerIndex >= (producerIndex >>> 2);
    }

    /**
     * Seals the queue: every later {@link #offer} returns false, and {@link #poll()} returns the
     * elements offered before, then null. The consumer thread only; idempotent.
     */
    public void close() {
        for (int waits = 1; ; waits++) {
            long p = producerIndex;
            if ((p & CLOSED) != 0) {
                return;
            }
            if ((p & RESIZING) != 0) {
                // The resizing producer publishes with a plain volatile store of the index (it
                // must make no call there); setting CLOSED under it would be overwritten. Wait.
                backOff(waits);
                continue;
            }
            if (PRODUCER_INDEX.compareAndSet(this, p, p | CLOSED)) {
                return;
            }
        }
    }

    /** Whether {@link #close()} has sealed the queue. Any thread. */
    public boolean isClosed() {
        return (producerIndex & CLOSED) != 0;
    }

    /** Chunks made over the queue's life (tests: reuse keeps it small). */
    int chunksMade() {
        return chunksMade;
    }
}
