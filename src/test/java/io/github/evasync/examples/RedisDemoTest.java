package io.github.evasync.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs examples/RedisDemo against a redis-server of the test's own. */
@Timeout(120)
class RedisDemoTest {
    @Test
    void theDemoRunsEveryPartAndEnds() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("evasync-redis-demo");
        Process server = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile())
                .redirectInput(new File("/dev/null")).start();
        try {
            awaitListening(port);
            ExampleRunner.Result r = ExampleRunner.run("RedisDemo", 90, "redis://127.0.0.1:" + port);
            assertEquals(0, r.exitCode(), r.output());
            for (String line : List.of("GET demo:greeting -> hello from evasync", "1000 pipelined INCRs -> 1000",
                    "an error reply -> ERR unknown command", "PING -> PONG",
                    "message on demo:news -> published by the other client", "MULTI/EXEC -> 1, 1",
                    "redis demo done")) {
                assertTrue(r.output().contains(line), "no '" + line + "' in:\n" + r.output());
            }
        } finally {
            server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void awaitListening(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new AssertionError("redis-server did not listen on " + port);
    }
}
