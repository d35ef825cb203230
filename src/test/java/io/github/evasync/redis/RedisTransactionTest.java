package io.github.evasync.redis;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.RedisError;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.github.evasync.redis.RedisCommandsTest.await;
import static io.github.evasync.redis.RedisCommandsTest.failure;
import static io.github.evasync.redis.RedisCommandsTest.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MULTI/EXEC as one unit. */
@Timeout(120)
class RedisTransactionTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @RegisterExtension
    static final RedisServer server = RedisServer.forTheClass();

    @Test
    void execGivesEachCommandsReply() throws Exception {
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri());
            await(redis.del("tx:a", "tx:l"));
            RedisTransaction tx = redis.multi().command("INCR", "tx:a").command("INCR".getBytes(), "tx:a".getBytes())
                    .command("GET", "tx:a").command("LPUSH", "tx:l", "x").command("INCR", "tx:l");
            assertEquals(5, tx.size());
            List<Object> r = await(tx.exec());
            assertEquals(1L, r.get(0));
            assertEquals(2L, r.get(1));
            assertEquals("2", utf8(r.get(2)));
            assertEquals(1L, r.get(3));
            // A command that fails as it runs is an error element; the others ran.
            RedisError e = assertInstanceOf(RedisError.class, r.get(4));
            assertEquals("WRONGTYPE", e.code());
            assertThrows(IllegalStateException.class, tx::exec);
            assertThrows(IllegalStateException.class, () -> tx.command("PING"));
            redis.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void aCommandRefusedAsItIsQueuedAbortsTheWhole() throws Exception {
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri());
            await(redis.del("tx:b"));
            RedisError e = failure(redis.multi().command("INCR", "tx:b").command("NOSUCH").exec());
            assertEquals("EXECABORT", e.code());
            assertTrue(e.errmsg().contains("unknown command"), e.errmsg());
            assertNull(await(redis.get("tx:b")));
            assertEquals("PONG", await(redis.command("PING")));
            redis.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void nothingComesBetweenTheCommandsOfATransaction() throws Exception {
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri());
            await(redis.del("tx:c"));
            // Commands issued around it, on the loop thread and from here, keep their own replies.
            CompletableFuture<Long> before = redis.incr("tx:c");
            CompletableFuture<List<Object>> tx = loop.submit(() -> {
                CompletableFuture<Long> a = redis.incr("tx:c");
                CompletableFuture<List<Object>> t = redis.multi().command("INCR", "tx:c").command("INCR", "tx:c").exec();
                redis.incr("tx:c");
                return a.thenCombine(t, (x, y) -> y);
            }).get(10, TimeUnit.SECONDS);
            CompletableFuture<Long> after = redis.incr("tx:c");
            assertEquals(1L, await(before));
            assertEquals(List.of(3L, 4L), await(tx));
            assertEquals(6L, await(after));
            redis.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void aWatchedKeyThatChangedAnswersNull() throws Exception {
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri());
            await(redis.set("tx:w", "1"));
            await(redis.command("WATCH", "tx:w"));
            assertEquals("", server.cli("SET", "tx:w", "2").replace("OK", ""));
            assertNull(await(redis.multi().command("SET", "tx:w", "3").exec()));
            assertEquals("2", utf8(await(redis.get("tx:w"))));
            redis.close();
            Idle.awaitIdle(loop);
        }
    }
}
