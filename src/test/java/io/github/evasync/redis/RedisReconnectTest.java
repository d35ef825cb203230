package io.github.evasync.redis;

import io.github.evasync.Await;
import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.RedisError;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.github.evasync.redis.RedisCommandsTest.await;
import static io.github.evasync.redis.RedisCommandsTest.failure;
import static io.github.evasync.redis.RedisCommandsTest.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A server that goes away mid-way: commands in flight fail, later ones wait or fail, subscriptions come back. */
@Timeout(120)
class RedisReconnectTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    static final RedisOptions FAST = RedisOptions.defaults().reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(200));

    @Test
    void aServerRestartMidWay() throws Exception {
        try (RedisServer server = RedisServer.start(); EventLoop loop = loops.start()) {
            List<Exception> events = new CopyOnWriteArrayList<>();
            RedisClient redis = RedisClient.connect(loop, server.uri(), FAST.eventHandler(events::add));
            RedisClient other = RedisClient.connect(loop, server.uri(), FAST);
            List<String> got = new CopyOnWriteArrayList<>();
            RedisSubscription s = redis.subscribe("rc:ch", (ch, m) -> got.add(new String(m, StandardCharsets.UTF_8)));
            await(s.ready());
            await(redis.set("rc:k", "before"));
            CompletableFuture<Object> blocked = redis.command("BLPOP", "rc:never", "0"); // in flight until the end
            await(other.command("PING"));
            server.stop();
            RedisError lost = failure(blocked);
            assertFalse(lost.fromServer());
            assertTrue(lost.errmsg().contains("may or may not have run"), lost.errmsg());
            Await.until("the loss is reported", () -> !events.isEmpty());
            assertTrue(events.get(0) instanceof RedisError, events.toString());
            // Issued while the server is away: it waits for the connection to come back.
            CompletableFuture<String> meanwhile = redis.set("rc:k", "during");
            server.startAgain();
            assertEquals("OK", await(meanwhile));
            assertTrue(redis.isConnected());
            assertEquals("during", utf8(await(redis.get("rc:k"))));
            // The subscription was made again on the new server.
            Await.until("resubscribed", () -> {
                try {
                    return await(other.publish("rc:ch", "after")) == 1L;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            Await.until("the message arrives", () -> got.contains("after"));
            redis.close();
            other.close();
            Idle.awaitIdle(loop);
        }
    }

    /**
     * Durations past what a nanosecond deadline holds count as 100 years: a command timeout of
     * Long.MAX_VALUE seconds threw an ArithmeticException at connect, and a back-off maximum of
     * that size overflowed on the first loss and ended the reconnecting for good.
     */
    @Test
    void hugeDurationsAreNeverAndTheClientStillReconnects() throws Exception {
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE);
        RedisOptions o = RedisOptions.defaults().commandTimeout(huge).reconnectWait(huge).connectTimeout(huge)
                .reconnectDelay(Duration.ofMillis(10), huge);
        assertEquals(Duration.ofDays(36_500), o.commandTimeout());
        assertEquals(Duration.ofDays(36_500), o.reconnectDelayMax());
        try (RedisServer server = RedisServer.start(); EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri(), o);
            assertEquals("PONG", await(redis.command("PING")));
            server.stop();
            Await.until("the loss is seen", () -> !redis.isConnected());
            server.startAgain();
            assertEquals("PONG", await(redis.command("PING")));
            redis.close();
            Idle.awaitIdle(loop);
        }
    }

    /**
     * A subscription whose connection could not be made fails its ready(); one made again from
     * that failure's callback must go to a new subscriber connection. It went to the closing
     * one, where it was never sent and its ready() never completed, not even at close().
     */
    @Test
    void aSubscriptionMadeAgainFromAFailedOnesCallbackCompletes() throws Exception {
        try (RedisServer server = RedisServer.start(); EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri(), FAST.eventHandler(e -> { }));
            await(redis.ready());
            server.stop();
            CompletableFuture<RedisSubscription> again = new CompletableFuture<>();
            loop.submit(() -> {
                redis.subscribe("rc:again", (ch, m) -> { }).ready().whenComplete((s, e) ->
                        redis.subscribe("rc:again", (ch, m) -> { }).ready().whenComplete((s2, e2) -> {
                            if (e2 != null) {
                                again.completeExceptionally(e2);
                            } else {
                                again.complete(s2);
                            }
                        }));
                return null;
            }).get(10, TimeUnit.SECONDS);
            Await.until("the second subscription's ready() completes", again::isDone);
            server.startAgain();
            redis.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void aCommandThatWaitedTooLongIsNeverSent() throws Exception {
        try (RedisServer server = RedisServer.start(); EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri(), FAST.reconnectWait(Duration.ofMillis(200)));
            await(redis.ready());
            server.stop();
            Await.until("the loss is seen", () -> !redis.isConnected());
            CompletableFuture<String> dropped = redis.set("rw:k", "never");
            RedisError e = failure(dropped);
            assertTrue(e.errmsg().contains("not sent"), e.errmsg());
            server.startAgain();
            assertEquals("PONG", await(redis.command("PING")));
            assertNull(await(redis.get("rw:k")), "a command that failed as not sent must not run later");
            redis.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void withReconnectWaitZeroCommandsFailAtOnceWhileDown() throws Exception {
        try (RedisServer server = RedisServer.start(); EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri(), FAST.reconnectWait(Duration.ZERO));
            await(redis.ready());
            server.stop();
            Await.until("the loss is seen", () -> !redis.isConnected());
            RedisError e = failure(redis.command("PING"));
            assertTrue(e.errmsg().contains("down"), e.errmsg());
            server.startAgain();
            Await.until("reconnected", redis::isConnected);
            assertEquals("PONG", await(redis.command("PING")));
            redis.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void withoutReconnectALostConnectionClosesTheClient() throws Exception {
        try (RedisServer server = RedisServer.start(); EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri(), FAST.reconnect(false));
            await(redis.ready());
            server.stop();
            Await.until("closed", redis::isClosed);
            assertTrue(failure(redis.command("PING")).errmsg().contains("closed"));
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void aFirstConnectionThatCannotBeMadeClosesTheClient() throws Exception {
        try (EventLoop loop = loops.start()) {
            int port = RedisServer.freePort();
            RedisClient redis = RedisClient.connect(loop, "redis://127.0.0.1:" + port);
            CompletableFuture<Object> waiting = redis.command("PING");
            RedisError e = failure(redis.ready());
            assertTrue(e.errmsg().contains("could not connect") && e.errmsg().contains(String.valueOf(port)), e.errmsg());
            assertTrue(e.errcode() > 0, "errno of the refusal: " + e.errcode());
            failure(waiting);
            assertTrue(redis.isClosed());
            Idle.awaitIdle(loop);
        }
    }
}
