package io.github.evasync.redis;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.RedisError;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.github.evasync.redis.RedisCommandsTest.await;
import static io.github.evasync.redis.RedisCommandsTest.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server that answers the typed helpers with replies of another type (GET with an integer,
 * INCR with a string): each helper's future fails with a {@code RedisError} that says so, where
 * it completed a {@code CompletableFuture<byte[]>} with a {@code Long} and the caller met a
 * {@code ClassCastException} at first use. Replies of the promised type still pass, and the
 * connection goes on.
 */
@Timeout(120)
class RedisWrongTypeReplyTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    static Process fake(String payload) throws Exception {
        return new ProcessBuilder("python3", "-c", RedisMaliciousServerTest.FAKE,
                HexFormat.of().formatHex(payload.getBytes(StandardCharsets.ISO_8859_1))).redirectErrorStream(true).start();
    }

    static int port(Process fake) throws Exception {
        return Integer.parseInt(new BufferedReader(new InputStreamReader(fake.getInputStream(),
                StandardCharsets.US_ASCII)).readLine().trim());
    }

    static void wrongType(CompletableFuture<?> f, String type, String expected) {
        RedisError e = failure(f);
        assertFalse(e.fromServer());
        assertTrue(e.errmsg().contains("wrong type") && e.errmsg().contains(type + " where " + expected),
                e.errmsg());
    }

    @Test
    void onTheLoopThread() throws Exception {
        Process fake = fake(":5\r\n$2\r\nOK\r\n+OK\r\n$-1\r\n*0\r\n:7\r\n$-1\r\n+OK\r\n:2\r\n+PONG\r\n");
        try (EventLoop loop = loops.start()) {
            int port = port(fake);
            RedisClient[] client = new RedisClient[1];
            // All queued in one loop turn, so they go out in one write that the fake answers.
            List<CompletableFuture<?>> f = loop.submit(() -> {
                RedisClient redis = RedisClient.connect(loop, "redis://127.0.0.1:" + port,
                        RedisOptions.defaults().reconnect(false));
                client[0] = redis;
                return List.<CompletableFuture<?>>of(redis.get("a"), redis.set("a", "b"), redis.incr("n"),
                        redis.del("a"), redis.publish("c", "m"), redis.get("b"), redis.get("c"),
                        redis.set("d", "e"), redis.incr("n"), redis.command("PING"));
            }).get(30, TimeUnit.SECONDS);
            wrongType(f.get(0), "Long", "a bulk string or null");
            wrongType(f.get(1), "byte[]", "a simple string or null");
            wrongType(f.get(2), "String", "an integer");
            wrongType(f.get(3), "null", "an integer");
            wrongType(f.get(4), "ArrayList", "an integer");
            wrongType(f.get(5), "Long", "a bulk string or null");
            assertNull(await(f.get(6)));
            assertEquals("OK", await(f.get(7)));
            assertEquals(2L, await(f.get(8)));
            assertEquals("PONG", await(f.get(9)));
            assertFalse(client[0].isClosed());
            client[0].close();
            Idle.awaitIdle(loop);
        } finally {
            fake.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void fromAnotherThread() throws Exception {
        Process fake = fake(":5\r\n");
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, "redis://127.0.0.1:" + port(fake),
                    RedisOptions.defaults().reconnect(false));
            await(redis.ready());
            wrongType(redis.get("a"), "Long", "a bulk string or null");
            redis.close();
            Idle.awaitIdle(loop);
        } finally {
            fake.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
