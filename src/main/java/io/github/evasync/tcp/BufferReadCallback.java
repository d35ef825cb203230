package io.github.evasync.tcp;

import java.nio.ByteBuffer;

/** The zero-copy read callback: see {@link ReadCallback#ofBuffer(BufferReadCallback)}. */
@FunctionalInterface
public interface BufferReadCallback {
    /**
     * Handles arrived bytes.
     *
     * @param socket the socket they arrived on
     * @param data a read-only view of the bytes where they were read (the loop's read buffer,
     *        or libevent's for a TLS socket), valid only during the call and only
     *        until the callback asks for the socket's input stream, disables its reading or closes
     *        it; touching it after that throws {@link IllegalStateException}
     */
    void onRead(TcpSocket socket, ByteBuffer data);
}
