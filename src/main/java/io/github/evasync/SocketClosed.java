package io.github.evasync;

import io.github.evasync.tcp.TcpSocket;

/** Thrown when a closed socket is used (cl-async's {@code socket-closed}). */
public final class SocketClosed extends TcpError {
    /**
     * Makes the error.
     *
     * @param socket the closed socket
     */
    public SocketClosed(TcpSocket socket) {
        super(socket, -1, "socket is closed", true);
    }
}
