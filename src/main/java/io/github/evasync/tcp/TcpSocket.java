package io.github.evasync.tcp;

/**
 * A TCP connection on an event loop (cl-async's socket).
 */
public interface TcpSocket {
    /** Whether the socket is closed (cl-async's {@code socket-closed-p}). */
    boolean isClosed();

    /** Closes the socket after flushing what is buffered; idempotent. */
    void close();
}
