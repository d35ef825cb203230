package io.github.evasync.redis;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.github.evasync.redis.RedisCommandsTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Commands issued at once after connect wait for the first connection under the command
 * timeout, as documented; {@code reconnectWait} is for a connection being made again. A server
 * slow to answer AUTH failed them after reconnectWait (100 ms here) though the connection came.
 */
@Timeout(60)
class RedisFirstConnectWaitTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    static final String SLOW_AUTH = String.join("\n",
            "import socket, time",
            "s = socket.socket()",
            "s.bind(('127.0.0.1', 0))",
            "s.listen(4)",
            "print(s.getsockname()[1], flush=True)",
            "c, _ = s.accept()",
            "c.recv(65536)",
            "time.sleep(0.5)",
            "c.sendall(b'+OK\\r\\n')",
            "while True:",
            "    d = c.recv(65536)",
            "    if not d:",
            "        break",
            "    c.sendall(b'+PONG\\r\\n' * d.count(b'PING'))");

    @Test
    void commandsWaitForTheFirstConnectionUnderTheCommandTimeout() throws Exception {
        Process fake = new ProcessBuilder("python3", "-c", SLOW_AUTH).redirectErrorStream(true).start();
        try (EventLoop loop = loops.start()) {
            int port = Integer.parseInt(new BufferedReader(new InputStreamReader(fake.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine().trim());
            RedisClient redis = RedisClient.connect(loop, "redis://:secret@127.0.0.1:" + port,
                    RedisOptions.defaults().reconnectWait(Duration.ofMillis(100)).commandTimeout(Duration.ofSeconds(10)));
            CompletableFuture<Object> ping = redis.command("PING");
            assertEquals("PONG", await(ping));
            redis.close();
            Idle.awaitIdle(loop);
        } finally {
            fake.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
