package io.github.evasync.reliability.leak;

import io.github.evasync.EventHandler;
import io.github.evasync.EventLoop;
import io.github.evasync.LoopOptions;

/**
 * A workload that lives in one loop for both rounds: what it opens before the first round,
 * the unit of work a round repeats, and what it closes after the last sample. Its {@link Tally}
 * holds what its units expect and what happened.
 */
abstract class Workload {
    final String name;
    final int w;
    final int concurrency;
    final Tally t = new Tally();

    Workload(String name, int w, int concurrency) {
        this.name = name;
        this.w = w;
        this.concurrency = concurrency;
    }

    LoopOptions options() {
        return LoopOptions.defaults();
    }

    /** Servers and peers that live through both rounds; on the loop thread. */
    void open(EventLoop loop) throws Exception {
    }

    /** Starts unit {@code i} of a round; {@code done} runs on the loop thread when it is over. */
    abstract void unit(EventLoop loop, int i, Runnable done);

    /** Ends what the round left on purpose (idle keep-alive connections) before settling. */
    void quiesce(EventLoop loop) {
    }

    /** Closes what {@link #open} made; on the loop thread, after the last sample. */
    void close(EventLoop loop) {
    }

    /** Closes peers that live off the loop; after the loop has ended. */
    void closeOutside() throws Exception {
    }

    /** A handler for a unit that expects no condition at all. */
    EventHandler none(String where) {
        return ev -> t.unexpected(name + " " + where + ": condition", ev);
    }

    Runnable never(String where) {
        return () -> t.unexpected(name + " " + where + " ran", null);
    }

    /** {@code n} bytes of a pattern that differs with {@code seed}. */
    static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }
}
