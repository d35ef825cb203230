package io.github.evasync.redis;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.RedisError;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every command form against a real redis-server. */
@Timeout(120)
class RedisCommandsTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @RegisterExtension
    static final RedisServer server = RedisServer.forTheClass();

    static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    static RedisError failure(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
        return assertInstanceOf(RedisError.class, e.getCause());
    }

    static String utf8(Object bytes) {
        return new String((byte[]) bytes, StandardCharsets.UTF_8);
    }

    @Test
    void theHelpersAndTheGenericForms() throws Exception {
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri());
            assertEquals(redis, await(redis.ready()));
            assertTrue(redis.isConnected());
            assertEquals("PONG", await(redis.command("PING")));
            assertEquals("OK", await(redis.set("cmd:a", "alpha")));
            assertEquals("alpha", utf8(await(redis.get("cmd:a"))));
            assertNull(await(redis.get("cmd:absent")));
            byte[] binary = new byte[256];
            for (int i = 0; i < 256; i++) {
                binary[i] = (byte) i;
            }
            assertEquals("OK", await(redis.set("cmd:bin", binary)));
            assertArrayEquals(binary, await(redis.get("cmd:bin")));
            assertArrayEquals(binary, (byte[]) await(redis.command("GET".getBytes(), "cmd:bin".getBytes())));
            assertEquals(1L, await(redis.incr("cmd:n")));
            assertEquals(2L, await(redis.incr("cmd:n")));
            assertEquals(2L, await(redis.del("cmd:a", "cmd:n", "cmd:never")));
            assertEquals(0L, await(redis.publish("cmd:nobody", "hello")));
            assertEquals(0L, await(redis.publish("cmd:nobody", new byte[] {1, 2})));
            assertEquals("OK", await(redis.command("SET", "cmd:é", "ünïcødé")));
            assertEquals("ünïcødé", utf8(await(redis.get("cmd:é"))));
            assertEquals(List.of(), await(redis.command("KEYS", "cmd:nothing-*")));
            Object list = await(redis.command("MGET", "cmd:é", "cmd:absent"));
            assertEquals(2, ((List<?>) list).size());
            assertEquals("ünïcødé", utf8(((List<?>) list).get(0)));
            assertNull(((List<?>) list).get(1));
            redis.close();
            assertTrue(redis.isClosed());
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void setWithExpiryAndConditions() throws Exception {
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri());
            assertEquals("OK", await(redis.set("set:ex", "v", SetOptions.defaults().ex(100))));
            long ttl = (Long) await(redis.command("TTL", "set:ex"));
            assertTrue(ttl > 90 && ttl <= 100, "TTL " + ttl);
            assertEquals("OK", await(redis.set("set:px", "v".getBytes(), SetOptions.defaults().px(50_000))));
            long pttl = (Long) await(redis.command("PTTL", "set:px"));
            assertTrue(pttl > 40_000 && pttl <= 50_000, "PTTL " + pttl);
            assertNull(await(redis.set("set:ex", "other", SetOptions.defaults().nx())));
            assertEquals("v", utf8(await(redis.get("set:ex"))));
            assertEquals("OK", await(redis.set("set:nx", "first", SetOptions.defaults().nx())));
            assertNull(await(redis.set("set:xx", "v", SetOptions.defaults().xx())));
            assertNull(await(redis.get("set:xx")));
            assertEquals("OK", await(redis.set("set:nx", "second", SetOptions.defaults().xx().px(20_000))));
            assertEquals("second", utf8(await(redis.get("set:nx"))));
            assertTrue((Long) await(redis.command("PTTL", "set:nx")) > 10_000);
            // From another thread the same forms go through the encoded-elsewhere path.
            assertEquals("OK", loop.submit(() -> "x").thenCompose(x -> redis.set("set:foreign", "f",
                    SetOptions.defaults().ex(5).nx())).get(30, TimeUnit.SECONDS));
            redis.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void anErrorReplyFailsOnlyItsCommand() throws Exception {
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri());
            CompletableFuture<Object> bad = redis.command("NOSUCHCOMMAND", "x");
            CompletableFuture<Object> good = redis.command("PING");
            RedisError e = failure(bad);
            assertTrue(e.fromServer());
            assertEquals("ERR", e.code());
            assertTrue(e.errmsg().startsWith("ERR unknown command"), e.errmsg());
            assertEquals(-1, e.errcode());
            assertEquals("PONG", await(good));
            await(redis.set("err:s", "text"));
            RedisError wrong = failure(redis.incr("err:s"));
            assertEquals("ERR", wrong.code(), wrong.errmsg());
            await(redis.command("LPUSH", "err:list", "x"));
            assertEquals("WRONGTYPE", failure(redis.get("err:list")).code());
            assertEquals("PONG", await(redis.command("PING")));
            redis.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void theCallbackForm() throws Exception {
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri());
            CompletableFuture<Object> reply = new CompletableFuture<>();
            CompletableFuture<Exception> error = new CompletableFuture<>();
            redis.command(reply::complete, error::complete, "SET", "cb:k", "v");
            assertEquals("OK", await(reply));
            CompletableFuture<Object> got = new CompletableFuture<>();
            redis.command(got::complete, error::complete, "GET".getBytes(), "cb:k".getBytes());
            assertEquals("v", utf8(await(got)));
            CompletableFuture<Object> never = new CompletableFuture<>();
            redis.command(never::complete, error::complete, "BOGUS");
            RedisError e = assertInstanceOf(RedisError.class, await(error));
            assertTrue(e.errmsg().contains("unknown command"), e.errmsg());
            assertTrue(loop.submit(() -> {
                // On the loop thread the callback runs later, never inside the call.
                CompletableFuture<Object> inside = new CompletableFuture<>();
                redis.command(inside::complete, inside::completeExceptionally, "PING");
                return !inside.isDone();
            }).get(30, TimeUnit.SECONDS));
            assertTrue(!never.isDone());
            redis.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void aHundredThousandPipelinedIncrsEndAtAHundredThousand() throws Exception {
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri());
            await(redis.ready());
            await(redis.del("pipe:n"));
            // Issued in one go on the loop thread: they leave in few large writes, not 100,000.
            CompletableFuture<Long> last = loop.submit(() -> {
                CompletableFuture<Long> f = null;
                for (int i = 0; i < 100_000; i++) {
                    f = redis.incr("pipe:n");
                }
                return f;
            }).get(30, TimeUnit.SECONDS);
            assertEquals(100_000L, last.get(60, TimeUnit.SECONDS));
            // And from a foreign thread, each carried over: the order still holds.
            List<CompletableFuture<Long>> all = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                all.add(redis.incr("pipe:n"));
            }
            for (int i = 0; i < all.size(); i++) {
                assertEquals(100_001L + i, all.get(i).get(60, TimeUnit.SECONDS));
            }
            redis.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void aTenMebibyteValue() throws Exception {
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri());
            byte[] big = new byte[10 * 1024 * 1024];
            new java.util.Random(42).nextBytes(big);
            assertEquals("OK", await(redis.set("big:v", big)));
            assertArrayEquals(big, await(redis.get("big:v")));
            assertEquals((long) big.length, await(redis.command("STRLEN", "big:v")));
            await(redis.del("big:v"));
            redis.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void databaseNameAndPasswordFromTheUri() throws Exception {
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri() + "/3",
                    RedisOptions.defaults().clientName("evasync-test"));
            await(redis.set("db:k", "in three"));
            assertEquals("in three", server.cli("-n", "3", "GET", "db:k"));
            assertEquals("", server.cli("-n", "0", "GET", "db:k"));
            assertEquals("evasync-test", utf8(await(redis.command("CLIENT", "GETNAME"))));
            redis.close();
            Idle.awaitIdle(loop);
        }
        try (RedisServer locked = RedisServer.start("--requirepass", "s3cr:et");
             EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, "redis://:s3cr%3Aet@127.0.0.1:" + locked.port() + "/2");
            assertEquals("OK", await(redis.set("auth:k", "v")));
            RedisClient user = RedisClient.connect(loop, "redis://default:s3cr%3Aet@127.0.0.1:" + locked.port(),
                    RedisOptions.defaults().protocol(3).clientName("resp3"));
            assertEquals("PONG", await(user.command("PING")));
            assertEquals("resp3", utf8(await(user.command("CLIENT", "GETNAME"))));
            RedisClient wrong = RedisClient.connect(loop, "redis://:nope@127.0.0.1:" + locked.port());
            RedisError e = failure(wrong.ready());
            assertTrue(e.errmsg().contains("WRONGPASS") || e.errmsg().contains("invalid"), e.errmsg());
            io.github.evasync.Await.until("the refused client closes", wrong::isClosed);
            failure(wrong.command("PING"));
            RedisClient none = RedisClient.connect(loop, "redis://127.0.0.1:" + locked.port());
            assertTrue(failure(none.command("PING")).errmsg().contains("NOAUTH"));
            redis.close();
            user.close();
            none.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void resp3Types() throws Exception {
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri(), RedisOptions.defaults().protocol(3));
            await(redis.command("DEL", "r3:h", "r3:s", "r3:z"));
            await(redis.command("HSET", "r3:h", "f1", "v1", "f2", "v2"));
            java.util.Map<?, ?> map = assertInstanceOf(java.util.Map.class, await(redis.command("HGETALL", "r3:h")));
            assertEquals("v1", utf8(map.get("f1")));
            assertEquals("v2", utf8(map.get("f2")));
            await(redis.command("SADD", "r3:s", "a", "b"));
            assertEquals(java.util.Set.of("a", "b"), await(redis.command("SMEMBERS", "r3:s")));
            await(redis.command("ZADD", "r3:z", "1.5", "m"));
            assertEquals(1.5, await(redis.command("ZSCORE", "r3:z", "m")));
            assertNull(await(redis.get("r3:absent")));
            // HELLO alone reports the connection (with arguments it is refused: it would switch it).
            Object hello = await(redis.command("HELLO"));
            assertEquals(3L, ((java.util.Map<?, ?>) hello).get("proto"));
            redis.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void unixUrisConnectThroughALocalSocket() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("evasync-redis-unix");
        java.nio.file.Path sock = dir.resolve("redis.sock");
        try (RedisServer server = RedisServer.start("--unixsocket", sock.toString(), "--unixsocketperm", "700");
             EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, "unix://" + sock + "?db=3");
            assertEquals("OK", await(redis.set("over-unix", "yes")));
            assertEquals("yes", new String(await(redis.get("over-unix")), java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(1, loop.stats().outgoingLocalConnections(), "the client's socket is a local one");
            assertEquals(0, loop.stats().outgoingTcpConnections());
            RedisClient tcp = RedisClient.connect(loop, server.uri() + "/3");
            assertEquals("yes", new String(await(tcp.get("over-unix")), java.nio.charset.StandardCharsets.UTF_8),
                    "?db=3 selected database 3");
            redis.close();
            tcp.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void badUrisAreRefused() {
        try (EventLoop loop = loops.start()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RedisClient.connect(loop, "unix:///tmp/" + "x".repeat(120) + ".sock"));
            assertTrue(e.getMessage().contains("at most 107 bytes"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> RedisClient.connect(loop, "http://localhost"));
            assertThrows(IllegalArgumentException.class, () -> RedisClient.connect(loop, "redis://localhost/x"));
            Idle.assertIdle(loop);
        }
    }
}
