package io.github.evasync;

import io.github.evasync.tcp.TcpSocket;

/** A read or write on a TCP socket timed out (cl-async's {@code tcp-timeout}). */
public final class TcpTimeout extends TcpError {
    /**
     * Makes the condition.
     *
     * @param socket the socket
     * @param errcode errno, or -1 when evasync made the error
     * @param errmsg the error's text
     */
    public TcpTimeout(TcpSocket socket, int errcode, String errmsg) {
        super(socket, errcode, errmsg);
    }
}
