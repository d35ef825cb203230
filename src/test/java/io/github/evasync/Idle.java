package io.github.evasync;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The leak check every test ends with: a loop's counters back to idle. */
public final class Idle {
    private static final LoopStats IDLE = new LoopStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    private Idle() {
    }

    /** Asserts that every counter of {@code loop} is 0. */
    public static void assertIdle(EventLoop loop) {
        LoopStats s = loop.stats();
        assertEquals(IDLE, s, "loop counters are not idle");
    }

    /**
     * Waits until every counter of the live {@code loop} is 0 (peers' closes and EOFs land
     * asynchronously), then asserts it; fails after {@link Await#BOUND_MILLIS}.
     */
    public static void awaitIdle(EventLoop loop) {
        Await.until(() -> "loop counters idle: " + loop.stats(), () -> loop.stats().isIdle());
        assertIdle(loop);
    }

    /** Like {@link #awaitIdle(EventLoop)}, for the sum of a group's counters. */
    public static void awaitIdle(LoopGroup group) {
        Await.until(() -> "group counters idle: " + group.stats(), () -> group.stats().isIdle());
        assertEquals(IDLE, group.stats(), "group counters are not idle");
    }

    /**
     * Checks {@code loop} once it exits, after every callback has returned and before the loop
     * frees what is left; a failure there is rethrown from {@code EventLoop.run}.
     */
    public static void atExit(EventLoop loop) {
        loop.onExit(() -> assertIdle(loop));
    }
}
