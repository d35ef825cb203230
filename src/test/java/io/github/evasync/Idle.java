package io.github.evasync;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The leak check every test ends with: a loop's counters back to idle. */
public final class Idle {
    private Idle() {
    }

    /** Asserts that every counter of {@code loop} is 0. */
    public static void assertIdle(EventLoop loop) {
        LoopStats s = loop.stats();
        assertEquals(new LoopStats(0, 0, 0, 0, 0, 0, 0, 0), s, "loop counters are not idle");
    }

    /**
     * Checks {@code loop} once it exits, after every callback has returned and before the loop
     * frees what is left; a failure there is rethrown from {@code EventLoop.run}.
     */
    public static void atExit(EventLoop loop) {
        loop.onExit(() -> assertIdle(loop));
    }
}
