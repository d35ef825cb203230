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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.github.evasync.redis.RedisCommandsTest.failure;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Refused subscriptions against a fake server that answers each SUBSCRIBE by its channel: after a
 * reconnect, one refused name must not end the subscriptions sent beside it (they were batched in
 * one SUBSCRIBE, which the server refuses whole), and a caller subscribing again from a refused
 * subscription's {@code ready()} must have its SUBSCRIBE sent (it joined an emptied list).
 */
@Timeout(60)
class RedisResubscribeTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    /** Mode "batch": the first SUBSCRIBE forbidden drops the connection, later ones are refused. Mode "again": refused once, then confirmed. */
    static final String FAKE = String.join("\n",
            "import socket, sys, threading",
            "mode = sys.argv[1]",
            "state = {'forbidden': 0}",
            "s = socket.socket()",
            "s.bind(('127.0.0.1', 0))",
            "s.listen(16)",
            "print(s.getsockname()[1], flush=True)",
            "def command(buf):",
            "    if not buf.startswith(b'*') or b'\\r\\n' not in buf: return None, buf",
            "    head, rest = buf.split(b'\\r\\n', 1)",
            "    args = []",
            "    for _ in range(int(head[1:])):",
            "        if b'\\r\\n' not in rest: return None, buf",
            "        n, rest2 = rest.split(b'\\r\\n', 1)",
            "        k = int(n[1:])",
            "        if len(rest2) < k + 2: return None, buf",
            "        args.append(rest2[:k]); rest = rest2[k + 2:]",
            "    return args, rest",
            "def serve(c):",
            "    buf = b''",
            "    try:",
            "        while True:",
            "            d = c.recv(65536)",
            "            if not d: return",
            "            buf += d",
            "            while True:",
            "                args, buf = command(buf)",
            "                if args is None: break",
            "                name = args[1] if len(args) > 1 else b''",
            "                if args[0].upper() != b'SUBSCRIBE': continue",
            "                if name == b'forbidden':",
            "                    state['forbidden'] += 1",
            "                    if mode == 'batch' and state['forbidden'] == 1:",
            "                        c.close(); return",
            "                    if mode == 'batch' or state['forbidden'] == 1:",
            "                        c.sendall(b'-NOPERM no rights to the forbidden channel\\r\\n'); continue",
            "                c.sendall(b'*3\\r\\n$9\\r\\nsubscribe\\r\\n$%d\\r\\n%s\\r\\n:1\\r\\n' % (len(name), name))",
            "    except OSError:",
            "        pass",
            "while True:",
            "    c, _ = s.accept()",
            "    threading.Thread(target=serve, args=(c,), daemon=True).start()");

    static Process fake(String mode) throws Exception {
        return new ProcessBuilder("python3", "-c", FAKE, mode).redirectErrorStream(true).start();
    }

    static int port(Process p) throws Exception {
        return Integer.parseInt(new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.US_ASCII)).readLine().trim());
    }

    @Test
    void aNameRefusedAfterAReconnectEndsOnlyItself() throws Exception {
        Process fake = fake("batch");
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, "redis://127.0.0.1:" + port(fake),
                    RedisOptions.defaults().eventHandler(e -> { }));
            RedisSubscription a = redis.subscribe("a", (c, m) -> { });
            a.ready().get(10, TimeUnit.SECONDS);
            // Its SUBSCRIBE drops the connection; on the next one both names go again, and only
            // "forbidden" is refused.
            RedisSubscription forbidden = redis.subscribe("forbidden", (c, m) -> { });
            RedisError e = failure(forbidden.ready());
            assertTrue(e.errmsg().contains("NOPERM"), e.errmsg());
            assertFalse(forbidden.isActive());
            assertTrue(a.isActive(), "a healthy subscription ended with the refused one");
            redis.close();
            Idle.awaitIdle(loop);
        } finally {
            fake.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void subscribingAgainFromARefusalIsSent() throws Exception {
        Process fake = fake("again");
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, "redis://127.0.0.1:" + port(fake),
                    RedisOptions.defaults().reconnect(false).eventHandler(e -> { }));
            CompletableFuture<RedisSubscription> second = new CompletableFuture<>();
            loop.submit(() -> {
                RedisSubscription first = redis.subscribe("forbidden", (c, m) -> { });
                first.ready().whenComplete((ok, failed) -> {
                    if (failed != null) {
                        // On the loop thread, as the refusal is heard: subscribe again at once.
                        redis.subscribe("forbidden", (c, m) -> { }).ready().whenComplete((s, f) -> {
                            if (f != null) {
                                second.completeExceptionally(f);
                            } else {
                                second.complete(s);
                            }
                        });
                    }
                });
                return null;
            }).get(10, TimeUnit.SECONDS);
            assertTrue(second.get(10, TimeUnit.SECONDS).isActive());
            redis.close();
            Idle.awaitIdle(loop);
        } finally {
            fake.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
