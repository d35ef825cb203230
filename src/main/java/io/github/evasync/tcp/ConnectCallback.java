package io.github.evasync.tcp;

/** Called once a socket is connected, or accepted (cl-async's {@code connect-cb}). */
@FunctionalInterface
public interface ConnectCallback {
    /**
     * Handles the new connection.
     *
     * @param socket the connected socket
     */
    void onConnect(TcpSocket socket);
}
