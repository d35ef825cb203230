package io.github.evasync.internal.loop;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A task that runs between turns (queued while the loop was awake, so with no wakeup) and leaves
 * work for the end of the turn ({@link LoopCore#afterTurn}, as the Redis client's flush does):
 * that work must not wait behind a turn that blocks. It did once tasks began to run between
 * turns: a live loop with nothing else to do slept on with the work undone (a Redis client
 * stalled until its 10 s write timeout).
 */
@Timeout(30)
class AfterTurnOfTasksTest {
    @Test
    void workLeftByATaskBetweenTurnsIsDoneBeforeTheLoopSleeps() throws Exception {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        try (EventLoop loop = EventLoop.start()) {
            loop.execute(() -> {
                LoopCore core = LoopCore.current();
                // After this turn the loop is awake: the task queued here makes no wakeup and
                // runs at the top of the next pass, before the loop would block.
                core.afterTurn(() -> core.execute(() -> core.afterTurn(() -> done.complete(true))));
            });
            assertTrue(done.get(5, TimeUnit.SECONDS));
            Idle.awaitIdle(loop);
        }
    }
}
