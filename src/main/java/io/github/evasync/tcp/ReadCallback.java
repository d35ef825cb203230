package io.github.evasync.tcp;

import java.nio.ByteBuffer;

/**
 * Receives what arrives on a socket (cl-async's {@code read-cb}). The bytes are copied once,
 * from the memory they were read into to a new array that belongs to the callee.
 * For no copy at all, use {@link #ofBuffer(BufferReadCallback)}.
 */
@FunctionalInterface
public interface ReadCallback {
    /**
     * Handles arrived bytes.
     *
     * @param socket the socket they arrived on
     * @param data the bytes; the callee may keep the array
     */
    void onRead(TcpSocket socket, byte[] data);

    /**
     * Whether this callback wants a {@link ByteBuffer} view of the memory the bytes were read
     * into instead of a copy; true only for callbacks made by {@link #ofBuffer(BufferReadCallback)}.
     *
     * @return whether this callback wants a view instead of a copy
     */
    default boolean zeroCopy() {
        return false;
    }

    /**
     * Handles arrived bytes as a read-only view of the memory they were read into. The default
     * copies into an array and calls {@link #onRead(TcpSocket, byte[])}.
     *
     * @param socket the socket they arrived on
     * @param data a read-only view, valid only during the call
     */
    default void onRead(TcpSocket socket, ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        onRead(socket, copy);
    }

    /**
     * A read callback that is handed a read-only view of the bytes where they were read, valid
     * only for the call: no copy is made. A plain socket (TCP or Unix) is read with one
     * {@code recv} of up to 64 KiB per wakeup into a native buffer of its loop, which the next
     * read reuses; a TLS socket, and one whose {@code inputStream()} was asked for, is read by
     * libevent, and the view is then of its input buffer. The view ends when the call returns
     * (however it returns: a throw too), and earlier when the callback asks for, reads or skips
     * the socket's {@code inputStream()}, or calls {@code disable(true, ...)}, {@code close()}
     * or {@code closeNow()}. On a plain socket the bytes a view shows have been read, as they
     * are for a {@code byte[]} callback: an input stream asked for afterwards starts after them.
     * Touching an ended view throws {@link IllegalStateException}, never stale bytes or a later
     * read's; copy what you need to keep first. The view is confined to the loop thread: on any
     * other thread, touching it throws {@link java.lang.WrongThreadException}.
     *
     * @param callback the zero-copy callback
     * @return a read callback to pass to {@code tcpConnect} or {@code tcpServer}
     */
    static ReadCallback ofBuffer(BufferReadCallback callback) {
        java.util.Objects.requireNonNull(callback, "callback");
        return new ReadCallback() {
            @Override
            public void onRead(TcpSocket socket, byte[] data) {
                callback.onRead(socket, ByteBuffer.wrap(data).asReadOnlyBuffer());
            }

            @Override
            public boolean zeroCopy() {
                return true;
            }

            @Override
            public void onRead(TcpSocket socket, ByteBuffer data) {
                callback.onRead(socket, data);
            }
        };
    }
}
