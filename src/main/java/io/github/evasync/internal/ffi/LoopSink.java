package io.github.evasync.internal.ffi;

/**
 * What the upcall guard needs from a loop: whether callbacks should still run, and where a
 * throwable that escaped a dispatcher goes.
 */
public interface LoopSink {
    /** True once the loop is stopping: callbacks still queued in libevent are skipped. */
    boolean stopping();

    /**
     * Takes a throwable that escaped a callback's own error routing. Must not throw; the guard
     * catches anything it does throw all the same.
     */
    void escaped(Throwable t);
}
