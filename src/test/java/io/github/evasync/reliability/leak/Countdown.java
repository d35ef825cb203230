package io.github.evasync.reliability.leak;

/** Calls {@code done} on the {@code n}-th {@code down}; loop thread only. */
final class Countdown {
    private int left;
    private final Runnable done;

    Countdown(int n, Runnable done) {
        this.left = n;
        this.done = done;
    }

    void down() {
        left--;
        if (left == 0) {
            done.run();
        }
    }
}
