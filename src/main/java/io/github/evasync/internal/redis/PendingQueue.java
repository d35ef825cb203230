package io.github.evasync.internal.redis;

import io.github.evasync.EventHandler;

import java.util.Arrays;

/**
 * The commands of one connection waiting for their replies, oldest first: a ring of parallel
 * arrays (what to complete, its handler, its kind, when it was issued, where its bytes end in the
 * connection's stream), so that a command costs no node object. Replies come in the order the
 * commands went out, so the head is always the command the next reply answers. The first
 * {@link #sent()} entries went out on the socket; the rest wait in the connection's
 * {@link CommandWriter}. Loop thread only.
 */
final class PendingQueue {
    /** Complete a {@code CompletableFuture<Object>}. */
    static final byte FUTURE = 0;
    /** Call a {@code ReplyCallback} (errors to its {@code EventHandler}). */
    static final byte CALLBACK = 1;
    /** Drop the reply: its command timed out, its caller was told already. */
    static final byte DISCARD = 2;
    /** A transaction's MULTI, or one of its commands (expecting QUEUED): the target is the transaction. */
    static final byte TX_PART = 3;
    /** A transaction's EXEC: its reply completes the transaction. */
    static final byte TX_EXEC = 4;
    /** A typed helper's {@code CompletableFuture<byte[]>}: a bulk string or null, else it fails. */
    static final byte FUTURE_BULK = 5;
    /** A typed helper's {@code CompletableFuture<String>}: a simple string or null, else it fails. */
    static final byte FUTURE_SIMPLE = 6;
    /** A typed helper's {@code CompletableFuture<Long>}: an integer, else it fails. */
    static final byte FUTURE_INTEGER = 7;

    private Object[] target = new Object[64];
    private EventHandler[] handler = new EventHandler[64];
    private byte[] kind = new byte[64];
    private long[] issued = new long[64];
    private long[] end = new long[64];
    /** The byte permits each entry holds (a transaction's block is held by its EXEC entry). */
    private int[] charge = new int[64];
    private int head;
    private int size;
    private int sent;
    /** How many of the oldest entries the command timeout has already failed (made DISCARD or failed their transaction). */
    private int expired;

    int size() {
        return size;
    }

    /** {@return how many of the oldest entries went out on the socket} */
    int sent() {
        return sent;
    }

    /** Marks every entry as sent (their bytes were written). */
    void allSent() {
        sent = size;
    }

    void add(Object t, EventHandler h, byte k, long issuedAt, long endPos, int bytePermits) {
        if (size == target.length) {
            grow();
        }
        int i = (head + size) & (target.length - 1);
        target[i] = t;
        handler[i] = h;
        kind[i] = k;
        issued[i] = issuedAt;
        end[i] = endPos;
        charge[i] = bytePermits;
        size++;
    }

    /** {@return the byte permits the head holds} */
    int headCharge() {
        return charge[head];
    }

    /** {@return where the bytes of the entry {@code n} places after the head end in the stream} */
    long endAt(int n) {
        return end[(head + n) & (target.length - 1)];
    }

    /**
     * {@return how many of the oldest entries the command timeout already failed}: the next
     * timeout check starts after them instead of going over them again at every firing.
     */
    int expired() {
        return expired;
    }

    void expired(int n) {
        expired = n;
    }

    Object headTarget() {
        return target[head];
    }

    EventHandler headHandler() {
        return handler[head];
    }

    byte headKind() {
        return kind[head];
    }

    long headIssued() {
        return issued[head];
    }

    long headEnd() {
        return end[head];
    }

    /** The entry {@code n} places after the head. */
    byte kindAt(int n) {
        return kind[(head + n) & (target.length - 1)];
    }

    long issuedAt(int n) {
        return issued[(head + n) & (target.length - 1)];
    }

    Object targetAt(int n) {
        return target[(head + n) & (target.length - 1)];
    }

    EventHandler handlerAt(int n) {
        return handler[(head + n) & (target.length - 1)];
    }

    /** Turns entry {@code n} into one whose reply is dropped (its caller was told it failed). */
    void discardAt(int n) {
        int i = (head + n) & (target.length - 1);
        kind[i] = DISCARD;
        target[i] = null;
        handler[i] = null;
    }

    /** Removes the head. */
    void pop() {
        if (size == 0) {
            // A caller that counted entries before running user code, which emptied the queue.
            throw new IllegalStateException("pop on an empty queue");
        }
        target[head] = null;
        handler[head] = null;
        head = (head + 1) & (target.length - 1);
        size--;
        if (sent > 0) {
            sent--;
        }
        if (expired > 0) {
            expired--;
        }
    }

    private void grow() {
        int n = target.length;
        target = unroll(target, n);
        handler = unroll(handler, n);
        byte[] k = new byte[n * 2];
        long[] is = new long[n * 2];
        long[] e = new long[n * 2];
        int[] c = new int[n * 2];
        for (int j = 0; j < n; j++) {
            int i = (head + j) & (n - 1);
            k[j] = kind[i];
            is[j] = issued[i];
            e[j] = end[i];
            c[j] = charge[i];
        }
        kind = k;
        issued = is;
        end = e;
        charge = c;
        head = 0;
    }

    private <T> T[] unroll(T[] a, int n) {
        T[] b = Arrays.copyOf(a, n * 2);
        for (int j = 0; j < n; j++) {
            b[j] = a[(head + j) & (n - 1)];
        }
        Arrays.fill(b, n, n * 2, null);
        return b;
    }
}
