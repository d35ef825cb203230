package io.github.evasync.tcp;

/**
 * A listening TCP server on an event loop (cl-async's tcp-server).
 */
public interface TcpServer extends AutoCloseable {
    /** The port the server listens on. */
    int port();

    /** Stops accepting connections; idempotent. Open connections live on. */
    @Override
    void close();
}
