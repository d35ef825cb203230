package io.github.evasync;

/**
 * The root of evasync's conditions (cl-async's {@code connection-info}): something that happened
 * on a connection and is worth telling its {@link EventHandler}, error or not.
 *
 * <p>Conditions are made by the loop and passed to handlers rather than thrown, so they carry no
 * stack trace (which would only show the loop's own frames) unless they are thrown at a caller,
 * as {@link SocketClosed}, {@link TcpServerBindError} are. Match them with a {@code switch}:
 * <pre>{@code
 * EventHandler h = ev -> {
 *     switch (ev) {
 *         case TcpEof eof -> eof.socket().close();
 *         case TcpTimeout t -> System.out.println("timed out: " + t.socket());
 *         case ConnectionError e -> System.err.println(e.errcode() + " " + e.errmsg());
 *         default -> { }
 *     }
 * };
 * }</pre>
 */
public class ConnectionInfo extends RuntimeException {
    /**
     * Makes a condition without a stack trace.
     *
     * @param message what happened
     */
    public ConnectionInfo(String message) {
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
