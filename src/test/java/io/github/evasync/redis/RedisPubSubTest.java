package io.github.evasync.redis;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.github.evasync.redis.RedisCommandsTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Publish and subscribe across two clients, channels and patterns, RESP2 and RESP3. */
@Timeout(120)
class RedisPubSubTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @RegisterExtension
    static final RedisServer server = RedisServer.forTheClass();

    void acrossTwoClients(RedisOptions options) throws Exception {
        try (EventLoop loop = loops.start()) {
            RedisClient subscriber = RedisClient.connect(loop, server.uri(), options);
            RedisClient publisher = RedisClient.connect(loop, server.uri(), options);
            List<String> news = new CopyOnWriteArrayList<>();
            List<String> pattern = new CopyOnWriteArrayList<>();
            RedisSubscription s = subscriber.subscribe("ps:news", (ch, msg) ->
                    news.add(ch + "=" + new String(msg, StandardCharsets.UTF_8)));
            RedisSubscription p = subscriber.psubscribe("ps:*", (ch, msg) ->
                    pattern.add(ch + "=" + new String(msg, StandardCharsets.UTF_8)));
            assertEquals(s, await(s.ready()));
            await(p.ready());
            assertEquals("ps:news", s.channel());
            assertFalse(s.isPattern());
            assertTrue(p.isPattern());
            assertEquals(2L, await(publisher.publish("ps:news", "first")));
            assertEquals(1L, await(publisher.publish("ps:other", "second".getBytes(StandardCharsets.UTF_8))));
            // The subscriber's command connection is free for commands meanwhile.
            assertEquals("PONG", await(subscriber.command("PING")));
            io.github.evasync.Await.until("messages arrive", () -> news.size() == 1 && pattern.size() == 2);
            assertEquals(List.of("ps:news=first"), news);
            assertEquals(List.of("ps:news=first", "ps:other=second"), pattern);
            s.unsubscribe();
            assertFalse(s.isActive());
            // The server hears of it once the unsubscribe has gone out; poll until it has.
            io.github.evasync.Await.until("unsubscribed", () -> {
                try {
                    return await(publisher.publish("ps:news", "third")) == 1L;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            p.unsubscribe();
            p.unsubscribe(); // idempotent
            io.github.evasync.Await.until("the subscriber connection closes with the last subscription",
                    () -> loop.stats().outgoingTcpConnections() == 2);
            // Closed here does not mean the server has read the close yet: poll, as above.
            io.github.evasync.Await.until("the server drops the last subscriber", () -> {
                try {
                    return await(publisher.publish("ps:news", "fourth")) == 0L;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            assertEquals(1, news.size());
            subscriber.close();
            publisher.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void resp2() throws Exception {
        acrossTwoClients(RedisOptions.defaults());
    }

    @Test
    void resp3Pushes() throws Exception {
        acrossTwoClients(RedisOptions.defaults().protocol(3));
    }

    @Test
    void twoSubscriptionsOnOneChannelAndBinaryMessages() throws Exception {
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri());
            List<byte[]> a = new CopyOnWriteArrayList<>();
            List<byte[]> b = new CopyOnWriteArrayList<>();
            RedisSubscription sa = redis.subscribe("ps:bin", (ch, m) -> a.add(m));
            await(sa.ready());
            RedisSubscription sb = redis.subscribe("ps:bin", (ch, m) -> b.add(m));
            await(sb.ready());
            byte[] payload = {0, (byte) 0xff, '\r', '\n', 42};
            assertEquals(1L, await(redis.publish("ps:bin", payload)));
            io.github.evasync.Await.until("both get it", () -> a.size() == 1 && b.size() == 1);
            assertTrue(java.util.Arrays.equals(payload, a.get(0)));
            sa.unsubscribe();
            assertEquals(1L, await(redis.publish("ps:bin", payload)));
            io.github.evasync.Await.until("b gets it", () -> b.size() == 2);
            assertEquals(1, a.size());
            redis.close();
            io.github.evasync.Await.until("closing the client ends its subscriptions", () -> !sb.isActive());
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void aCallbackThatThrowsGoesToTheClientsHandlerAndTheSubscriptionGoesOn() throws Exception {
        List<Exception> seen = new CopyOnWriteArrayList<>();
        try (EventLoop loop = loops.start(io.github.evasync.LoopOptions.defaults().catchAppErrors(true))) {
            RedisClient redis = RedisClient.connect(loop, server.uri(), RedisOptions.defaults().eventHandler(seen::add));
            List<String> got = new CopyOnWriteArrayList<>();
            RedisSubscription s = redis.subscribe("ps:throw", (ch, m) -> {
                got.add(new String(m, StandardCharsets.UTF_8));
                throw new IllegalStateException("boom " + got.size());
            });
            await(s.ready());
            await(redis.publish("ps:throw", "1"));
            await(redis.publish("ps:throw", "2"));
            io.github.evasync.Await.until("both delivered", () -> got.size() == 2 && seen.size() == 2);
            assertEquals("boom 1", seen.get(0).getMessage());
            redis.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void subscribeOnAClosedClientEndsAtOnce() throws Exception {
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri());
            redis.close();
            RedisSubscription s = redis.subscribe("ps:late", (ch, m) -> { });
            assertFalse(s.isActive());
            assertTrue(s.ready().isCompletedExceptionally());
            loop.submit(() -> null).get(10, TimeUnit.SECONDS);
            Idle.awaitIdle(loop);
        }
    }
}
