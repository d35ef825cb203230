package io.github.evasync.redis;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.RedisError;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.github.evasync.redis.RedisCommandsTest.failure;
import static io.github.evasync.redis.RedisWrongTypeReplyTest.fake;
import static io.github.evasync.redis.RedisWrongTypeReplyTest.port;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server that refuses a SUBSCRIBE (an ACL user without the right to the channel answers
 * NOPERM): the subscription's {@code ready()} fails with the server's words and it ends. Before,
 * the error only went to the event handler and {@code ready()} never completed.
 */
@Timeout(60)
class RedisSubscribeRefusedTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @Test
    void aNameUtf8CannotCarryIsRefusedAtTheCall() throws Exception {
        // Sent as UTF-8 ('?' for the lone surrogate), echoed back, decoded: never matched, so
        // ready() never completed and no message was delivered.
        Process fake = fake("");
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, "redis://127.0.0.1:" + port(fake),
                    RedisOptions.defaults().reconnect(false));
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> redis.subscribe("ch\uD800", (c, m) -> { }));
            assertTrue(e.getMessage().startsWith("channel"), e.getMessage());
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> redis.psubscribe("p\uDC00*", (c, m) -> { }));
            redis.subscribe("caf\u00e9 \uD83D\uDE00", (c, m) -> { }).unsubscribe(); // pairs are fine
            redis.close();
            Idle.awaitIdle(loop);
        } finally {
            fake.destroyForcibly().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void aRefusedSubscribeFailsItsReady() throws Exception {
        Process fake = fake("-NOPERM User alice has no permissions to access the 'forbidden' channel\r\n");
        try (EventLoop loop = loops.start()) {
            List<Exception> events = new CopyOnWriteArrayList<>();
            RedisClient redis = RedisClient.connect(loop, "redis://127.0.0.1:" + port(fake),
                    RedisOptions.defaults().reconnect(false).eventHandler(events::add));
            RedisSubscription sub = redis.subscribe("forbidden", (c, m) -> { });
            RedisError e = failure(sub.ready());
            assertTrue(e.errmsg().contains("NOPERM"), e.errmsg());
            assertFalse(sub.isActive());
            assertTrue(events.stream().anyMatch(ev -> ev.getMessage().contains("NOPERM")), events::toString);
            redis.close();
            Idle.awaitIdle(loop);
        } finally {
            fake.destroyForcibly().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
