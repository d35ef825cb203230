package io.github.evasync.tcp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class ForeignClientTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @Test
    void pythonClientAgainstAServerOnALiveLoop() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        try (EventLoop loop = loops.start()) {
            TcpServer server = loop.tcpServer("127.0.0.1", 0,
                    (s, data) -> s.write(new String(data, StandardCharsets.UTF_8).toUpperCase()),
                    ev -> closed.countDown());
            String script = String.join("\n",
                    "import socket, sys",
                    "s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=10)",
                    "s.sendall(b'shout this please')",
                    "got = b''",
                    "while len(got) < 17:",
                    "    got += s.recv(100)",
                    "print(got.decode())",
                    "s.close()");
            Process p = new ProcessBuilder("python3", "-c", script, String.valueOf(server.port()))
                    .redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "python client hung");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertEquals(0, p.exitValue(), out);
            assertEquals("SHOUT THIS PLEASE", out);
            assertTrue(closed.await(10, TimeUnit.SECONDS), "the server saw the client close");
            server.close();
            Idle.assertIdle(loop);
        }
    }
}
