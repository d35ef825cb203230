package io.github.evasync.internal.ffi;

import java.lang.foreign.MemorySegment;

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

    /** {@code bufferevent_data_cb} for reading: input arrived. */
    default void onBufferRead(Object target) {
        throw new IllegalStateException("unexpected bufferevent read callback for " + target);
    }

    /** {@code bufferevent_data_cb} for writing: output fell to the low watermark. */
    default void onBufferWrite(Object target) {
        throw new IllegalStateException("unexpected bufferevent write callback for " + target);
    }

    /**
     * {@code bufferevent_event_cb}: connected, end of file, timeout or error.
     *
     * @param errno the thread's errno as the upcall began (EVUTIL_SOCKET_ERROR on POSIX)
     */
    default void onBufferEvent(Object target, short what, int errno) {
        throw new IllegalStateException("unexpected bufferevent event callback for " + target);
    }

    /** {@code evconnlistener_cb}: a connection was accepted on {@code fd}. */
    default void onAccept(Object target, int fd, MemorySegment address, int addressLength) {
        throw new IllegalStateException("unexpected accept callback for " + target);
    }

    /** {@code evconnlistener_errorcb}: accept failed with {@code errno}. */
    default void onAcceptError(Object target, int errno) {
        throw new IllegalStateException("unexpected accept error callback for " + target);
    }

    /** {@code evdns_getaddrinfo_cb}: a lookup ended with {@code result} and the list {@code res}. */
    default void onAddrinfo(Object target, int result, MemorySegment res) {
        throw new IllegalStateException("unexpected getaddrinfo callback for " + target);
    }

    /**
     * Frees the target's native resources because its loop is closing. Runs on the loop thread
     * before the event base is freed; must not call back into user code.
     */
    void release(Object target);
}
