package io.github.evasync.tcp;

/**
 * A listening TCP server on an event loop (cl-async's tcp-server), made by
 * {@code loop.tcpServer}, or a Unix-domain stream server made by {@code loop.unixServer}. Each
 * accepted connection becomes a {@link TcpSocket} that calls the server's read callback and
 * event handler.
 */
public interface TcpServer extends AutoCloseable {
    /**
     * {@return the port the server listens on: the one asked for, or the one the system chose
     * for 0; 0 for a Unix-domain server}
     */
    int port();

    /** {@return the socket file of a Unix-domain server ({@code loop.unixServer}); null for TCP} */
    default java.nio.file.Path path() {
        return null;
    }

    /**
     * Stops accepting connections (cl-async's {@code close-tcp-server}); idempotent.
     * Connections already accepted live on until they close.
     */
    @Override
    void close();

    /** {@return whether {@link #close()} or {@link #shutdown} was called} */
    boolean isClosed();

    /**
     * Shuts the server down gracefully: it stops accepting at once, lets the connections it
     * accepted end by themselves, and closes at once those still open when {@code grace} runs
     * out. Safe from any thread; calling it again returns the same future.
     *
     * @param grace how long the open connections may take to end
     * @return a future completed once the last accepted connection has closed (at once when
     *     the loop has closed already); it fails with an {@code IllegalStateException} when the
     *     loop closes during the grace, since the connections were then cut rather than let end
     */
    java.util.concurrent.CompletableFuture<Void> shutdown(java.time.Duration grace);
}
