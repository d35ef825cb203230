package io.github.evasync;

import io.github.evasync.tcp.TcpSocket;

/** The peer closed its side of a TCP connection (cl-async's {@code tcp-eof}). Not an error. */
public final class TcpEof extends ConnectionInfo implements TcpInfo {
    private final transient TcpSocket socket;

    /**
     * Makes the condition.
     *
     * @param socket the socket whose peer closed
     */
    public TcpEof(TcpSocket socket) {
        super("peer closed the connection");
        this.socket = socket;
    }

    @Override
    public TcpSocket socket() {
        return socket;
    }
}
