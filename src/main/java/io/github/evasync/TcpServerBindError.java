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
    /** The socket file of a Unix-domain server; null for TCP. Not serialised: a Path need not be. */
    private final transient java.nio.file.Path path;

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
        this.path = null;
    }

    /**
     * Makes the error of a Unix-domain server ({@code loop.unixServer}): its
     * {@link #bindAddress()} is the path as a string, its port 0.
     *
     * @param path the socket file that could not be bound
     * @param errcode errno, or -1 when evasync refused
     * @param errmsg the error's text
     */
    public TcpServerBindError(java.nio.file.Path path, int errcode, String errmsg) {
        super(null, errcode, "cannot bind " + path + ": " + errmsg, true);
        this.bindAddress = path.toString();
        this.port = 0;
        this.path = path;
    }

    /** {@return the socket file a Unix-domain server could not bind; null for TCP} */
    public java.nio.file.Path path() {
        return path;
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
