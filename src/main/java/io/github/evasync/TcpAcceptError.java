package io.github.evasync;

import io.github.evasync.tcp.TcpServer;

/**
 * A TCP server failed to accept a connection (cl-async's {@code tcp-accept-error}), for example
 * because the process ran out of file descriptors. The server keeps listening.
 */
public final class TcpAcceptError extends TcpError {
    private final transient TcpServer server;

    /**
     * Makes the condition.
     *
     * @param server the server whose listener failed
     * @param errcode errno
     * @param errmsg the error's text
     */
    public TcpAcceptError(TcpServer server, int errcode, String errmsg) {
        super(null, errcode, errmsg);
        this.server = server;
    }

    /** {@return the listener that failed; in evasync the listener is the server itself} */
    public TcpServer listener() {
        return server;
    }

    /** {@return the server whose accept failed} */
    public TcpServer tcpServer() {
        return server;
    }
}
