package io.github.evasync;

/**
 * Thrown by {@code tcpServer} when the address cannot be bound (cl-async's
 * {@code tcp-server-bind-error}), for example because it is already in use.
 */
public class TcpServerBindError extends TcpError {
    private final String bindAddress;
    private final int port;

    /**
     * Makes the error.
     *
     * @param bindAddress the address asked for, or null for all addresses
     * @param port the port asked for
     * @param errcode errno
     * @param errmsg the error's text
     */
    public TcpServerBindError(String bindAddress, int port, int errcode, String errmsg) {
        super(null, errcode, "cannot bind " + (bindAddress == null ? "*" : bindAddress) + ":" + port + ": " + errmsg,
                true);
        this.bindAddress = bindAddress;
        this.port = port;
    }

    /** The address that could not be bound, or null for all addresses. */
    public String bindAddress() {
        return bindAddress;
    }

    /** The port that could not be bound. */
    public int port() {
        return port;
    }
}
