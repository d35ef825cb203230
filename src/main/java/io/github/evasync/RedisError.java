package io.github.evasync;

/**
 * A failure of a Redis command or connection ({@code io.github.evasync.redis}).
 *
 * <p>Two kinds, told apart by {@link #fromServer()}:
 * <ul>
 *   <li>The server's error reply ({@code -ERR unknown command}, {@code -WRONGTYPE ...}, a RESP3
 *       blob error): {@link #errmsg()} is the server's text, {@link #code()} its first word
 *       ({@code "ERR"}, {@code "WRONGTYPE"}), and the connection goes on working.</li>
 *   <li>Something evasync saw: the connection was lost or could not be made (the commands in
 *       flight fail with it), a reply was malformed ({@link #errmsg()} names the byte offset in
 *       the stream) or larger than {@code maxReplyBytes}, a command timed out, the client's
 *       queue was full, the client was closed. {@link #errcode()} is then the errno behind a
 *       lost connection, or -1.</li>
 * </ul>
 * Like every condition it carries no stack trace unless it is thrown at a caller.
 */
public final class RedisError extends ConnectionError {
    /** Whether the server sent it as an error reply. */
    private final boolean fromServer;

    /**
     * Makes the condition, without a stack trace.
     *
     * @param errcode errno behind a lost connection, or -1
     * @param errmsg the server's error text, or evasync's description
     * @param fromServer whether it is the server's error reply
     */
    public RedisError(int errcode, String errmsg, boolean fromServer) {
        this(errcode, errmsg, fromServer, false);
    }

    /**
     * Makes the condition, with a stack trace when it is thrown at a caller.
     *
     * @param errcode errno behind a lost connection, or -1
     * @param errmsg the server's error text, or evasync's description
     * @param fromServer whether it is the server's error reply
     * @param thrown whether to fill in a stack trace
     */
    public RedisError(int errcode, String errmsg, boolean fromServer, boolean thrown) {
        super(errcode, errmsg, thrown);
        this.fromServer = fromServer;
    }

    /** {@return whether this is the server's error reply rather than a failure evasync saw} */
    public boolean fromServer() {
        return fromServer;
    }

    /**
     * {@return the first word of a server's error reply, such as {@code "ERR"}, {@code "WRONGTYPE"}
     * or {@code "NOAUTH"}; null when the error is not the server's}
     */
    public String code() {
        if (!fromServer) {
            return null;
        }
        String m = errmsg();
        int sp = m.indexOf(' ');
        return sp < 0 ? m : m.substring(0, sp);
    }
}
