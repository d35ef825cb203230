package io.github.evasync;

/**
 * The root of evasync's conditions (cl-async's {@code connection-info}): something that happened
 * on a connection and is worth telling its {@link EventHandler}, error or not.
 *
 * <p>Conditions are made by the loop and passed to handlers rather than thrown, so they carry no
 * stack trace (which would only show the loop's own frames) unless they are thrown at a caller,
 * as {@link SocketClosed}, {@link TcpServerBindError} are. The hierarchy is sealed, so a
 * {@code switch} over a condition is checked for exhaustiveness and needs no {@code default}:
 * <pre>{@code
 * EventHandler h = ev -> {
 *     if (ev instanceof ConnectionInfo condition) {
 *         switch (condition) {
 *             case TcpEof eof -> eof.socket().close();
 *             case TcpTimeout t -> System.out.println("timed out: " + t.socket());
 *             case TcpError e -> System.err.println("tcp: " + e.errmsg());
 *             case DnsError e -> System.err.println("dns: " + e.host() + ": " + e.errmsg());
 *             case HttpError e -> System.err.println("http: " + e.errmsg());
 *             case UdpError e -> System.err.println("udp: " + e.errmsg());
 *             case RedisError e -> System.err.println("redis: " + e.errmsg());
 *         }
 *     } else {
 *         System.err.println("from a callback: " + ev); // with catchAppErrors
 *     }
 * };
 * }</pre>
 */
public abstract sealed class ConnectionInfo extends RuntimeException permits ConnectionError, TcpEof {
    /**
     * Makes a condition without a stack trace.
     *
     * @param message what happened
     */
    protected ConnectionInfo(String message) {
        this(message, false);
    }

    /**
     * Makes a condition, with a stack trace when it will be thrown at a caller.
     *
     * @param message what happened
     * @param thrown whether to fill in a stack trace
     */
    protected ConnectionInfo(String message, boolean thrown) {
        super(message, null, false, thrown);
    }
}
