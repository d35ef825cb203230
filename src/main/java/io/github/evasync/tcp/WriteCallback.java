package io.github.evasync.tcp;

/** Called once written data has reached the kernel (cl-async's {@code write-cb}). */
@FunctionalInterface
public interface WriteCallback {
    /**
     * Handles the completed write.
     *
     * @param socket the socket written to
     */
    void onWrite(TcpSocket socket);
}
