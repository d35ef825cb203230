package io.github.evasync.tcp;

import java.nio.ByteBuffer;

/** The zero-copy read callback: see {@link ReadCallback#ofBuffer(BufferReadCallback)}. */
@FunctionalInterface
public interface BufferReadCallback {
    /**
     * Handles arrived bytes.
     *
     * @param socket the socket they arrived on
     * @param data a read-only view of libevent's buffer, valid only during the call
     */
    void onRead(TcpSocket socket, ByteBuffer data);
}
