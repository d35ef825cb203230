package io.github.evasync.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(90)
class DelayedResponseServerTest {
    @Test
    void answersAfterTheDelayAndCountsFinishedRequests() throws Exception {
        ExampleRunner.Running r = ExampleRunner.start("DelayedResponseServer", "0", "300", "3");
        String line = r.awaitLine("listening on 127.0.0.1:", 60);
        int port = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim());
        List<CompletableFuture<String>> replies = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            replies.add(CompletableFuture.supplyAsync(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    s.setSoTimeout(10_000);
                    s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        for (CompletableFuture<String> f : replies) {
            String reply = f.get();
            assertTrue(reply.startsWith("HTTP/1.1 200 OK\r\n"), reply);
            assertTrue(reply.endsWith("\r\n\r\nomglolwtf"), reply);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 290, "answered after the delay: " + ms + " ms");
        ExampleRunner.Result done = r.finish(30);
        assertEquals(0, done.exitCode(), done.output());
        assertTrue(done.output().contains("finished: 5"), done.output());
        assertTrue(done.output().contains("exited after 5 responses"), done.output());
    }
}
