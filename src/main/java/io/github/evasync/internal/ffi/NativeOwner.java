package io.github.evasync.internal.ffi;

import java.util.function.IntConsumer;
import java.util.function.LongConsumer;

/**
 * The base of the typed native owners ({@link NativeEvent} first; the bufferevent, listener and
 * DNS owners are to follow): one libevent object of one loop, registered in the loop's
 * {@link HandleTable} under the handle its callbacks carry, freed exactly once, and counted in
 * the loop's stats while it lives. An owner is its own {@link NativeCallbacks}, so an upcall
 * reaches it with no lookup of a kind and no cast. Loop thread only.
 */
public abstract class NativeOwner implements NativeCallbacks {
    private final HandleTable handles;
    private final IntConsumer count;
    private long handle;
    private boolean opened;
    private boolean freed;

    /**
     * @param handles the loop's table, which the upcalls look the owner up in
     * @param count told +1 when the native object exists and -1 when it is freed
     */
    protected NativeOwner(HandleTable handles, IntConsumer count) {
        this.handles = handles;
        this.count = count;
    }

    /**
     * Registers this owner and makes its native object: {@code allocate} gets the handle to
     * give libevent as the callback argument. If it throws, nothing is left registered,
     * counted or allocated. Once, from the subclass's constructor.
     *
     * <p>The order is for {@link StackOverflowError}, which can strike at any call: the count
     * goes first, and is undone from this same frame, at the depth where it just succeeded; the
     * registration and the allocation succeed or fail together ({@link HandleTable#register(Object,
     * NativeCallbacks, LongConsumer)}); and nothing is called after them, so an owner that made
     * its native object is always registered and counted. Counting last left a window where an
     * overflow in the count kept an object registered that nobody held or counted.
     */
    protected final void open(LongConsumer allocate) {
        if (opened) {
            throw new IllegalStateException("opened twice");
        }
        count.accept(1);
        try {
            handle = handles.register(this, this, allocate);
        } catch (Throwable t) {
            count.accept(-1);
            abandon();
            throw t;
        }
        opened = true;
    }

    /**
     * {@link #open(LongConsumer)} for an owner whose native object is made later (or elsewhere):
     * registers and counts it only.
     */
    protected final void open() {
        open(new NoAllocation());
    }

    /**
     * Allocates nothing. Owners pass classes, not lambdas, to {@link #open}: they are made inside
     * API calls on the loop thread, where a lambda linked first could be cut short for the JVM's
     * life (see {@code LoopCore.call}).
     */
    private static final class NoAllocation implements LongConsumer {
        @Override
        public void accept(long handle) {
        }
    }

    /**
     * Frees what {@code allocate} made before it failed (an allocation stored, then a check that
     * threw); runs from {@link #open} only. Does nothing unless overridden.
     */
    protected void abandon() {
    }

    /** {@return the handle libevent gives back to the upcalls for this owner} */
    protected final long handle() {
        return handle;
    }

    /** {@return whether the native object was freed} */
    public final boolean isFreed() {
        return freed;
    }

    /** Frees the native object, once; {@return false when it was freed already} */
    public final boolean free() {
        if (freed || !opened) {
            return false;
        }
        freed = true;
        handles.release(handle);
        count.accept(-1);
        freeNative();
        return true;
    }

    /** Frees what libevent holds for this owner; runs once, after it left the table. */
    protected abstract void freeNative();

    /**
     * The loop closes under this owner: it is freed, then {@link #released()} tells its user.
     * Must not call back into application code.
     */
    @Override
    public final void release(Object target) {
        if (free()) {
            released();
        }
    }

    /** Runs after the loop's closing freed this owner; does nothing unless overridden. */
    protected void released() {
    }
}
