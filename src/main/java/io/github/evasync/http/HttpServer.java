package io.github.evasync.http;

/** A listening HTTP/1.1 server on an event loop, made by {@code loop.httpServer}. */
public interface HttpServer extends AutoCloseable {
    /** {@return the port the server listens on} */
    int port();

    /** Stops accepting connections (cl-async's {@code close-http-server}); idempotent. */
    @Override
    void close();
}
