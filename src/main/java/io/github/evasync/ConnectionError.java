package io.github.evasync;

/**
 * A condition that is an error (cl-async's {@code connection-error}), with the operating system's
 * or libevent's code and text. {@link #errcode()} is -1 where evasync itself found the error.
 */
public abstract sealed class ConnectionError extends ConnectionInfo permits DnsError, HttpError, RedisError, TcpError, UdpError {
    /** The code: errno, a libevent code, or -1. */
    private final int errcode;
    /** The code's text. */
    private final String errmsg;

    /**
     * Makes an error condition without a stack trace.
     *
     * @param errcode errno, a libevent code, or -1 when evasync made the error
     * @param errmsg the text for {@code errcode}
     */
    protected ConnectionError(int errcode, String errmsg) {
        this(errcode, errmsg, false);
    }

    /**
     * Makes an error condition, with a stack trace when it is thrown at a caller.
     *
     * @param errcode errno, a libevent code, or -1 when evasync made the error
     * @param errmsg the text for {@code errcode}
     * @param thrown whether to fill in a stack trace
     */
    protected ConnectionError(int errcode, String errmsg, boolean thrown) {
        this(null, errcode, errmsg, thrown);
    }

    /**
     * Makes an error condition whose message names what it is about ({@code subject}, a host
     * say) before the text, while {@link #errmsg()} stays the text alone.
     */
    ConnectionError(String subject, int errcode, String errmsg, boolean thrown) {
        super((subject == null ? "" : subject + ": ") + (errcode < 0 ? errmsg : errmsg + " (" + errcode + ")"), thrown);
        this.errcode = errcode;
        this.errmsg = errmsg;
    }

    /** {@return the error's code: errno or a libevent code, or -1 when evasync made it} */
    public int errcode() {
        return errcode;
    }

    /** {@return the error's text, as {@code strerror} or libevent gives it} */
    public String errmsg() {
        return errmsg;
    }
}
