package io.github.evasync.http;

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
}
