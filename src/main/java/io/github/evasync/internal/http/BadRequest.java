package io.github.evasync.internal.http;

/** A request the codec refuses: answered with {@link #status} and the connection closed. */
final class BadRequest extends Exception {
    final int status;

    BadRequest(int status, String why) {
        super(why, null, false, false);
        this.status = status;
    }
}
