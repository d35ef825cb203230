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
     * give libevent as the callback argument. If it throws, nothing is left registered or
     * counted. Once, from the subclass's constructor.
     */
    protected final void open(LongConsumer allocate) {
        if (opened) {
            throw new IllegalStateException("opened twice");
        }
        handle = handles.register(this, this, allocate);
        opened = true;
        count.accept(1);
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
