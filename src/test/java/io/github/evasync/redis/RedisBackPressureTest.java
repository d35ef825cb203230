package io.github.evasync.redis;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.RedisError;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.github.evasync.redis.RedisCommandsTest.await;
import static io.github.evasync.redis.RedisCommandsTest.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The queue limit, the socket's watermark and the command timeout. */
@Timeout(120)
class RedisBackPressureTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @RegisterExtension
    static final RedisServer server = RedisServer.forTheClass();

    @Test
    void onTheLoopThreadAFullQueueFailsAtOnce() throws Exception {
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri(), RedisOptions.defaults().queueLimit(100));
            await(redis.ready());
            await(redis.del("bp:n"));
            List<CompletableFuture<Long>> all = loop.submit(() -> {
                List<CompletableFuture<Long>> l = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    l.add(redis.incr("bp:n"));
                }
                return l;
            }).get(30, TimeUnit.SECONDS);
            for (int i = 0; i < 100; i++) {
                assertEquals(i + 1L, await(all.get(i)));
            }
            for (int i = 100; i < 1000; i++) {
                RedisError e = failure(all.get(i));
                assertTrue(e.errmsg().startsWith("queue full: 100 commands"), e.errmsg());
            }
            assertEquals(100L, await(redis.incr("bp:n")) - 1);
            redis.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void fromAnotherThreadAFullQueueWaits() throws Exception {
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri(), RedisOptions.defaults().queueLimit(16));
            await(redis.del("bp:m"));
            CompletableFuture<Long> last = null;
            for (int i = 0; i < 20_000; i++) {
                last = redis.incr("bp:m");
            }
            assertEquals(20_000L, await(last));
            redis.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void aServerThatStopsReadingFillsTheSocketThenTheQueue() throws Exception {
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri(), RedisOptions.defaults().queueLimit(20_000));
            await(redis.ready());
            byte[] value = new byte[1024];
            server.signal("STOP");
            List<CompletableFuture<String>> sent = new ArrayList<>();
            int refused = 0;
            try {
                // Issued in turns of 1,000, as a loop-thread producer would: the kernel's buffers
                // and the socket's watermark fill, then the client's queue, then it refuses.
                for (int turn = 0; turn < 40; turn++) {
                    List<CompletableFuture<String>> batch = loop.submit(() -> {
                        List<CompletableFuture<String>> l = new ArrayList<>();
                        for (int i = 0; i < 1000; i++) {
                            l.add(redis.set("bp:big", value));
                        }
                        return l;
                    }).get(30, TimeUnit.SECONDS);
                    for (CompletableFuture<String> f : batch) {
                        if (f.isCompletedExceptionally()) {
                            refused++;
                            assertTrue(failure(f).errmsg().startsWith("queue full"));
                        } else {
                            sent.add(f);
                        }
                    }
                }
            } finally {
                server.signal("CONT");
            }
            assertEquals(20_000, sent.size());
            assertEquals(20_000, refused);
            for (CompletableFuture<String> f : sent) {
                assertEquals("OK", f.get(60, TimeUnit.SECONDS));
            }
            redis.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void aCommandTimeoutFailsTheCommandAndTheConnectionGoesOn() throws Exception {
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri(),
                    RedisOptions.defaults().commandTimeout(Duration.ofMillis(200)));
            await(redis.ready());
            long t0 = System.nanoTime();
            CompletableFuture<Object> slow = redis.command("BLPOP", "bp:never", "2");
            // Had the timeout not fired, BLPOP's answer (a null, two seconds on) would complete the
            // future normally: its failure shows the timer came first, however loaded the machine.
            RedisError e = failure(slow);
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(waited >= 150, "timed out after " + waited + " ms");
            assertTrue(e.errmsg().contains("no reply") && e.errmsg().contains("may still run"), e.errmsg());
            // BLPOP's late answer is dropped; the next reply goes to the next command.
            // Commands behind it time out too until then.
            io.github.evasync.Await.until("a PING answered in time", () -> {
                try {
                    return "PONG".equals(redis.command("PING").get(30, TimeUnit.SECONDS));
                } catch (Exception timedOut) {
                    return false;
                }
            });
            assertEquals(List.of("PONG", 7L), List.of(await(redis.command("PING")),
                    await(redis.command("ECHO", "7").thenApply(b -> (long) Integer.parseInt(RedisCommandsTest.utf8(b))))));
            redis.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void theQueueIsBoundedInBytesToo() throws Exception {
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri(), RedisOptions.defaults().queueBytesLimit(10_000));
            await(redis.ready());
            byte[] value = new byte[4000];
            byte[] big = new byte[50_000];
            List<CompletableFuture<String>> all = loop.submit(() -> {
                List<CompletableFuture<String>> l = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    l.add(redis.set("bp:bytes", value));
                }
                // Larger than the whole budget, while the queue holds commands: refused.
                l.add(redis.set("bp:bytes", big));
                return l;
            }).get(30, TimeUnit.SECONDS);
            assertEquals("OK", await(all.get(0)));
            assertEquals("OK", await(all.get(1)));
            for (int i = 2; i < 6; i++) {
                RedisError e = failure(all.get(i));
                assertTrue(e.errmsg().startsWith("queue full") && e.errmsg().contains("queueBytesLimit"), e.errmsg());
            }
            // Alone in an empty queue, a command larger than the budget goes.
            assertEquals("OK", await(redis.set("bp:bytes", big)));
            assertEquals(50_000, await(redis.get("bp:bytes")).length);
            // From another thread a full budget waits rather than fails.
            CompletableFuture<String> last = null;
            for (int i = 0; i < 200; i++) {
                last = redis.set("bp:bytes", value);
            }
            assertEquals("OK", await(last));
            redis.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void limitsAreBoundedSoThatCloseCannotOverflowItsSemaphore() throws Exception {
        // queueLimit(Integer.MAX_VALUE) made close()'s wake-up release overflow the semaphore: an
        // Error ("Maximum permit count exceeded") and the subscriber left reconnecting.
        assertThrows(IllegalArgumentException.class, () -> RedisOptions.defaults().queueLimit(Integer.MAX_VALUE));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisOptions.defaults().queueLimit(RedisOptions.MAX_QUEUE_LIMIT + 1));
        assertTrue(e.getMessage().contains("queueLimit"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RedisOptions.defaults().maxReplyBytes(8L << 30));
        assertTrue(e.getMessage().contains("maxReplyBytes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RedisOptions.defaults().queueBytesLimit(0));
        assertThrows(IllegalArgumentException.class, () -> RedisOptions.defaults().keepAlive(Duration.ZERO));
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri(), RedisOptions.defaults()
                    .queueLimit(RedisOptions.MAX_QUEUE_LIMIT).queueBytesLimit(Long.MAX_VALUE)
                    .maxReplyBytes(RedisOptions.MAX_MAX_REPLY_BYTES));
            RedisSubscription sub = redis.subscribe("bp:ch", (c, m) -> { });
            await(sub.ready());
            assertEquals("PONG", await(redis.command("PING")));
            redis.close();
            assertTrue(failure(redis.command("PING")).errmsg().contains("closed"));
            io.github.evasync.Await.until("the subscription ends with the client", () -> !sub.isActive());
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void aTransactionLargerThanTheQueueFailsAtOnceRatherThanWaitForEver() throws Exception {
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri(),
                    RedisOptions.defaults().queueLimit(4).commandTimeout(null));
            RedisTransaction tx = redis.multi();
            for (int i = 0; i < 3; i++) {
                tx.command("INCR", "bp:tx");
            }
            // MULTI, three commands, EXEC: five entries, never admitted together.
            RedisError e = failure(tx.exec());
            assertTrue(e.errmsg().contains("queueLimit (4)"), e.errmsg());
            // Four entries fit.
            List<Object> r = await(redis.multi().command("SET", "bp:tx", "1").command("INCR", "bp:tx").exec());
            assertEquals("OK", r.get(0));
            assertEquals(2L, r.get(1));
            redis.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void theClientsSocketsHaveTcpKeepAlive() throws Exception {
        // A server gone without a word (a half-open connection) held a subscriber silent for
        // ever: the client's sockets now carry TCP keep-alive (60 s by default), which the kernel
        // shows as a keepalive timer on the connection (ss -o).
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri());
            await(redis.ready());
            RedisSubscription sub = redis.subscribe("bp:ka", (c, m) -> { });
            await(sub.ready());
            String ss = run("ss", "-tno", "state", "established", "( dport = :" + server.port() + " )");
            long withKeepAlive = ss.lines().filter(l -> l.contains("timer:(keepalive")).count();
            assertEquals(2, withKeepAlive, "the command and the subscriber connection:\n" + ss);
            RedisClient without = RedisClient.connect(loop, server.uri(), RedisOptions.defaults().keepAlive(null));
            await(without.ready());
            ss = run("ss", "-tno", "state", "established", "( dport = :" + server.port() + " )");
            assertEquals(2, ss.lines().filter(l -> l.contains("timer:(keepalive")).count(), ss);
            redis.close();
            without.close();
            Idle.awaitIdle(loop);
        }
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }
}
