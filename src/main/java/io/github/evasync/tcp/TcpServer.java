package io.github.evasync.tcp;

/**
 * A listening TCP server on an event loop (cl-async's tcp-server), made by
 * {@code loop.tcpServer}. Each accepted connection becomes a {@link TcpSocket} that calls the
 * server's read callback and event handler.
 */
public interface TcpServer extends AutoCloseable {
    /** {@return the port the server listens on: the one asked for, or the one the system chose for 0} */
    int port();

    /**
     * Stops accepting connections (cl-async's {@code close-tcp-server}); idempotent.
     * Connections already accepted live on until they close.
     */
    @Override
    void close();

    /** {@return whether {@link #close()} was called} */
    boolean isClosed();
}
