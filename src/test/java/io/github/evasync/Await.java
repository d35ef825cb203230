package io.github.evasync;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Polling instead of fixed waits: CI is a loaded 2-core machine, so a test waits for the condition
 * it needs, and the bound is only there to fail a test that would otherwise wait for ever.
 */
public final class Await {
    /** How long a condition may take before the test fails; generous on purpose. */
    public static final long BOUND_MILLIS = 30_000;

    private Await() {
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} after {@link #BOUND_MILLIS}. */
    public static void until(String what, BooleanSupplier condition) {
        until(() -> what, condition);
    }

    /** Like {@link #until(String, BooleanSupplier)}, with a message computed at failure. */
    public static void until(Supplier<String> what, BooleanSupplier condition) {
        long end = System.nanoTime() + BOUND_MILLIS * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                fail("still waiting after " + BOUND_MILLIS + " ms for: " + what.get());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting for: " + what.get());
            }
        }
    }
}
