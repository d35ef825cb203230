package io.github.evasync.internal.loop;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Whether a producer of tasks must wake the loop: Netty's protocol (its epoll loop's
 * {@code nextWakeupNanos}). The loop says {@link #WAITING} before it may block in libevent and
 * {@link #AWAKE} while it runs tasks from Java; a producer that queued a task writes a wakeup only
 * if it sees {@code WAITING}, and only the one whose compare-and-set turns it into {@code AWAKE}
 * writes it, so a burst of tasks costs one wakeup and a loop that is busy costs none.
 *
 * <p>Why no wakeup is lost. The loop stores {@code WAITING} (volatile), then reads the queue's
 * producer index (volatile) before it blocks; a producer updates that index (a compare-and-set or a
 * volatile store), then reads this state (volatile). Volatile accesses have one total order, so
 * either the loop's read sees the task and the loop does not block, or the producer's read comes
 * after the loop's store and sees {@code WAITING}, and wakes it. Storing {@code AWAKE} needs no
 * such order: it only spares producers a wakeup while the loop will look at the queue anyway.
 *
 * <p>Inside libevent's {@code event_base_loop} the loop runs tasks only through the wake event,
 * so there the state is {@code WAITING}, except that it is {@code AWAKE} from a claimed wakeup
 * until the wake event's callback ends, and stays so after it only when no other event is active:
 * the turn then ends, and the loop looks at the queue before it waits again (see
 * {@code LoopCore.onWake}).
 */
final class LoopWake {
    /** The loop runs Java code that looks at the queue before it blocks; producers need not wake it. */
    static final int AWAKE = 0;
    /** The loop may be in, or on its way into, libevent's wait: the next producer wakes it. */
    static final int WAITING = 1;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(LoopWake.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The state. Written directly (a volatile store) by a producer whose wakeup failed, rather
     * than through a method: see {@code LoopCore.execute}.
     */
    volatile int state = AWAKE;

    /**
     * Loop thread, before a turn that may block: says {@code WAITING}, then whether {@code tasks}
     * is still empty. When it is not, the caller must make the turn run the tasks (claiming the
     * wakeup with {@link #claimWakeup()} first, as a producer would).
     */
    boolean waitingAndEmpty(TaskQueue<?> tasks) {
        state = WAITING; // volatile store: ordered before the queue's volatile read below
        return tasks.isEmpty();
    }

    /** Loop thread: it runs Java code again and will look at the queue before blocking. */
    void awake() {
        // Release is enough (see the class comment); it spares the full fence of a volatile store.
        STATE.setRelease(this, AWAKE);
    }

    /**
     * After queuing a task: whether the caller must wake the loop. True for one caller per
     * {@code WAITING}; a plain read first, so a busy loop costs producers no atomic operation.
     */
    boolean claimWakeup() {
        return state == WAITING && STATE.compareAndSet(this, WAITING, AWAKE);
    }
}
