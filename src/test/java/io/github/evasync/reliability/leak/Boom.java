package io.github.evasync.reliability.leak;

/** Thrown by application callbacks; carries the unit's countdown to the handler that catches it. */
final class Boom extends RuntimeException {
    final String where;
    final transient Runnable done;

    Boom(String where, Runnable done) {
        super("boom in " + where, null, false, false);
        this.where = where;
        this.done = done;
    }
}
