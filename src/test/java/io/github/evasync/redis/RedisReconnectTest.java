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
