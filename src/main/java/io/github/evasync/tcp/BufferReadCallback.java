package io.github.evasync.tcp;

import java.nio.ByteBuffer;

/** The zero-copy read callback: see {@link ReadCallback#ofBuffer(BufferReadCallback)}. */
@FunctionalInterface
public interface BufferReadCallback {
    /**
     * Handles arrived bytes.
     *
     * @param socket the socket they arrived on
     * @param data a read-only view of libevent's buffer, valid only during the call and only
     *        until the callback reads the socket's input stream, disables its reading or closes
     *        it; touching it after that throws {@link IllegalStateException}
     */
    void onRead(TcpSocket socket, ByteBuffer data);
}
