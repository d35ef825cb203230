package io.github.evasync.reliability;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.tcp.TcpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server made with no event handler (as the README's examples are) outlives a peer that
 * resets its connection: the reset is logged, not handed to the rethrowing default handler,
 * which ended the whole {@code run} loop and dropped every other client.
 */
@Timeout(30)
class PeerCannotEndLoopTest {
    @Test
    void aResetOnAnAcceptedSocketDoesNotEndTheLoop() throws Exception {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        Thread server = new Thread(() -> {
            try {
                result.complete(EventLoop.run(loop -> {
                    TcpServer[] s = new TcpServer[1];
                    s[0] = loop.tcpServer("127.0.0.1", 0, (sock, d) -> {
                        String text = new String(d, StandardCharsets.US_ASCII);
                        if (text.startsWith("bye")) {
                            sock.close();
                            s[0].close();
                        } else {
                            // Answer slowly enough that the resetting peer is gone when the answer leaves.
                            loop.delay(java.time.Duration.ofMillis(100), () -> {
                                if (!sock.isClosed()) {
                                    sock.write(d);
                                }
                            });
                        }
                    }, null);
                    port.complete(s[0].port());
                    Idle.atExit(loop);
                }));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        server.start();
        int p = port.get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 5; i++) {
            try (Socket rude = new Socket("127.0.0.1", p)) {
                rude.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                rude.setSoLinger(true, 0); // close with a reset
            }
        }
        Thread.sleep(300); // the answers meet the resets
        try (Socket polite = new Socket("127.0.0.1", p)) {
            polite.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            InputStream in = polite.getInputStream();
            assertEquals("ping", new String(in.readNBytes(4), StandardCharsets.US_ASCII));
            polite.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
        }
        assertTrue(result.get(10, TimeUnit.SECONDS));
    }
}
