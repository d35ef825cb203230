package io.github.evasync.redis;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.RedisError;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.github.evasync.redis.RedisCommandsTest.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command queue when user code runs in the middle of a loop over it: a failure callback that
 * closes the client while the connection is being lost, while commands time out, while commands
 * waiting for a reconnect give up; and the timers that govern what waits while disconnected.
 * Each runs in {@code EventLoop.run}, where an exception escaping a socket or timer callback ends
 * the loop and is rethrown.
 */
@Timeout(120)
class RedisQueueSafetyTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    /** No reconnect attempt within a test: the state stays "down" as long as it needs. */
    static final RedisOptions SLOW_RECONNECT = RedisOptions.defaults()
            .reconnectDelay(Duration.ofSeconds(30), Duration.ofSeconds(30)).eventHandler(e -> { });

    @Test
    void closingTheClientInAFailureCallbackWhileTheConnectionIsLost() throws Exception {
        // Two commands in flight, the server dies, the first's failure closes the client: the
        // loop over the commands in flight counted two, and popped a second from an empty queue.
        try (FakeRedis fake = FakeRedis.start(FakeRedis.readThenClose(2 * FakeRedis.PING_BYTES))) {
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            boolean idle = EventLoop.run(loop -> {
                RedisClient redis = RedisClient.connect(loop, fake.uri(), SLOW_RECONNECT);
                CompletableFuture<Object> first = redis.command("PING");
                CompletableFuture<Object> second = redis.command("PING");
                first.exceptionally(e -> {
                    failures.add(e);
                    redis.close();
                    return null;
                });
                second.whenComplete((v, e) -> failures.add(e));
            });
            assertTrue(idle);
            assertEquals(2, failures.size(), failures.toString());
            for (Throwable t : failures) {
                assertInstanceOf(RedisError.class, t);
            }
        }
    }

    @Test
    void closingTheClientInAFailureCallbackWhileCommandsTimeOut() throws Exception {
        // The timeout loop counted its entries first and read slots the close had emptied.
        try (FakeRedis fake = FakeRedis.start(FakeRedis.readForever())) {
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            boolean idle = EventLoop.run(loop -> {
                RedisClient redis = RedisClient.connect(loop, fake.uri(),
                        SLOW_RECONNECT.commandTimeout(Duration.ofMillis(100)));
                CompletableFuture<Object> first = redis.command("PING");
                CompletableFuture<Object> second = redis.command("PING");
                CompletableFuture<Object> third = redis.command("PING");
                first.exceptionally(e -> {
                    failures.add(e);
                    redis.close();
                    return null;
                });
                second.whenComplete((v, e) -> failures.add(e));
                third.whenComplete((v, e) -> failures.add(e));
            });
            assertTrue(idle);
            assertEquals(3, failures.size(), failures.toString());
            assertTrue(((RedisError) failures.get(0)).errmsg().contains("no reply"), failures.toString());
            for (Throwable t : failures) {
                assertInstanceOf(RedisError.class, t);
            }
        }
    }

    @Test
    void closingTheClientInAFailureCallbackWhileCommandsWaitForAReconnect() throws Exception {
        // The commands issued while down give up after reconnectWait; the first one's callback
        // closes the client. Its unsent bytes were then dropped from a writer the close had
        // cleared (an ArrayIndexOutOfBoundsException) and a timer armed after it was freed.
        try (FakeRedis fake = FakeRedis.start(FakeRedis.closeAtOnce())) {
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            AtomicBoolean once = new AtomicBoolean();
            RedisClient[] client = new RedisClient[1];
            boolean idle = EventLoop.run(loop -> {
                client[0] = RedisClient.connect(loop, fake.uri(), SLOW_RECONNECT
                        .reconnectWait(Duration.ofMillis(100))
                        .eventHandler(lost -> {
                            if (!once.compareAndSet(false, true)) {
                                return;
                            }
                            RedisClient redis = client[0];
                            CompletableFuture<Object> first = redis.command("PING");
                            CompletableFuture<Object> second = redis.command("ECHO", "x");
                            first.exceptionally(e -> {
                                failures.add(e);
                                redis.close();
                                return null;
                            });
                            second.whenComplete((v, e) -> failures.add(e));
                        }));
            });
            assertTrue(idle);
            assertTrue(once.get());
            assertEquals(2, failures.size(), failures.toString());
            assertTrue(((RedisError) failures.get(0)).errmsg().contains("not sent"), failures.toString());
        }
    }

    @Test
    void reconnectWaitGovernsACommandIssuedAfterTheLossEmptiedTheQueue() throws Exception {
        // The PING in flight armed the timer for the 60 s command timeout; the loss failed it and
        // left the timer armed, and a command issued while down was not given its 300 ms.
        try (FakeRedis fake = FakeRedis.start(FakeRedis.readThenClose(FakeRedis.PING_BYTES));
             EventLoop loop = loops.start()) {
            CompletableFuture<CompletableFuture<Object>> issued = new CompletableFuture<>();
            RedisClient[] client = new RedisClient[1];
            long[] issuedAt = new long[1];
            client[0] = loop.submit(() -> RedisClient.connect(loop, fake.uri(), SLOW_RECONNECT
                    .commandTimeout(Duration.ofSeconds(60))
                    .reconnectWait(Duration.ofMillis(300))
                    .eventHandler(lost -> {
                        if (!issued.isDone()) {
                            issuedAt[0] = System.nanoTime();
                            issued.complete(client[0].command("PING"));
                        }
                    }))).get(30, TimeUnit.SECONDS);
            RedisClient redis = client[0];
            CompletableFuture<Object> inFlight = redis.command("PING");
            assertTrue(failure(inFlight).errmsg().contains("may or may not have run"));
            CompletableFuture<Object> later = issued.get(30, TimeUnit.SECONDS);
            // failure() waits 30 s at most: far less than the 60 s command timeout.
            RedisError e = failure(later);
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - issuedAt[0]);
            assertTrue(e.errmsg().contains("not back within PT0.3S"), e.errmsg());
            assertTrue(waited >= 250, "gave up after " + waited + " ms");
            redis.close();
            Idle.awaitIdle(loop);
        }
    }
}
