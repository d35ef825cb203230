package io.github.evasync.http;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A listening HTTP/1.1 server on an event loop, made by {@code loop.httpServer}. */
public interface HttpServer extends AutoCloseable {
    /** {@return the port the server listens on; 0 for one on a Unix-domain socket} */
    int port();

    /**
     * Stops accepting connections (cl-async's {@code close-http-server}); the connections
     * already open go on until their clients or timeouts end them. Idempotent.
     */
    @Override
    void close();

    /**
     * Shuts the server down gracefully: it stops accepting at once, closes its idle keep-alive
     * connections, answers the requests it has already read (the last answer on each
     * connection says {@code Connection: close}, and nothing more is read after it), and
     * closes whatever is still open when {@code grace} runs out. Safe from any thread; calling
     * it again returns the same future.
     *
     * @param grace how long the requests in progress may take
     * @return a future completed once the last connection has closed (at once when the loop has
     *     closed already); it fails with an {@code IllegalStateException} when the loop closes
     *     during the grace, since its connections were then cut rather than drained
     */
    CompletableFuture<Void> shutdown(Duration grace);

    /** {@return whether the server has stopped accepting ({@link #close()} or {@link #shutdown})} */
    boolean isClosed();
}
