package io.github.evasync;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opentest4j.AssertionFailedError;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The helper every live-loop test uses sees what a callback threw on the loop thread. */
@Timeout(60)
class TestLoopsTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @Test
    void whatNoHandlerCaughtFailsTheTest() throws Exception {
        AssertionError first = new AssertionError("an assertion on the loop thread");
        IllegalStateException second = new IllegalStateException("an internal failure");
        CountDownLatch after = new CountDownLatch(1);
        try (EventLoop loop = loops.start(LoopOptions.defaults().daemon(true))) {
            loop.execute(() -> {
                throw first;
            });
            loop.execute(() -> {
                throw second;
            });
            loop.execute(after::countDown);
            assertTrue(after.await(10, TimeUnit.SECONDS));
        }
        AssertionFailedError e = assertThrows(AssertionFailedError.class, loops::assertNoneUncaught);
        assertSame(first, e.getCause());
        assertEquals(1, e.getSuppressed().length);
        assertSame(second, e.getSuppressed()[0]);
        loops.assertNoneUncaught(); // what was reported is forgotten, so this test itself passes
    }

    @Test
    void aGroupsLoopsAreWatchedToo() throws Exception {
        CountDownLatch after = new CountDownLatch(2);
        try (LoopGroup group = loops.startGroup(2, LoopOptions.defaults().daemon(true), loop -> { })) {
            for (EventLoop loop : group.loops()) {
                loop.execute(() -> {
                    throw new IllegalStateException("from " + Thread.currentThread().getName());
                });
                loop.execute(after::countDown);
            }
            assertTrue(after.await(10, TimeUnit.SECONDS));
        }
        AssertionFailedError e = assertThrows(AssertionFailedError.class, loops::assertNoneUncaught);
        assertEquals(1, e.getSuppressed().length);
    }
}
