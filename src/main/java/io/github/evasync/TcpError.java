package io.github.evasync;

import io.github.evasync.tcp.TcpSocket;

/** An error on a TCP socket (cl-async's {@code tcp-error}). */
public sealed class TcpError extends ConnectionError implements TcpInfo
        permits SocketClosed, TcpAcceptError, TcpRefused, TcpServerBindError, TcpTimeout, TlsError {
    private final transient TcpSocket socket;

    /**
     * Makes a TCP error condition.
     *
     * @param socket the socket, or null
     * @param errcode errno, or -1 when evasync made the error
     * @param errmsg the error's text
     */
    public TcpError(TcpSocket socket, int errcode, String errmsg) {
        this(socket, errcode, errmsg, false);
    }

    /**
     * Makes a TCP error condition, with a stack trace when it is thrown at a caller.
     *
     * @param socket the socket, or null
     * @param errcode errno, or -1 when evasync made the error
     * @param errmsg the error's text
     * @param thrown whether to fill in a stack trace
     */
    protected TcpError(TcpSocket socket, int errcode, String errmsg, boolean thrown) {
        super(errcode, errmsg, thrown);
        this.socket = socket;
    }

    @Override
    public TcpSocket socket() {
        return socket;
    }
}
