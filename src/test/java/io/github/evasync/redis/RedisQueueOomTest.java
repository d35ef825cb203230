package io.github.evasync.redis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.github.evasync.redis.RedisWrongTypeReplyTest.fake;
import static io.github.evasync.redis.RedisWrongTypeReplyTest.port;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A command from another thread that the loop cannot copy into its buffer (the heap full): it
 * fails, and its permits come back. The OutOfMemoryError went to the loop's uncaught handler, the
 * future never completed (it was never queued, so no timeout reached it), and the 40 MB of byte
 * permits it held were lost: every later command failed "queue full" for good.
 */
@Timeout(120)
class RedisQueueOomTest {
    @Test
    void aCommandTheLoopCannotQueueFailsAndGivesItsPermitsBack() throws Exception {
        Process fake = fake("+PONG\r\n");
        try {
            List<String> cmd = List.of(ProcessHandle.current().info().command().orElseThrow(), "-Xmx160m",
                    "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    QueueOomChild.class.getName(), String.valueOf(port(fake)));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), out);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("set failed: io.github.evasync.RedisError: the command could not be queued"), out);
            assertTrue(out.contains("ping PONG"), out);
        } finally {
            fake.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
