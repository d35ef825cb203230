package io.github.evasync.redis;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.github.evasync.redis.RedisCommandsTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Commands that would break the shared command connection for every caller (reply matching by
 * order, the database, the protocol) are refused at the call with an
 * {@code IllegalArgumentException} that names them and says what to use instead; the
 * connection goes on, in RESP2 and RESP3. (Before, {@code command("SUBSCRIBE", "x")} went out:
 * in RESP2 every later reply was a pub/sub message matched to the wrong command, in RESP3 the
 * subscribe's confirmation was a push and its future never completed.)
 */
@Timeout(120)
class RedisRefusedCommandsTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @RegisterExtension
    static final RedisServer server = RedisServer.forTheClass();

    /** A refused command line and a word its refusal must hold (where to go instead). */
    static final String[][] REFUSED = {
        {"subscribe ch", "subscribe("},
        {"PSUBSCRIBE ch*", "subscribe("},
        {"SSubscribe ch", "subscribe("},
        {"unsubscribe", "subscribe("},
        {"PUNSUBSCRIBE", "subscribe("},
        {"SUNSUBSCRIBE ch", "subscribe("},
        {"monitor", "MONITOR"},
        {"CLIENT REPLY OFF", "replies"},
        {"client reply skip", "replies"},
        {"RESET", "close()"},
        {"hello 3", "protocol"},
        {"MULTI", "multi()"},
        {"exec", "multi()"},
        {"Discard", "multi()"},
        {"SELECT 1", "URI"},
        {"auth secret", "URI"},
        {"AUTH someone secret", "URI"},
        {"quit", "close()"},
    };

    @Test
    void refusedInResp2() throws Exception {
        refusedWith(RedisOptions.defaults());
    }

    @Test
    void refusedInResp3() throws Exception {
        refusedWith(RedisOptions.defaults().protocol(3));
    }

    void refusedWith(RedisOptions options) throws Exception {
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri(), options);
            await(redis.ready());
            for (String[] r : REFUSED) {
                String[] args = r[0].split(" ");
                String name = args[0].toUpperCase(Locale.ROOT);
                List<IllegalArgumentException> refusals = new ArrayList<>();
                refusals.add(assertThrows(IllegalArgumentException.class, () -> redis.command(args), r[0]));
                byte[][] bytes = new byte[args.length][];
                for (int i = 0; i < args.length; i++) {
                    bytes[i] = args[i].getBytes(StandardCharsets.US_ASCII);
                }
                refusals.add(assertThrows(IllegalArgumentException.class, () -> redis.command(bytes), r[0]));
                refusals.add(assertThrows(IllegalArgumentException.class,
                        () -> redis.command(reply -> { }, e -> { }, args), r[0]));
                refusals.add(assertThrows(IllegalArgumentException.class,
                        () -> redis.command(reply -> { }, e -> { }, bytes), r[0]));
                // On the loop thread too (encoded there, straight into the connection's writer).
                refusals.add(loop.submit(() -> {
                    try {
                        redis.command(bytes);
                        return null;
                    } catch (IllegalArgumentException e) {
                        return e;
                    }
                }).get(30, TimeUnit.SECONDS));
                refusals.add(assertThrows(IllegalArgumentException.class, () -> redis.multi().command(args), r[0]));
                for (IllegalArgumentException e : refusals) {
                    assertTrue(e != null && e.getMessage().contains(name) && e.getMessage().contains(r[1]),
                            r[0] + ": " + (e == null ? "not refused on the loop thread" : e.getMessage()));
                }
            }
            // What is harmless passes, and the connection was never touched.
            assertEquals("OK", await(redis.command("CLIENT", "REPLY", "ON")));
            assertEquals("PONG", await(redis.command("ping")));
            assertEquals("x", RedisCommandsTest.utf8(await(redis.command("ECHO", "x"))));
            CompletableFuture<List<Object>> tx = redis.multi().command("ECHO", "in").exec();
            assertEquals("in", RedisCommandsTest.utf8(await(tx).get(0)));
            redis.close();
            Idle.awaitIdle(loop);
        }
    }
}
