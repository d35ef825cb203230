package io.github.evasync;

import io.github.evasync.tcp.TcpSocket;

/**
 * A TLS failure on a socket (cl-async's {@code tcp-ssl-error}): a handshake the peer or this
 * side refused, a certificate that did not verify, a protocol error on an established
 * connection. {@link #errcode()} is OpenSSL's packed error code, or the X.509 verify result when
 * the peer's certificate did not verify; {@link #errmsg()} is OpenSSL's text (for a certificate
 * that did not verify it holds {@code certificate verify failed}, then the verify result's
 * reason). A handshake that outlives its timeout is a {@link TcpTimeout} instead.
 */
public final class TlsError extends TcpError {
    /**
     * Makes the condition.
     *
     * @param socket the socket, or null
     * @param errcode OpenSSL's error code or the X.509 verify result, or -1 when evasync found the error
     * @param errmsg OpenSSL's text
     */
    public TlsError(TcpSocket socket, int errcode, String errmsg) {
        super(socket, errcode, errmsg);
    }
}
