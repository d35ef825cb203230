package io.github.evasync.tcp;

import java.nio.ByteBuffer;

/**
 * Receives what arrives on a socket (cl-async's {@code read-cb}). The bytes are copied once,
 * from libevent's buffer into a new array that belongs to the callee.
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
     * Whether this callback wants a {@link ByteBuffer} view of libevent's buffer instead of a
     * copy; true only for callbacks made by {@link #ofBuffer(BufferReadCallback)}.
     * @return whether this callback wants a {@link ByteBuffer} view of libevent's buffer instead of a copy; true only for callbacks made by {@link #ofBuffer(BufferReadCallback)}
     */
    default boolean zeroCopy() {
        return false;
    }

    /**
     * Handles arrived bytes as a read-only view of libevent's buffer. The default copies into
     * an array and calls {@link #onRead(TcpSocket, byte[])}.
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
     * A read callback that is handed a read-only view of libevent's own buffer, valid only for
     * the call: no copy is made. The view ends when the call returns, and earlier when the
     * callback does anything that drains, frees or re-routes the memory under it: reads or
     * skips the socket's {@code inputStream()}, or calls {@code disable(true, ...)},
     * {@code close()} or {@code closeNow()}. Touching an ended view throws
     * {@link IllegalStateException}, never stale bytes; copy what you need to keep first. The
     * view is confined to the loop thread.
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
