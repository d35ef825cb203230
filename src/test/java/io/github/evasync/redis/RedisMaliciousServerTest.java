package io.github.evasync.redis;

import io.github.evasync.Await;
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
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.github.evasync.redis.RedisCommandsTest.await;
import static io.github.evasync.redis.RedisCommandsTest.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fake server in python3 that answers the first bytes it reads with broken replies: the
 * command fails with a {@code RedisError} naming the offset, the connection closes, and the loop
 * goes on.
 */
@Timeout(120)
class RedisMaliciousServerTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    static final String FAKE = String.join("\n",
            "import socket, sys, threading",
            "payload = bytes.fromhex(sys.argv[1])",
            "s = socket.socket()",
            "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "s.bind(('127.0.0.1', 0))",
            "s.listen(16)",
            "print(s.getsockname()[1], flush=True)",
            "def serve(c):",
            "    try:",
            "        c.recv(65536)",
            "        c.sendall(payload)",
            "        while c.recv(65536):",
            "            pass",
            "    except OSError:",
            "        pass",
            "    finally:",
            "        c.close()",
            "while True:",
            "    c, _ = s.accept()",
            "    threading.Thread(target=serve, args=(c,), daemon=True).start()");

    /** Runs the fake with {@code payload}; gives the commands' futures to {@code check}. */
    void against(String payload, RedisOptions options, int commands, Check check) throws Exception {
        Process fake = new ProcessBuilder("python3", "-c", FAKE,
                HexFormat.of().formatHex(payload.getBytes(StandardCharsets.ISO_8859_1))).redirectErrorStream(true).start();
        try (EventLoop loop = loops.start()) {
            int port = Integer.parseInt(new BufferedReader(new InputStreamReader(fake.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine().trim());
            List<Exception> events = new CopyOnWriteArrayList<>();
            RedisClient[] client = new RedisClient[1];
            // Connected and the commands queued in one loop turn, before any byte can arrive (the
            // fake may answer the handshake and close before a later turn), all in one write:
            // the fake answers whatever it read first.
            List<CompletableFuture<Object>> replies = loop.submit(() -> {
                RedisClient redis = RedisClient.connect(loop, "redis://127.0.0.1:" + port,
                        options.reconnect(false).eventHandler(events::add));
                client[0] = redis;
                List<CompletableFuture<Object>> l = new java.util.ArrayList<>();
                for (int i = 0; i < commands; i++) {
                    l.add(redis.command("PING"));
                }
                return l;
            }).get(30, TimeUnit.SECONDS);
            RedisClient redis = client[0];
            check.check(replies);
            Await.until("the client closes", redis::isClosed);
            assertFalse(events.isEmpty());
            assertTrue(events.get(0) instanceof RedisError, events.toString());
            // The loop goes on.
            CompletableFuture<String> later = new CompletableFuture<>();
            loop.delay(Duration.ofMillis(1), () -> later.complete("still running"));
            assertEquals("still running", later.get(30, TimeUnit.SECONDS));
            Idle.awaitIdle(loop);
        } finally {
            fake.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    interface Check {
        void check(List<CompletableFuture<Object>> replies) throws Exception;
    }

    static void failsAt(CompletableFuture<Object> f, long offset, String words) {
        RedisError e = failure(f);
        assertFalse(e.fromServer());
        assertTrue(e.errmsg().contains("at byte " + offset + ":") && e.errmsg().contains(words), e.errmsg());
    }

    @Test
    void anUnknownTypeByte() throws Exception {
        against("@oops\r\n", RedisOptions.defaults(), 1, r -> failsAt(r.get(0), 0, "unknown type byte '@'"));
    }

    @Test
    void aBadLengthAfterAGoodReply() throws Exception {
        against("+PONG\r\n$x\r\n", RedisOptions.defaults(), 2, r -> {
            assertEquals("PONG", await(r.get(0)));
            failsAt(r.get(1), 8, "bad length");
        });
    }

    @Test
    void aBulkStringWithoutItsCrlf() throws Exception {
        against("$3\r\nabcd\r\n", RedisOptions.defaults(), 1, r -> failsAt(r.get(0), 7, "not followed by CRLF"));
    }

    @Test
    void aReplyLargerThanMaxReplyBytes() throws Exception {
        against("$999999999\r\n" + "x".repeat(1000), RedisOptions.defaults().maxReplyBytes(1 << 20), 1,
                r -> failsAt(r.get(0), 1, "maxReplyBytes (1048576)"));
    }

    @Test
    void anArrayCountNoMemoryCouldHold() throws Exception {
        against("*2147483647\r\n", RedisOptions.defaults(), 1, r -> failsAt(r.get(0), 1, "maxReplyBytes"));
    }

    @Test
    void aReplyNoCommandAskedFor() throws Exception {
        against("+PONG\r\n+EXTRA\r\n", RedisOptions.defaults(), 1, r -> assertEquals("PONG", await(r.get(0))));
    }

    @Test
    void aBrokenHandshake() throws Exception {
        against("+OK\r\n:12x\r\n", RedisOptions.defaults().clientName("me"), 1, r -> {
            RedisError e = failure(r.get(0));
            assertTrue(e.errmsg().contains("at byte 8") || e.errmsg().contains("could not connect"), e.errmsg());
        });
    }

    @Test
    void aLengthNear2To63() throws Exception {
        // Its sum with the bytes so far overflowed: a NegativeArraySizeException escaped the read
        // callback, the command never completed and the parser stayed broken.
        against("$9223372036854775806\r\n", RedisOptions.defaults(), 1, r -> failsAt(r.get(0), 1, "maxReplyBytes"));
    }

    @Test
    void aMapCountThatOverflowsWhenDoubled() throws Exception {
        against("%4611686018427387905\r\n", RedisOptions.defaults(), 1, r -> failsAt(r.get(0), 1, "maxReplyBytes"));
    }

    @Test
    void aBigNumberOfTooManyDigits() throws Exception {
        against("(" + "9".repeat(5000) + "\r\n", RedisOptions.defaults(), 1,
                r -> failsAt(r.get(0), 1, "big number longer than 4096 digits"));
    }

    @Test
    void aPubSubEventOfTheWrongShape() throws Exception {
        // A 'subscribe' event without its channel: l.get(1) threw IndexOutOfBoundsException out of
        // the read callback. Now the connection is refused as for any malformed reply.
        Process fake = new ProcessBuilder("python3", "-c", FAKE,
                HexFormat.of().formatHex("*1\r\n$9\r\nsubscribe\r\n".getBytes(StandardCharsets.ISO_8859_1)))
                .redirectErrorStream(true).start();
        try (EventLoop loop = loops.start()) {
            int port = Integer.parseInt(new BufferedReader(new InputStreamReader(fake.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine().trim());
            List<Exception> events = new CopyOnWriteArrayList<>();
            RedisClient redis = RedisClient.connect(loop, "redis://127.0.0.1:" + port,
                    RedisOptions.defaults().reconnect(false).eventHandler(events::add));
            RedisSubscription sub = redis.subscribe("ch", (c, m) -> { });
            RedisError e = failure(sub.ready());
            assertTrue(e.errmsg().contains("malformed pub/sub event"), e.errmsg());
            Await.until("the subscription ends", () -> !sub.isActive());
            assertTrue(events.stream().anyMatch(ev -> ev instanceof RedisError re
                    && re.errmsg().contains("malformed pub/sub event")), events.toString());
            redis.close();
            Idle.awaitIdle(loop);
        } finally {
            fake.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
