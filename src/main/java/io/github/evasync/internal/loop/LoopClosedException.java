package io.github.evasync.internal.loop;

/**
 * What a call into a closed loop throws. It is an {@link IllegalStateException}, as the public
 * contract says; owners of native objects catch this type to turn it into their own answer
 * (a no-op for {@code close}, {@code SocketClosed} or {@code EventFreed} for other uses).
 */
public final class LoopClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    LoopClosedException() {
        this("the event loop is closed; start a new one with EventLoop.run or EventLoop.start");
    }

    LoopClosedException(String message) {
        super(message);
    }
}
