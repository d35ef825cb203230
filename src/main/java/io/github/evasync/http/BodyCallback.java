package io.github.evasync.http;

import io.github.evasync.HttpError;

/** Receives a streamed request body ({@link HttpServerOptions#streamRequestBodies(boolean)}). */
@FunctionalInterface
public interface BodyCallback {
    /**
     * Handles the next piece of the body.
     *
     * @param piece the bytes, which the callee may keep; the last call may carry none
     * @param last whether the body is complete with this piece
     */
    void onBody(byte[] piece, boolean last);

    /**
     * Says that the body will never be complete: the client closed the connection or reset it,
     * the body stopped arriving for longer than the body timeout, it turned out malformed
     * half-way (the client is answered 400), or the server's shutdown grace ran out. No piece
     * follows, and the request's answer goes nowhere (answering it is allowed and does
     * nothing). Runs at most once, and never after a {@code last} piece. Does nothing unless
     * overridden.
     *
     * @param error why, with a text such as "the connection closed before the body was complete"
     */
    default void onAbort(HttpError error) {
    }
}
