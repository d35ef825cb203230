package io.github.evasync.internal.loop;

/**
 * One timer in a loop's {@link Timers}: what the heap knows of it is its place and its order
 * among timers due at the same instant; its deadline lives in the heap's own key array, where
 * the comparisons read it without touching the node. A subclass says what firing and the loop's
 * closing mean. Loop thread only.
 */
public abstract class TimerNode {
    /** The node's place in the heap, or -1 while it is not scheduled. */
    int index = -1;
    /**
     * When it was scheduled, among all of its loop's schedulings: ties run first come, first
     * served. An int, compared by difference: it wraps after 2^31 schedulings, which only
     * misorders timers due at the very same nanosecond that many schedulings apart.
     */
    int seq;

    /** {@return whether the timer is in its loop's heap} */
    public final boolean isScheduled() {
        return index >= 0;
    }

    /**
     * The deadline passed; the node is out of the heap already, so this may schedule it again.
     *
     * @param deadline the deadline it had, on the heap's clock ({@link Timers#now()})
     */
    protected abstract void expired(long deadline);

    /** The loop closed with the timer still scheduled; must not call into application code. */
    protected abstract void released();
}
