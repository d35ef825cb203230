package io.github.evasync.internal.loop;

import io.github.evasync.EventFreed;
import io.github.evasync.EventHandler;
import io.github.evasync.LoopOptions;
import io.github.evasync.LoopStats;
import io.github.evasync.SocketClosed;
import io.github.evasync.internal.dns.Resolver;
import io.github.evasync.internal.ffi.DnsBase;
import io.github.evasync.internal.ffi.EventBase;
import io.github.evasync.internal.ffi.HandleTable;
import io.github.evasync.internal.ffi.LoopSink;
import io.github.evasync.internal.ffi.Native;
import io.github.evasync.internal.ffi.Scratch;
import io.github.evasync.internal.ffi.Upcalls;

import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The machinery behind one {@code EventLoop}: its thread, event base, handle table,
 * cross-thread task queue and wakeup, and its shutdown. Errors go through its
 * {@link LoopErrors}, DNS through its {@link Resolver}, counts into its {@link LoopCounts}. The
 * public loop holds its core and hands it to the internal code it calls; the core never calls
 * back through the public loop.
 *
 * <p>Everything here runs on the loop thread except {@link #execute}, {@link #submit},
 * {@link #call}, {@link #exit} and the state reads, which any thread may use (DESIGN.md,
 * mechanism 4).
 */
public final class LoopCore implements LoopSink {
    private static final ThreadLocal<LoopCore> CURRENT = new ThreadLocal<>();

    private static final int OPEN = 0;
    private static final int CLOSING = 1;
    private static final int CLOSED = 2;
    /** Tasks run in one go before the loop gives I/O a turn. */
    private static final int TASK_BATCH = 4096;
    /** The longest wait the alarm is armed for; a later deadline is reached in such steps. */
    private static final long MAX_ALARM_NANOS = 3_600_000_000_000L;

    private final LoopOptions options;
    private final boolean live;
    private final TaskQueue<Runnable> tasks;
    private final LoopWake wake;
    private final List<Runnable> exitCallbacks = new ArrayList<>();
    /** Set once the exit callbacks have run: one added later runs at once. */
    private boolean exitCallbacksRan;
    private final java.util.ArrayDeque<Runnable> afterTurn = new java.util.ArrayDeque<>();
    private final java.util.Map<Class<?>, Object> attachments = new java.util.HashMap<>();
    private final java.util.Set<CompletableFuture<?>> pendingFutures = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile int state = OPEN;
    private volatile Thread thread;

    private EventBase base;
    private byte[] readAhead;
    private HandleTable handles;
    private boolean stopping;
    private boolean exitRequested;

    /**
     * An event made by an API call that has not returned it yet. An {@code Error} such as a
     * stack overflow can cut the call short between making the event and arming it; then
     * nobody holds the event, and {@link #dropNewborn()} frees it. Set and cleared with plain
     * field writes, which cannot overflow the stack as a call can.
     */
    public io.github.evasync.Event newborn;

    private final LoopCounts counts = new LoopCounts();
    private final LoopErrors errors;
    private final Resolver resolver = new Resolver(this);
    private final Timers timers = new Timers();
    /** The deadline the event base's alarm stands for while it is armed. */
    private long alarmAt;
    /** When this turn began on the timers' clock, read by {@link #armAlarm}; -1 when it did not need to. */
    private long turnAt;

    /**
     * Makes a loop's core; {@link #open()} then binds it to the loop thread.
     *
     * @param live true for a loop that runs until closed, even with nothing to do
     */
    public LoopCore(LoopOptions options, boolean live) {
        this.options = Objects.requireNonNull(options, "options");
        this.live = live;
        // Our classes are initialised (and the queue's call sites linked) on a fresh stack before
        // the first queue is made here at the caller's depth: an initialiser cut short by a stack
        // overflow would break every later loop in the JVM.
        Native.ensureAvailable();
        HardTimes.prepare();
        this.tasks = new TaskQueue<>();
        this.wake = new LoopWake();
        this.errors = new LoopErrors(options, live, this::stopForFailure);
    }

    /** The core of the loop the calling thread runs, or null. */
    public static LoopCore current() {
        return CURRENT.get();
    }

    /** Creates the event base on the calling thread, which becomes the loop thread. */
    public void open() {
        Native.ensureAvailable();
        HardTimes.prepare();
        Upcalls.routeLibeventLog();
        if (CURRENT.get() != null) {
            throw new IllegalStateException("this thread already runs an event loop; nest work with delay() instead");
        }
        handles = new HandleTable(this);
        try {
            base = new EventBase(handles, this::onWake);
        } catch (RuntimeException | Error e) {
            handles.close();
            throw e;
        }
        thread = Thread.currentThread();
        CURRENT.set(this);
    }

    /**
     * Runs the loop on the calling thread until it exits: a {@code run} loop also returns when
     * nothing is left to do.
     *
     * @return true when it ran out of work, false after {@link #exit()} or a failure
     */
    public boolean loop() {
        while (!stopping) {
            dropNewborn();
            runTasks();
            // What those tasks left for the end of the turn (a Redis client's flush, say) is done
            // now: the turn below may block, and it would wait behind it until some event came.
            runAfterTurn();
            if (stopping) {
                break;
            }
            if (!live && idle()) {
                return true;
            }
            // From here until the turn returns, tasks run only through the wake event; say so
            // (WAITING), then look at the queue once more: a task queued since runTasks saw it
            // empty, by a producer that saw AWAKE and wrote no wakeup, is found here (LoopWake).
            // A batch cut short is found here too. The wake event made active means the turn
            // does not block, and its callback runs them even if the turn goes on for long.
            if (!wake.waitingAndEmpty(tasks) && wake.claimWakeup()) {
                base.wakeOnLoop();
            }
            int turn = timers.nextSeq();
            turnAt = -1;
            if (armAlarm()) {
                base.runOnce();
            } else {
                base.runReady(); // a timer is due: I/O gets its turn, without waiting
            }
            wake.awake();
            timers.runExpired(this, turn, turnAt);
            timers.shrinkIfSparse();
            runAfterTurn();
        }
        return false;
    }

    /**
     * Arms the event base's alarm for the earliest timer deadline, when it is not armed for it or
     * earlier already (an alarm left from a cancelled timer only costs one early wakeup, cheaper
     * than moving it at every cancel). Waits longer than an hour are made in steps, so that
     * libevent's clock arithmetic never sees a huge one.
     *
     * @return false when a timer is due already, or the alarm could not be armed: the turn must not wait
     */
    private boolean armAlarm() {
        long next = timers.nextDeadline();
        if (next == Timers.NEVER) {
            return true;
        }
        long now = timers.now();
        turnAt = now;
        if (next <= now) {
            return false;
        }
        long at = Math.min(next, now + MAX_ALARM_NANOS);
        if (!base.alarmArmed() || at < alarmAt) {
            if (!base.armAlarm(at - now)) {
                return false; // no alarm to end a wait: this turn does not wait, the next one tries again
            }
            alarmAt = at;
        }
        return true;
    }

    /** The loop's timers: {@code delay}, {@code interval} and evasync's own. Loop thread only. */
    public Timers timers() {
        return timers;
    }

    private void runAfterTurn() {
        for (Runnable r; (r = afterTurn.pollFirst()) != null; ) {
            try {
                r.run();
            } catch (Throwable t) {
                errors.callbackFailed(t, null);
            }
        }
    }

    /**
     * Runs {@code r} once this turn's callbacks have all run, before the loop waits again or
     * checks whether it is idle: cheaper than an event for internal tidying. Loop thread only.
     */
    public void afterTurn(Runnable r) {
        afterTurn.addLast(r);
    }

    private boolean idle() {
        // The wakeup event is always added; anything more is work.
        return tasks.isEmpty() && timers.nextDeadline() == Timers.NEVER && base.eventCount() <= 1;
    }

    /**
     * Stops the loop and frees everything it owns: exit callbacks run, queued tasks run, every
     * registered object frees its native part, then the event base goes. Idempotent.
     */
    public void shutdown() {
        if (state == CLOSED || base == null) {
            state = CLOSED;
            return;
        }
        stopping = true;
        state = CLOSING;
        // Sealed at once: a task offered after this is refused (its execute throws); every task
        // offered before runs below, even if an exit callback's failure cuts the rest short
        // (exit callbacks cannot queue tasks: execute already refuses while closing).
        tasks.close();
        try {
            dropNewborn();
            // By index: a callback added by another exit callback runs too, in its turn.
            for (int i = 0; i < exitCallbacks.size(); i++) {
                guarded(exitCallbacks.get(i));
            }
        } finally {
            exitCallbacksRan = true;
            try {
                Runnable r;
                while ((r = tasks.poll()) != null) {
                    guarded(r);
                }
                failPendingFutures();
            } finally {
                shutdownNative();
            }
        }
    }

    /** Whatever failed before, every native object and the base are freed all the same. */
    private void shutdownNative() {
        try {
            handles.releaseAll();
        } finally {
            try {
                resolver.close();
            } finally {
                // After the resolver, whose failed lookups reach the application's handlers, which
                // may still set timers: those are let go here with the rest.
                try {
                    timers.releaseAll();
                } finally {
                    try {
                        closeAttachments();
                    } finally {
                        freeNative();
                    }
                }
                CURRENT.remove();
                thread = null;
                state = CLOSED;
            }
        }
    }

    /**
     * Closes the attachments that hold memory of their own ({@link AutoCloseable} ones, such as the
     * zero-copy read buffer): after the sockets that read into them, before the base. One that
     * fails does not keep the others open.
     */
    private void closeAttachments() {
        for (Object a : attachments.values()) {
            if (a instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Throwable t) {
                    errors.callbackFailed(t, null);
                }
            }
        }
    }

    /** Exit callbacks and last tasks are application code: their exceptions follow the error rules. */
    private void guarded(Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            errors.callbackFailed(t, null);
        }
    }

    /** The loop's resolver and its count of queries in flight. */
    public Resolver resolver() {
        return resolver;
    }

    private void freeNative() {
        try {
            base.free();
        } finally {
            handles.close();
        }
    }

    /**
     * Keeps a future that the loop's work will complete (an HTTP answer, a lookup) until it
     * completes, so that a loop that ends first can complete it; every future completes.
     * Thread-safe.
     */
    public <T> void track(CompletableFuture<T> future) {
        pendingFutures.add(future);
        future.whenComplete(new Untrack(pendingFutures, future));
    }

    /**
     * Takes a completed future out of the tracked ones. A class rather than a lambda: tracking
     * happens inside API calls on the loop thread (see {@link #call}).
     */
    private static final class Untrack implements java.util.function.BiConsumer<Object, Throwable> {
        private final java.util.Set<CompletableFuture<?>> pending;
        private final CompletableFuture<?> future;

        Untrack(java.util.Set<CompletableFuture<?>> pending, CompletableFuture<?> future) {
            this.pending = pending;
            this.future = future;
        }

        @Override
        public void accept(Object result, Throwable failure) {
            pending.remove(future);
        }
    }

    private void failPendingFutures() {
        for (CompletableFuture<?> f : List.copyOf(pendingFutures)) {
            // Dependent stages run here; what they throw stays in their own futures.
            f.completeExceptionally(new LoopClosedException("the event loop closed before this completed"));
        }
        pendingFutures.clear();
    }

    /** Frees the event an API call made but was cut short before returning, if any. */
    public void dropNewborn() {
        io.github.evasync.Event e = newborn;
        if (e != null) {
            newborn = null;
            e.free();
        }
    }

    /** Whether {@link #exit()} ended the loop. */
    public boolean exitRequested() {
        return exitRequested;
    }

    /** Thread-safe: asks the loop to stop; pending events will be cancelled. */
    public void exit() {
        if (inLoop()) {
            exitRequested = true;
            stopping = true;
            base.breakLoop();
        } else if (state == OPEN) {
            try {
                execute(this::exit);
            } catch (IllegalStateException alreadyClosed) {
                // It stopped on its own meanwhile: nothing left to exit.
            }
        }
    }

    /** Whether the loop is open: not yet stopping on its way to close. */
    public boolean isOpen() {
        return state == OPEN;
    }

    /** Whether the calling thread is this loop's thread. */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** The loop thread, or null once closed. */
    public Thread thread() {
        return thread;
    }

    /** Whether this loop runs until closed. */
    public boolean live() {
        return live;
    }

    /** The loop's options. */
    public LoopOptions options() {
        return options;
    }

    /** The event base; loop thread only. */
    public EventBase eventBase() {
        return base;
    }

    /**
     * The loop's buffer that sockets {@code recv} into (loop thread only; what a read puts in it
     * is copied out before any callback runs).
     */
    public byte[] readAheadBuffer() {
        byte[] b = readAhead;
        if (b == null) {
            b = new byte[64 * 1024];
            readAhead = b;
        }
        return b;
    }

    /** The scratch allocator; loop thread only. */
    public Scratch scratch() {
        return base.scratch();
    }

    /** The handle table; loop thread only. */
    public HandleTable handles() {
        return handles;
    }

    /**
     * A per-loop object of a layer above (the HTTP client's connection pool, say), or null
     * before {@link #attach} put one; loop thread only.
     */
    public <T> T attachment(Class<T> type) {
        return type.cast(attachments.get(type));
    }

    /**
     * Keeps {@code value} as the loop's {@code type} object (see {@link #attachment}); loop thread
     * only. One that is {@link AutoCloseable} is closed as the loop frees its native part.
     */
    public <T> void attach(Class<T> type, T value) {
        attachments.put(type, value);
    }

    /**
     * Adds a callback run when the loop exits; one added by an exit callback runs too, and one
     * added once the exit callbacks have run (by a task of the loop's last drain, such as an
     * {@code onExit} from another thread that raced the close) runs at once: the loop is exiting.
     */
    public void onExit(Runnable r) {
        if (exitCallbacksRan) {
            guarded(r);
            return;
        }
        exitCallbacks.add(r);
    }

    // ---- cross-thread work ------------------------------------------------------------------

    /** Thread-safe: runs {@code task} on the loop thread on a later turn. */
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        // The state check only fails early; the queue decides: shutdown seals it before its last
        // drain, so an offer either lands before the seal and runs then, or is refused here.
        if (state != OPEN || !tasks.offer(task)) {
            throw closed();
        }
        if (wake.claimWakeup()) {
            try {
                if (inLoop()) {
                    // Inside a turn (a callback queues work): the wake event runs it in this turn.
                    base.wakeOnLoop();
                } else {
                    base.wake();
                }
            } catch (Throwable t) {
                // Back to WAITING so that the next producer wakes the loop: a field store, as a
                // call here, at the depth that just overflowed, could overflow too.
                wake.state = LoopWake.WAITING;
                throw t;
            }
        }
    }

    /** Thread-safe: runs {@code c} on the loop thread and completes the future with its result. */
    public <T> CompletableFuture<T> submit(Callable<T> c) {
        Objects.requireNonNull(c, "callable");
        CompletableFuture<T> f = new CompletableFuture<>();
        execute(() -> {
            try {
                f.complete(c.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    // Public methods guard with `if (!core.inLoop()) { return core.call(() -> sameMethod(...)); }`
    // and run their body directly on the loop thread, rather than always handing call/run a
    // lambda: a lambda expression is linked (its invokedynamic bootstrapped) the first time it
    // is evaluated, at whatever stack depth that first API call happens, and a bootstrap cut
    // short by a StackOverflowError leaves that call site failing with BootstrapMethodError for
    // the JVM's life (JVMS 5.4.3), so that API method would be broken for good. Lambdas are made
    // only on the hop path, by a thread that is not the loop's.

    /**
     * The thread rule in one place (DESIGN.md, mechanism 4): runs {@code c} on the loop thread
     * and returns its result. On the loop thread it runs at once; from a thread that runs no
     * loop it is carried over and waited for. From another loop's thread it throws instead of
     * waiting: two loops waiting for each other would never wake (API.md, "Loops calling loops").
     * Exceptions reach the caller unchanged.
     *
     * @throws LoopClosedException once the loop is closed
     * @throws IllegalStateException when called from another loop's thread
     */
    public <T> T call(Callable<T> c) {
        if (inLoop()) {
            try {
                return c.call();
            } catch (Exception e) {
                throw sneaky(e);
            }
        }
        if (CURRENT.get() != null) {
            throw new IllegalStateException("this call must wait for another event loop's answer, and waiting on a"
                    + " loop thread can deadlock the two loops; use that loop's submit(...) and go on in the"
                    + " future's callback");
        }
        try {
            return submit(c).join();
        } catch (CompletionException e) {
            throw sneaky(e.getCause());
        }
    }

    /**
     * Like {@link #call} for work without a result, except from another loop's thread: there
     * it is queued and the caller goes on at once. Queued work that finds its object closed
     * by the time it runs ({@link SocketClosed}, {@link EventFreed}) is dropped, as if the
     * object had closed just after it; any other refusal it meets (a descriptor closed meanwhile,
     * signal handling taken by a third loop) has no caller left to hear it and is logged: it must
     * not end this loop.
     *
     * @throws LoopClosedException once the loop is closed
     */
    public void run(Runnable r) {
        if (inLoop()) {
            r.run();
        } else if (CURRENT.get() != null) {
            execute(() -> {
                try {
                    r.run();
                } catch (SocketClosed | EventFreed closedMeanwhile) {
                    // Nothing left to act on.
                } catch (RuntimeException refused) {
                    errors().refusedWithoutCaller(refused);
                }
            });
        } else {
            call(() -> {
                r.run();
                return null;
            });
        }
    }

    /** Like {@link #run} for closing work: on a closed loop there is nothing left to close. */
    public void runUnlessClosed(Runnable r) {
        try {
            run(r);
        } catch (LoopClosedException alreadyClosed) {
            // Closing an object of a closed loop is a no-op: the loop freed it.
        }
    }

    /**
     * For calls that are safe from any thread and never wait: runs {@code r} at once on the
     * loop thread, and from any other thread queues it ({@link #execute}) and goes on.
     *
     * @throws LoopClosedException from another thread once the loop is closed
     */
    public void runOrQueue(Runnable r) {
        if (inLoop()) {
            r.run();
        } else {
            execute(r);
        }
    }

    /** Whether the calling thread runs some other loop than this one. */
    public boolean onOtherLoop() {
        LoopCore c = CURRENT.get();
        return c != null && c != this;
    }

    /**
     * The wake event fired inside a turn: a producer's wakeup, or the loop's own. Runs a batch of
     * tasks. When no other event is active the turn ends after this callback and {@link #loop()}
     * looks at the queue before it waits again, so producers need not wake it (AWAKE). When
     * others are, the turn goes on (they may keep activating one another) and runs tasks only
     * through this event: say WAITING again, as before the turn, so that new tasks wake it.
     */
    private void onWake() {
        wake.awake();
        runTasks();
        if (!stopping && base.activeCount() > 0 && !wake.waitingAndEmpty(tasks) && wake.claimWakeup()) {
            base.wakeOnLoop();
        }
    }

    /** Runs queued tasks, at most {@link #TASK_BATCH}, until the queue is empty or the loop stops. */
    private void runTasks() {
        int n = 0;
        Runnable r;
        while (!stopping && (r = tasks.poll()) != null) {
            try {
                r.run();
            } catch (Throwable t) {
                errors.callbackFailed(t, null);
            }
            if (++n == TASK_BATCH) {
                return;
            }
        }
    }

    /** The exception foreign callers get once the loop is closed. */
    public static LoopClosedException closed() {
        return new LoopClosedException();
    }

    // ---- error routing (API.md, "Error handling") --------------------------------------------

    /** Where the loop's errors go. */
    public LoopErrors errors() {
        return errors;
    }

    /** A {@code run} loop failed: it stops after this turn's callbacks. */
    private void stopForFailure() {
        stopping = true;
        if (base != null) {
            base.breakLoop();
        }
    }

    @Override
    public boolean stopping() {
        return stopping;
    }

    /**
     * How many native calls made inside an API call, which libevent may answer at once with an
     * upcall (a name from /etc/hosts), are under way. A throwable that escapes such an upcall (a
     * stack overflow near the end of the stack) is that API call's failure, not the loop's: it
     * is kept in {@link #upcallFailure} for the caller to throw once the native call returns.
     * Plain fields, set and read with plain writes, which cannot overflow the stack as a call can.
     */
    public int inNativeCall;
    /** What escaped an upcall while {@link #inNativeCall} was above zero; the first only. */
    public Throwable upcallFailure;

    @Override
    public void escaped(Throwable t) {
        if (inNativeCall > 0) {
            if (upcallFailure == null) {
                upcallFailure = t;
            }
            return;
        }
        errors.fatal(t);
    }

    // ---- introspection ---------------------------------------------------------------------

    /** What the loop counts; its owners report their changes there. */
    public LoopCounts counts() {
        return counts;
    }

    /** The loop's counters; the wake event is no object of the application's. */
    public LoopStats stats() {
        return counts.stats(resolver.queries(), handles.live() - 1, timers.size());
    }

    /** Rethrows any throwable without declaring it, keeping its type. */
    @SuppressWarnings("unchecked")
    public static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }

    /** A timer for evasync's own use, not armed yet; loop thread only. */
    public LoopTimer timer(Runnable action) {
        return new LoopTimer(this, action, false);
    }

    /** Runs {@code action} once after {@code delay}, for evasync's own use; loop thread only. */
    public LoopTimer delay(Duration delay, Runnable action) {
        LoopTimer t = new LoopTimer(this, action, true);
        try {
            t.start(delay);
        } catch (RuntimeException e) {
            t.free();
            throw e;
        }
        return t;
    }

    /** Names the loop by its thread, as its {@code EventLoop} does. */
    @Override
    public String toString() {
        Thread t = thread();
        return "EventLoop[" + (live() ? "live" : "run") + (isOpen() ? "" : ", closed")
                + (t != null ? ", thread=" + t.getName() : "") + "]";
    }
}
