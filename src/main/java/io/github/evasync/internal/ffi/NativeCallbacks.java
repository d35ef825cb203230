package io.github.evasync.internal.ffi;

/**
 * How the upcalls reach one kind of Java object that libevent calls back into.
 *
 * <p>Each public package registers its objects in the loop's {@link HandleTable} together with
 * a singleton of this interface that knows their class; the static upcall stub of a C signature
 * calls the matching method here. A kind overrides only the callbacks its objects receive.
 */
public interface NativeCallbacks {
    /** {@code event_callback_fn}: an event's fd became ready, or its timeout passed. */
    default void onEvent(Object target, int fd, short what) {
        throw new IllegalStateException("unexpected event callback for " + target);
    }

    /**
     * Frees the target's native resources because its loop is closing. Runs on the loop thread
     * before the event base is freed; must not call back into user code.
     */
    void release(Object target);
}
