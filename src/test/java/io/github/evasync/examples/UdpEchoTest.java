package io.github.evasync.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(90)
class UdpEchoTest {
    private static String echo(String host, int port, String text) throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName(host))) {
            s.setSoTimeout(10_000);
            byte[] out = text.getBytes(StandardCharsets.UTF_8);
            s.send(new DatagramPacket(out, out.length, new InetSocketAddress(host, port)));
            DatagramPacket in = new DatagramPacket(new byte[100], 100);
            s.receive(in);
            return new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void echoesOverIpv4AndIpv6UntilSigint() throws Exception {
        // A lifetime far beyond the test's: the echoes must not race a cold JVM on a loaded machine.
        ExampleRunner.Running r = ExampleRunner.start("UdpEcho", "0", "600");
        String line = r.awaitLine("listening on port ", 60);
        int port = Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1).trim());
        assertEquals("echo me", echo("127.0.0.1", port, "echo me"));
        assertEquals("and me", echo("::1", port, "and me"));
        Process k = new ProcessBuilder("kill", "-INT", String.valueOf(r.process.pid())).start();
        assertEquals(0, k.waitFor());
        ExampleRunner.Result done = r.finish(30);
        assertEquals(0, done.exitCode(), done.output());
        assertTrue(done.output().contains("SIGINT: closing"), done.output());
        assertTrue(done.output().contains("udp echo exited"), done.output());
    }

    @Test
    void exitsWhenItsTimeIsUp() throws Exception {
        ExampleRunner.Running r = ExampleRunner.start("UdpEcho", "0", "1");
        r.awaitLine("listening on port ", 60);
        ExampleRunner.Result done = r.finish(60);
        assertEquals(0, done.exitCode(), done.output());
        assertTrue(done.output().contains("time is up; closing"), done.output());
        assertTrue(done.output().contains("udp echo exited"), done.output());
    }
}
