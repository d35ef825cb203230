package io.github.evasync.reliability;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import io.github.evasync.http.HttpServer;
import io.github.evasync.http.HttpServerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Slowloris: 5,000 connections drip their headers a byte at a time; the header timeout closes
 * every one of them while a normal client keeps being served.
 */
@Timeout(120)
class SlowlorisTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @Test
    void dripsAreCutOffWhileOthersAreServed() throws Exception {
        int conns = 5000;
        try (EventLoop loop = loops.start()) {
            HttpServer server = loop.httpServer("127.0.0.1", 0, req -> req.respond(200, Map.of(), "ok"), null,
                    HttpServerOptions.defaults().headerTimeout(Duration.ofSeconds(2)));
            InetSocketAddress addr = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
            List<SocketChannel> slow = new ArrayList<>();
            for (int i = 0; i < conns; i++) {
                SocketChannel c = SocketChannel.open(addr);
                c.configureBlocking(false);
                slow.add(c);
            }
            byte[] request = "GET /slow HTTP/1.1\r\nHost: x\r\nX-Long: ".getBytes(StandardCharsets.US_ASCII);
            long t0 = System.nanoTime();
            int servedWhileDripping = 0;
            int open = conns;
            ByteBuffer sink = ByteBuffer.allocate(512);
            // 60 s only bounds a server that never cuts the drips off; the header timeout is 2 s.
            for (int tick = 0; open > 0 && System.nanoTime() - t0 < 60_000_000_000L; tick++) {
                open = 0;
                for (SocketChannel c : slow) {
                    if (!c.isOpen()) {
                        continue;
                    }
                    try {
                        sink.clear();
                        if (c.read(sink) < 0) {
                            c.close();
                            continue;
                        }
                        c.write(ByteBuffer.wrap(request, tick % request.length, 1));
                        open++;
                    } catch (IOException closedByServer) {
                        c.close();
                    }
                }
                try (Socket good = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                    good.setSoTimeout(5000);
                    good.getOutputStream().write("GET /good HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    String reply = new String(good.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                    assertTrue(reply.startsWith("HTTP/1.1 200 OK") && reply.endsWith("ok"), reply);
                    if (open > 0) {
                        servedWhileDripping++;
                    }
                }
                Thread.sleep(250);
            }
            assertEquals(0, open, "every dripping connection was closed");
            assertTrue(servedWhileDripping >= 1,
                    "a normal client was served while connections were dripping: " + servedWhileDripping);
            server.close();
            Idle.awaitIdle(loop);
        }
    }
}
