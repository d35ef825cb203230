package io.github.evasync;

import io.github.evasync.tcp.TcpSocket;

/** A TCP connection was refused by its peer (cl-async's {@code tcp-refused}). */
public final class TcpRefused extends TcpError {
    /**
     * Makes the condition.
     *
     * @param socket the socket
     * @param errcode errno, or -1 when evasync made the error
     * @param errmsg the error's text
     */
    public TcpRefused(TcpSocket socket, int errcode, String errmsg) {
        super(socket, errcode, errmsg);
    }
}
