package io.github.evasync.tls;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import io.github.evasync.tcp.ServerOptions;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpServer;
import io.github.evasync.tcp.TcpSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Accepted TLS sockets closed with close() from another thread while they echo, their clients
 * gone after a few milliseconds: each must be freed within the close's write timeout (30 s, so
 * this test takes about that long). libevent left
 * about one in three hundred with output queued and no event added (no write event, so its
 * write timeout never ran), never freed until the loop closed; the socket's own flush watch
 * frees it now.
 */
@Timeout(120)
class TlsCloseFlushTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @Test
    void closedAcceptedSocketsAreFreedEvenWhenLibeventStopsWriting() throws Exception {
        TestCerts certs = TestCerts.get();
        EventLoop loop = loops.start();
        ConcurrentLinkedQueue<TcpSocket> accepted = new ConcurrentLinkedQueue<>();
        TcpServer server = loop.tcpServer("127.0.0.1", 0, (s, d) -> s.write(d), ev -> { },
                ServerOptions.defaults().tls(TlsOptions.server(certs.serverCert, certs.serverKey))
                        .connectCallback(accepted::add));
        int n = 500;
        for (int round = 0; round < 2; round++) {
            AtomicBoolean connectsDone = new AtomicBoolean();
            Thread closer = new Thread(() -> {
                // Until every connect was made and nothing more was accepted for a while: a client
                // whose 1 ms read timeout struck in the handshake is never handed over.
                while (true) {
                    TcpSocket s = accepted.poll();
                    if (s != null) {
                        s.close(); // graceful, from a foreign thread
                    } else if (connectsDone.get()) {
                        return;
                    } else {
                        Thread.onSpinWait();
                    }
                }
            });
            closer.start();
            for (int i = 0; i < n; i++) {
                // From this thread, each connect a call to the loop: the pace that showed the leak.
                loop.tcpConnect("127.0.0.1", server.port(), null, ev -> { },
                        TcpOptions.defaults().data(new byte[2100]).readTimeout(Duration.ofMillis(1 + i % 10))
                                .tls(TlsOptions.client().trust(certs.ca).serverName("localhost")));
            }
            Thread.sleep(2_000);
            connectsDone.set(true);
            closer.join(40_000);
            assertFalse(closer.isAlive(), "the closer finished");
        }
        server.close();
        // A closed socket's flush may take the close's 30 s write timeout and the watch's 1 s more.
        long deadline = System.nanoTime() + 45_000_000_000L;
        while (!loop.stats().isIdle() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        Idle.assertIdle(loop);
        loop.close();
    }

    /**
     * Send and forget over a slow handshake: a client that writes and closes at once, with a
     * 1 s write timeout, before a handshake that takes 3 s. Nothing can be sent until the
     * handshake ends, which has a timeout of its own; the flush watch (which freed the socket
     * after 2 s, its bytes lost) counts only from there.
     */
    @Test
    void aCloseBeforeASlowHandshakeStillSends() throws Exception {
        TestCerts certs = TestCerts.get();
        EventLoop loop = loops.start();
        EventLoop slow = loops.start();
        java.util.concurrent.CompletableFuture<String> got = new java.util.concurrent.CompletableFuture<>();
        StringBuilder b = new StringBuilder();
        TcpServer server = slow.submit(() -> slow.tcpServer("127.0.0.1", 0, (s, d) -> {
            b.append(new String(d, java.nio.charset.StandardCharsets.US_ASCII));
            if (b.length() >= 5) {
                got.complete(b.toString());
            }
        }, ev -> { }, ServerOptions.defaults().tls(TlsOptions.server(certs.serverCert, certs.serverKey)))).get();
        slow.execute(() -> {
            try {
                Thread.sleep(3_000); // the server's loop is busy: the handshake waits
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        loop.execute(() -> loop.tcpConnect("127.0.0.1", server.port(), null, ev -> { },
                TcpOptions.defaults().data("hello").writeTimeout(Duration.ofSeconds(1))
                        .tls(TlsOptions.client().trust(certs.ca).serverName("localhost"))).close());
        org.junit.jupiter.api.Assertions.assertEquals("hello", got.get(20, java.util.concurrent.TimeUnit.SECONDS));
        Idle.awaitIdle(loop);
        slow.execute(server::close);
        Idle.awaitIdle(slow);
        loop.close();
        slow.close();
    }
}
