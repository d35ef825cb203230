package io.github.evasync.internal.redis;

import io.github.evasync.Event;
import io.github.evasync.EventHandler;
import io.github.evasync.EventLoop;
import io.github.evasync.RedisError;
import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.redis.RedisClient;
import io.github.evasync.redis.RedisOptions;
import io.github.evasync.redis.ReplyCallback;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * The client's command connection: commands are encoded into the connection's writer as they are
 * issued and wait in a {@link PendingQueue} for their replies, which come in order. Admission is
 * bounded by {@link RedisOptions#queueLimit(int)} permits and {@link RedisOptions#queueBytesLimit(long)}
 * byte permits, taken when a command is issued (on the issuing thread, so a thread other than the
 * loop's can wait for them) and given back when its entry leaves the queue. One timer, armed only
 * while something waits, enforces the command timeout and the wait for a reconnect.
 *
 * <p>Every loop over the queue that runs user code (a future's dependents, a callback, an event
 * handler) re-reads the queue at each step and stops once the client is closed: that code may
 * close the client, which empties the queue under the loop. Loop thread only, except
 * {@link #permits} and {@link #bytePermits}.
 */
final class CommandConnection extends RedisConnection {
    /**
     * Permits given out when the client closes, so that threads waiting for room wake and see it.
     * With {@link RedisOptions#MAX_QUEUE_LIMIT} and {@link #MAX_BYTE_PERMITS} it stays below a
     * semaphore's ceiling ({@code Integer.MAX_VALUE}), beyond which {@code release} throws an Error.
     */
    private static final int WAKE_ALL = Integer.MAX_VALUE / 2;
    /** The most byte permits: a larger {@link RedisOptions#queueBytesLimit(long)} counts as this. */
    static final int MAX_BYTE_PERMITS = Integer.MAX_VALUE / 2 - 1;

    final PendingQueue queue = new PendingQueue();
    final Semaphore permits;
    /** Bytes of encoded commands that may be held: one permit a byte. */
    final Semaphore bytePermits;
    /** The byte permits in all ({@code queueBytesLimit}, capped). */
    final int byteLimit;
    /** Called once when the connection closes for good (the client closes with it). */
    private final Runnable closed;
    final CompletableFuture<RedisClient> readyFuture = new CompletableFuture<>();
    /** The client this connection serves, for {@link #readyFuture}. */
    RedisClient owner;
    private Event timer;
    private boolean timerArmed;
    private final Timeouts timeouts = new Timeouts();
    private final long commandTimeout;
    private final long reconnectWait;
    volatile boolean closedFlag;

    CommandConnection(LoopCore core, EventLoop loop, RedisUri uri, RedisOptions options, Runnable closed) {
        super(core, loop, uri, options);
        this.permits = new Semaphore(options.queueLimit());
        this.byteLimit = (int) Math.min(options.queueBytesLimit(), MAX_BYTE_PERMITS);
        this.bytePermits = new Semaphore(byteLimit);
        this.closed = closed;
        this.commandTimeout = options.commandTimeout() == null ? Long.MAX_VALUE : options.commandTimeout().toNanos();
        this.reconnectWait = options.reconnectWait().toNanos();
    }

    // ---- admission ----------------------------------------------------------------------------

    /**
     * Whether a command may be queued now; if not, {@code target} is failed with the reason. A
     * permit is taken here for each of {@code n} entries; the byte permits are taken by
     * {@link #add} once the command is encoded and its size known.
     */
    boolean admit(Object target, EventHandler handler, byte kind, int n) {
        RedisError refusal = refusal();
        if (refusal == null && !permits.tryAcquire(n)) {
            refusal = queueFull();
        }
        if (refusal != null) {
            fail(kind, target, handler, refusal);
            return false;
        }
        return true;
    }

    /**
     * {@return the byte permits a command of {@code bytes} bytes takes}: a command larger than the
     * whole budget takes all of it, so that it goes alone, once the queue is empty.
     */
    int charge(long bytes) {
        return (int) Math.min(bytes, byteLimit);
    }

    /** Why a command cannot be queued now (closed, or down and not waiting), or null. */
    RedisError refusal() {
        if (state == CLOSED) {
            return clientClosed();
        }
        if (state == DOWN && reconnectWait == 0) {
            return new RedisError(-1, "connection to " + uri.where() + " is down (reconnecting) and reconnectWait is 0",
                    false);
        }
        return null;
    }

    RedisError queueFull() {
        return new RedisError(-1, "queue full: " + options.queueLimit()
                + " commands are unsent or unanswered (RedisOptions.queueLimit); wait for replies before issuing more",
                false);
    }

    RedisError queueBytesFull() {
        return new RedisError(-1, "queue full: the commands unsent or unanswered hold "
                + options.queueBytesLimit() + " bytes (RedisOptions.queueBytesLimit); wait for replies before issuing more",
                false);
    }

    static RedisError clientClosed() {
        return new RedisError(-1, "the Redis client is closed", false);
    }

    /**
     * Queues an entry whose bytes were just encoded into {@link #out} from {@code mark} on; its
     * count permit is held, its byte permits are taken here. Without room for its bytes it is
     * taken back out of the writer and failed.
     */
    void add(Object target, EventHandler handler, byte kind, long mark) {
        int charge = charge(out.position() - mark);
        if (!bytePermits.tryAcquire(charge)) {
            out.truncate(mark);
            permits.release();
            fail(kind, target, handler, queueBytesFull());
            return;
        }
        queued(target, handler, kind, System.nanoTime(), charge);
    }

    /**
     * A command's encoding threw (an argument too large, no memory) after {@link #admit}: its
     * partial bytes are taken back and its permits given back, so the stream stays whole.
     */
    void abandon(long mark, int n) {
        out.truncate(mark);
        permits.release(n);
    }

    private void queued(Object target, EventHandler handler, byte kind, long now, int charge) {
        queue.add(target, handler, kind, now, out.position(), charge);
        if (!timerArmed && (commandTimeout != Long.MAX_VALUE || state != READY)) {
            arm(state == READY ? commandTimeout : downLimit());
        }
        requestFlush();
    }

    /**
     * Queues a command (or a transaction's block of {@code parts} entries) encoded elsewhere,
     * or fails it. {@code charge} is the byte permits already held for it (taken on another
     * thread), or -1 when they are to be taken here.
     */
    void addEncoded(byte[] encoded, Object target, EventHandler handler, byte kind, int parts, int charge) {
        RedisError refusal = refusal();
        if (refusal == null && charge < 0) {
            charge = charge(encoded.length);
            if (!bytePermits.tryAcquire(charge)) {
                refusal = queueBytesFull();
                charge = 0;
            }
        }
        if (refusal != null) {
            permits.release(parts);
            if (charge > 0) {
                bytePermits.release(charge);
            }
            fail(kind, target, handler, refusal);
            return;
        }
        long mark = out.position();
        try {
            out.raw(encoded);
        } catch (RuntimeException | Error e) {
            // No room to copy it in (an OutOfMemoryError growing the buffer): this command's
            // failure, its permits given back. Uncaught, it reached the loop's handler, the
            // caller's future never completed, and the permits it held were lost for good.
            out.truncate(mark);
            permits.release(parts);
            if (charge > 0) {
                bytePermits.release(charge);
            }
            fail(kind, target, handler, new RedisError(-1, "the command could not be queued: " + e, false));
            return;
        }
        // One issue time for the whole block: its parts expire together, as its bytes can only
        // be dropped together.
        long now = System.nanoTime();
        for (int i = 1; i < parts; i++) {
            queue.add(target, handler, PendingQueue.TX_PART, now, out.position(), 0);
        }
        queued(target, handler, kind, now, charge);
    }

    // ---- replies ------------------------------------------------------------------------------

    @Override
    void flushed() {
        queue.allSent();
    }

    @Override
    void onReady() {
        rearm();
        readyFuture.complete(owner);
    }

    @Override
    void deliver(Object reply, boolean push) {
        if (push) {
            Consumer<List<Object>> h = options.pushHandler();
            if (h != null && reply instanceof List<?> l) {
                try {
                    @SuppressWarnings("unchecked")
                    List<Object> items = (List<Object>) l;
                    h.accept(items);
                } catch (Throwable t) {
                    core.errors().callbackFailed(t, options.eventHandler());
                }
            }
            return;
        }
        if (queue.sent() == 0) {
            lost(new RedisError(-1, "a reply from " + uri.where() + " that no command waits for", false));
            return;
        }
        byte kind = queue.headKind();
        Object target = queue.headTarget();
        EventHandler handler = queue.headHandler();
        pop();
        complete(kind, target, handler, reply);
    }

    @SuppressWarnings("unchecked")
    private void complete(byte kind, Object target, EventHandler handler, Object reply) {
        switch (kind) {
            case PendingQueue.FUTURE, PendingQueue.FUTURE_BULK, PendingQueue.FUTURE_SIMPLE,
                    PendingQueue.FUTURE_INTEGER -> {
                CompletableFuture<Object> f = (CompletableFuture<Object>) target;
                if (reply instanceof RedisError e) {
                    f.completeExceptionally(e);
                } else if (fits(kind, reply)) {
                    f.complete(reply);
                } else {
                    // A typed future completed with another type throws ClassCastException at
                    // the caller's first use, far from here; the server's answer is the fault.
                    f.completeExceptionally(new RedisError(-1, "a reply of the wrong type from " + uri.where()
                            + ": " + (reply == null ? "null" : reply.getClass().getSimpleName()) + " where " + expected(kind) + " was due",
                            false));
                }
            }
            case PendingQueue.CALLBACK -> {
                if (reply instanceof RedisError e) {
                    core.errors().deliver(e, handler);
                } else {
                    try {
                        ((ReplyCallback) target).onReply(reply);
                    } catch (Throwable t) {
                        core.errors().callbackFailed(t, handler);
                    }
                }
            }
            case PendingQueue.TX_PART -> ((Transaction) target).part(reply);
            case PendingQueue.TX_EXEC -> ((Transaction) target).done(reply);
            default -> {
                // DISCARD: its caller was told it timed out.
            }
        }
    }

    /** Whether {@code reply} is of the type a future of {@code kind} promises. */
    private static boolean fits(byte kind, Object reply) {
        return switch (kind) {
            case PendingQueue.FUTURE_BULK -> reply == null || reply instanceof byte[];
            case PendingQueue.FUTURE_SIMPLE -> reply == null || reply instanceof String;
            case PendingQueue.FUTURE_INTEGER -> reply instanceof Long;
            default -> true;
        };
    }

    private static String expected(byte kind) {
        return switch (kind) {
            case PendingQueue.FUTURE_BULK -> "a bulk string or null";
            case PendingQueue.FUTURE_SIMPLE -> "a simple string or null";
            default -> "an integer";
        };
    }

    /** Fails one entry (not in the queue, or just taken out of it). */
    @SuppressWarnings("unchecked")
    void fail(byte kind, Object target, EventHandler handler, RedisError error) {
        switch (kind) {
            case PendingQueue.FUTURE, PendingQueue.FUTURE_BULK, PendingQueue.FUTURE_SIMPLE,
                    PendingQueue.FUTURE_INTEGER -> ((CompletableFuture<Object>) target).completeExceptionally(error);
            case PendingQueue.CALLBACK -> core.errors().deliver(error, handler);
            case PendingQueue.TX_PART, PendingQueue.TX_EXEC -> ((Transaction) target).fail(error);
            default -> {
                // DISCARD: told already.
            }
        }
    }

    /** Takes the head out of the queue and gives its permits back. */
    private void pop() {
        int charge = queue.headCharge();
        queue.pop();
        permits.release();
        if (charge > 0) {
            bytePermits.release(charge);
        }
    }

    /** Takes the head out and fails it: user code runs, which may close the client. */
    private void failHead(RedisError error) {
        byte kind = queue.headKind();
        Object target = queue.headTarget();
        EventHandler handler = queue.headHandler();
        pop();
        fail(kind, target, handler, error);
    }

    // ---- loss and close -----------------------------------------------------------------------

    @Override
    void onLost(RedisError cause) {
        // What was sent may or may not have run: it fails. What was not sent waits for the next
        // connection (or fails at once when reconnectWait is 0). Each failure runs user code,
        // which may close the client (emptying the queue) or issue more: the queue is read
        // again at every step, never counted beforehand.
        RedisError inFlight = new RedisError(cause.errcode(), cause.errmsg()
                + "; the command was sent and may or may not have run", false);
        while (queue.sent() > 0 && state != CLOSED) {
            failHead(inFlight);
        }
        if (state == CLOSED) {
            return;
        }
        if (everReady && options.reconnect() && reconnectWait == 0) {
            RedisError notSent = new RedisError(cause.errcode(), cause.errmsg()
                    + "; the command was not sent (reconnectWait is 0)", false);
            while (queue.size() > 0 && state != CLOSED) {
                failHead(notSent);
            }
            if (state == CLOSED) {
                return;
            }
            out.clear();
        }
        // The timer may be armed for a command timeout that no longer applies: while down,
        // reconnectWait governs what waits (and add() arms for it when the queue is empty now).
        rearm();
    }

    @Override
    void onClosed(RedisError cause) {
        closedFlag = true;
        RedisError e = cause != null ? cause : clientClosed();
        while (queue.size() > 0) {
            failHead(e);
        }
        if (timer != null) {
            timer.free();
            timer = null;
            timerArmed = false;
        }
        readyFuture.completeExceptionally(e);
        permits.release(WAKE_ALL);
        bytePermits.release(WAKE_ALL);
        closed.run();
    }

    // ---- timeouts -----------------------------------------------------------------------------

    private void arm(long nanos) {
        if (nanos == Long.MAX_VALUE || state == CLOSED) {
            return;
        }
        if (timer == null) {
            timer = loop.makeEvent(timeouts);
        }
        timer.add(Duration.ofNanos(Math.max(1_000_000, nanos)));
        timerArmed = true;
    }

    private void disarm() {
        if (timerArmed) {
            timer.remove();
            timerArmed = false;
        }
    }

    /**
     * Arms the timer for the next entry to expire under the rule of the present state (the
     * command timeout when ready, the shorter of it and reconnectWait otherwise), or disarms it.
     */
    private void rearm() {
        disarm();
        if (state == CLOSED) {
            return;
        }
        boolean ready = state == READY;
        int from = ready ? queue.expired() : 0;
        long limit = ready ? commandTimeout : downLimit();
        if (from >= queue.size() || limit == Long.MAX_VALUE) {
            return;
        }
        arm(queue.issuedAt(from) + limit - System.nanoTime());
    }

    /**
     * How long a command may wait while the connection is not ready: {@code reconnectWait}
     * (within the command timeout) while it is being made again, the command timeout alone
     * before it was ever made, as commands issued at once after connect wait for it.
     */
    private long downLimit() {
        return everReady ? Math.min(commandTimeout, reconnectWait) : commandTimeout;
    }

    /** Fails what waited too long, then arms the timer for the next to expire, if any. */
    private void expire() {
        timerArmed = false;
        if (state == CLOSED) {
            return;
        }
        long now = System.nanoTime();
        if (state != READY) {
            // Not connected: nothing waiting was sent, so what waited too long is dropped unsent,
            // its bytes first (before any user code runs), then its callers are told.
            long limit = downLimit();
            int size = queue.size();
            int k = 0;
            while (k < size && now - queue.issuedAt(k) >= limit) {
                k++;
            }
            // A transaction's block is one piece of bytes: its entries go all together or not at all.
            while (k > 0 && k < size && queue.kindAt(k - 1) == PendingQueue.TX_PART
                    && queue.targetAt(k) == queue.targetAt(k - 1)) {
                k++;
            }
            if (k > 0) {
                out.dropBefore(queue.endAt(k - 1));
                RedisError e = new RedisError(-1, "not sent: the connection to " + uri.where()
                        + (everReady ? " was not back within " : " was not made within ") + Duration.ofNanos(limit), false);
                for (int j = 0; j < k && state != CLOSED; j++) {
                    failHead(e);
                }
            }
            rearm();
            return;
        }
        if (commandTimeout == Long.MAX_VALUE) {
            return; // armed for a reconnect that came back in time
        }
        int i = queue.expired();
        while (i < queue.size() && now - queue.issuedAt(i) >= commandTimeout) {
            byte kind = queue.kindAt(i);
            if (kind != PendingQueue.DISCARD) {
                Object target = queue.targetAt(i);
                EventHandler handler = queue.handlerAt(i);
                queue.discardAt(i);
                // Recorded before user code runs, which may close the client or lose the connection.
                queue.expired(i + 1);
                fail(kind, target, handler, new RedisError(-1, "no reply from " + uri.where() + " within "
                        + options.commandTimeout() + " (the command stays in the pipeline and may still run)", false));
                if (state != READY) {
                    return; // closed (timer freed) or lost (onLost armed it again)
                }
                i = queue.expired();
            } else {
                i++;
                queue.expired(i);
            }
        }
        rearm();
    }

    /** The timer's callback. A class, not a lambda: made on the loop thread. */
    private final class Timeouts implements Runnable {
        @Override
        public void run() {
            expire();
        }
    }
}
