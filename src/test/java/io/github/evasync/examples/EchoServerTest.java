package io.github.evasync.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(90)
class EchoServerTest {
    @Test
    void echoesThenExitsWhenItsTimeIsUp() throws Exception {
        ExampleRunner.Running r = ExampleRunner.start("EchoServer", "0", "3");
        String line = r.awaitLine("listening on 127.0.0.1:", 60);
        int port = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim());
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("echo me".getBytes(StandardCharsets.UTF_8));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[7];
            int n = 0;
            while (n < 7) {
                n += in.read(buf, n, 7 - n);
            }
            assertEquals("echo me", new String(buf, StandardCharsets.UTF_8));
        }
        ExampleRunner.Result done = r.finish(30);
        assertEquals(0, done.exitCode(), done.output());
        assertTrue(done.output().contains("echo server exited"), done.output());
    }

    @Test
    void sigintClosesTheServerAndEndsTheLoopCleanly() throws Exception {
        ExampleRunner.Running r = ExampleRunner.start("EchoServer", "0");
        r.awaitLine("listening on 127.0.0.1:", 60);
        Process k = new ProcessBuilder("kill", "-INT", String.valueOf(r.process.pid())).start();
        assertEquals(0, k.waitFor());
        ExampleRunner.Result done = r.finish(30);
        assertEquals(0, done.exitCode(), done.output());
        assertTrue(done.output().contains("SIGINT: closing"), done.output());
        assertTrue(done.output().contains("echo server exited"), done.output());
    }
}
