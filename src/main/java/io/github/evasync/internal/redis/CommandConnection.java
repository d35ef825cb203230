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
 * bounded by {@link RedisOptions#queueLimit(int)} permits, taken when a command is issued (on the
 * issuing thread, so a thread other than the loop's can wait for one) and given back when its
 * entry leaves the queue. One timer, armed only while something waits, enforces the command
 * timeout and the wait for a reconnect. Loop thread only, except {@link #permits}.
 */
final class CommandConnection extends RedisConnection {
    /** Permits given out when the client closes, so that threads waiting for room wake and see it. */
    private static final int WAKE_ALL = Integer.MAX_VALUE / 2;

    final PendingQueue queue = new PendingQueue();
    final Semaphore permits;
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
        this.closed = closed;
        this.commandTimeout = options.commandTimeout() == null ? Long.MAX_VALUE : options.commandTimeout().toNanos();
        this.reconnectWait = options.reconnectWait().toNanos();
    }

    // ---- admission ----------------------------------------------------------------------------

    /**
     * Whether a command may be queued now; if not, {@code target} is failed with the reason. A
     * permit is taken here for each of {@code n} entries.
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

    static RedisError clientClosed() {
        return new RedisError(-1, "the Redis client is closed", false);
    }

    /** Queues an entry whose bytes were just encoded into {@link #out}; its permit is held. */
    void add(Object target, EventHandler handler, byte kind) {
        long now = System.nanoTime();
        queue.add(target, handler, kind, now, out.position());
        if (!timerArmed && (commandTimeout != Long.MAX_VALUE || state != READY)) {
            arm(state == READY ? commandTimeout : Math.min(commandTimeout, reconnectWait));
        }
        requestFlush();
    }

    /** Queues a command encoded on another thread (its permits are held), or fails it. */
    void addEncoded(byte[] encoded, Object target, EventHandler handler, byte kind, int parts) {
        RedisError refusal = refusal();
        if (refusal != null) {
            permits.release(parts);
            fail(kind, target, handler, refusal);
            return;
        }
        out.raw(encoded);
        for (int i = 1; i < parts; i++) {
            queue.add(target, handler, PendingQueue.TX_PART, System.nanoTime(), out.position());
        }
        add(target, handler, kind);
    }

    // ---- replies ------------------------------------------------------------------------------

    @Override
    void flushed() {
        queue.allSent();
    }

    @Override
    void onReady() {
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
        queue.pop();
        permits.release();
        complete(kind, target, handler, reply);
    }

    @SuppressWarnings("unchecked")
    private void complete(byte kind, Object target, EventHandler handler, Object reply) {
        switch (kind) {
            case PendingQueue.FUTURE -> {
                CompletableFuture<Object> f = (CompletableFuture<Object>) target;
                if (reply instanceof RedisError e) {
                    f.completeExceptionally(e);
                } else {
                    f.complete(reply);
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

    /** Fails one entry (not in the queue, or just taken out of it). */
    @SuppressWarnings("unchecked")
    void fail(byte kind, Object target, EventHandler handler, RedisError error) {
        switch (kind) {
            case PendingQueue.FUTURE -> ((CompletableFuture<Object>) target).completeExceptionally(error);
            case PendingQueue.CALLBACK -> core.errors().deliver(error, handler);
            case PendingQueue.TX_PART, PendingQueue.TX_EXEC -> ((Transaction) target).fail(error);
            default -> {
                // DISCARD: told already.
            }
        }
    }

    private void failHead(RedisError error) {
        byte kind = queue.headKind();
        Object target = queue.headTarget();
        EventHandler handler = queue.headHandler();
        queue.pop();
        permits.release();
        fail(kind, target, handler, error);
    }

    // ---- loss and close -----------------------------------------------------------------------

    @Override
    void onLost(RedisError cause) {
        // What was sent may or may not have run: it fails. What was not sent waits for the next
        // connection (or fails at once when reconnectWait is 0).
        RedisError inFlight = new RedisError(cause.errcode(), cause.errmsg()
                + "; the command was sent and may or may not have run", false);
        for (int n = queue.sent(); n > 0; n--) {
            failHead(inFlight);
        }
        if (everReady && options.reconnect() && reconnectWait == 0) {
            RedisError notSent = new RedisError(cause.errcode(), cause.errmsg()
                    + "; the command was not sent (reconnectWait is 0)", false);
            while (queue.size() > 0) {
                failHead(notSent);
            }
            out.clear();
        }
        if (queue.size() > 0) {
            disarm();
            arm(Math.min(commandTimeout, reconnectWait));
        }
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
        closed.run();
    }

    // ---- timeouts -----------------------------------------------------------------------------

    private void arm(long nanos) {
        if (nanos == Long.MAX_VALUE) {
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

    /** Fails what waited too long, then arms the timer for the next to expire, if any. */
    private void expire() {
        timerArmed = false;
        long now = System.nanoTime();
        if (state != READY && state != CLOSED) {
            // Not connected: nothing waiting was sent, so what waited too long is dropped unsent.
            long limit = Math.min(commandTimeout, reconnectWait);
            long dropTo = -1;
            while (queue.size() > 0 && now - queue.headIssued() >= limit) {
                dropTo = queue.headEnd();
                failHead(new RedisError(-1, "not sent: the connection to " + uri.where()
                        + " was not back within " + Duration.ofNanos(limit), false));
            }
            if (dropTo >= 0) {
                out.dropBefore(dropTo);
            }
            if (queue.size() > 0) {
                arm(queue.headIssued() + limit - now);
            }
            return;
        }
        if (commandTimeout == Long.MAX_VALUE) {
            return; // armed for a reconnect that came back in time
        }
        int i = 0;
        int n = queue.size();
        while (i < n && now - queue.issuedAt(i) >= commandTimeout) {
            byte kind = queue.kindAt(i);
            if (kind != PendingQueue.DISCARD) {
                Object target = queue.targetAt(i);
                EventHandler handler = queue.handlerAt(i);
                queue.discardAt(i);
                fail(kind, target, handler, new RedisError(-1, "no reply from " + uri.where() + " within "
                        + options.commandTimeout() + " (the command stays in the pipeline and may still run)", false));
            }
            i++;
        }
        if (i < n) {
            arm(queue.issuedAt(i) + commandTimeout - now);
        }
    }

    /** The timer's callback. A class, not a lambda: made on the loop thread. */
    private final class Timeouts implements Runnable {
        @Override
        public void run() {
            expire();
        }
    }
}
