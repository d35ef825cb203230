package io.github.evasync.internal.http;

import io.github.evasync.EventHandler;
import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.internal.tcp.Connection;
import io.github.evasync.tcp.ReadCallback;

/**
 * A socket an HTTP connection handed over with its 101 answer ({@code HttpRequest.upgrade}),
 * and the bytes of the new protocol it had read already: they must reach the new owner before
 * anything the socket reads later, so the socket stays unread until they have.
 */
final class Upgraded {
    private final Connection socket;
    private final ReadCallback read;
    private final EventHandler handler;
    /** The new protocol's bytes read so far, or null. */
    byte[] rest;
    /** The socket's count of enable/disable calls as it was handed over: after it, the new owner's. */
    private final int readChoicesAtHandOver;

    Upgraded(Connection socket, ReadCallback read, EventHandler handler, byte[] rest) {
        this.socket = socket;
        this.read = read;
        this.handler = handler;
        this.rest = rest;
        this.readChoicesAtHandOver = socket.readChoices();
    }

    /** Hands the bytes read already to the new owner, then lets the socket read again. */
    void deliverAndRead(LoopCore core) {
        if (socket.isClosed()) {
            return;
        }
        if (rest != null && rest.length > 0 && read != null) {
            try {
                read.onRead(socket, rest);
            } catch (Throwable t) {
                core.errors().callbackFailed(t, handler);
            }
        }
        // The server stopped reading for the hand-over; a pause the new owner chose since stands.
        if (!socket.isClosed() && socket.readChoices() == readChoicesAtHandOver) {
            socket.enable(true, false);
        }
    }
}
