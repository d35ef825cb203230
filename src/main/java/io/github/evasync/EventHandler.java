package io.github.evasync;

/**
 * Receives the conditions of an operation (cl-async's {@code event-cb}): {@link TcpEof},
 * {@link TcpTimeout}, {@link DnsError} and the rest, and, with
 * {@link LoopOptions#catchAppErrors(boolean) catchAppErrors} on, the exceptions that the
 * operation's own callbacks threw.
 */
@FunctionalInterface
public interface EventHandler {
    /**
     * Handles one condition or caught exception. What this method throws exits the loop (or, on
     * a live loop, goes to the uncaught handler).
     *
     * @param event the condition or exception
     */
    void onEvent(Exception event);
}
