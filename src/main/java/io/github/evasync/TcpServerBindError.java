package io.github.evasync;

/**
 * Thrown by {@code tcpServer} when the address cannot be bound (cl-async's
 * {@code tcp-server-bind-error}), for example because it is already in use.
 */
public final class TcpServerBindError extends TcpError {
    /** The address asked for, or null for all. */
    private final String bindAddress;
    /** The port asked for. */
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

    /** {@return the address that could not be bound, or null for all addresses} */
    public String bindAddress() {
        return bindAddress;
    }

    /** {@return the port that could not be bound} */
    public int port() {
        return port;
    }
}
