package io.github.evasync.tcp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TCP_NODELAY and keepalive, as the kernel (getsockopt, ss) sees them. */
@Timeout(60)
class SocketOptionsTest {
    private static final Pattern KEEPALIVE = Pattern.compile("timer:\\(keepalive,(?:(\\d+)min)?(?:(\\d+)(?:\\.\\d+)?sec)?");

    @RegisterExtension
    final TestLoops loops = new TestLoops();

    /** A connected pair: the client socket and the server's accepted one. */
    private record Pair(TcpServer server, TcpSocket client, TcpSocket accepted) {
        int clientPort() {
            return client.localAddress().getPort();
        }
    }

    private static Pair pair(EventLoop loop, ServerOptions serverOptions, TcpOptions clientOptions) throws Exception {
        CompletableFuture<TcpSocket> accepted = new CompletableFuture<>();
        TcpServer server = loop.tcpServer("127.0.0.1", 0, null, ev -> { }, serverOptions.connectCallback(accepted::complete));
        CompletableFuture<TcpSocket> connected = new CompletableFuture<>();
        loop.tcpConnect("127.0.0.1", server.port(), null, ev -> { }, clientOptions.connectCallback(connected::complete));
        return new Pair(server, connected.get(10, TimeUnit.SECONDS), accepted.get(10, TimeUnit.SECONDS));
    }

    private static void close(EventLoop loop, Pair p) {
        p.client.close();
        p.accepted.close();
        p.server.close();
        Idle.awaitIdle(loop);
    }

    /** Seconds left on the keepalive timer ss shows, or -1 when it shows none. */
    private static int keepAliveSeconds(String ss) {
        Matcher m = KEEPALIVE.matcher(ss);
        if (!m.find()) {
            return -1;
        }
        return (m.group(1) == null ? 0 : Integer.parseInt(m.group(1)) * 60) + (m.group(2) == null ? 0 : Integer.parseInt(m.group(2)));
    }

    @Test
    void noDelayIsOnByDefaultAndCanBeTurnedOff() throws Throwable {
        try (EventLoop loop = loops.start()) {
            Pair on = pair(loop, ServerOptions.defaults(), TcpOptions.defaults());
            int port = on.server.port();
            assertTrue(SocketProbe.noDelay(on.clientPort(), port), "client default");
            assertTrue(SocketProbe.noDelay(port, on.clientPort()), "accepted default");
            close(loop, on);

            Pair off = pair(loop, ServerOptions.defaults().noDelay(false), TcpOptions.defaults().noDelay(false));
            port = off.server.port();
            assertFalse(SocketProbe.noDelay(off.clientPort(), port), "client noDelay(false)");
            assertFalse(SocketProbe.noDelay(port, off.clientPort()), "accepted noDelay(false)");
            close(loop, off);
        }
    }

    @Test
    void keepAliveShowsInSs() throws Exception {
        try (EventLoop loop = loops.start()) {
            Pair plain = pair(loop, ServerOptions.defaults(), TcpOptions.defaults());
            assertEquals(-1, keepAliveSeconds(SocketProbe.ss(plain.clientPort())), SocketProbe.ss(plain.clientPort()));
            close(loop, plain);

            Pair kept = pair(loop, ServerOptions.defaults().keepAlive(Duration.ofSeconds(45)),
                    TcpOptions.defaults().keepAlive(Duration.ofSeconds(30)));
            String client = SocketProbe.ss(kept.clientPort());
            int left = keepAliveSeconds(client);
            assertTrue(left > 0 && left <= 30, client);
            // The accepted socket: ss by its own port, the server's, filtered to this client.
            Peer.Result accepted = Peer.run(null, "ss", "-tnoH", "state", "established",
                    "( sport = :" + kept.server.port() + " and dport = :" + kept.clientPort() + " )");
            int acceptedLeft = keepAliveSeconds(accepted.out());
            assertTrue(acceptedLeft > 30 && acceptedLeft <= 45, accepted.out());
            close(loop, kept);
        }
    }

    @Test
    void keepAliveDurationsAreChecked() {
        for (Duration bad : new Duration[]{Duration.ZERO, Duration.ofSeconds(-1), Duration.ofSeconds(32768),
                Duration.ofSeconds(Integer.MAX_VALUE + 1L)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TcpOptions.defaults().keepAlive(bad));
            assertTrue(e.getMessage().contains("keepAlive"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ServerOptions.defaults().keepAlive(bad));
            assertTrue(e.getMessage().contains("keepAlive"), e.getMessage());
        }
        assertEquals(Duration.ofMillis(1), TcpOptions.defaults().keepAlive(Duration.ofMillis(1)).keepAlive());
        assertEquals(null, TcpOptions.defaults().keepAlive(Duration.ofSeconds(5)).keepAlive(null).keepAlive());
    }

    @Test
    void aSubSecondKeepAliveIsOneSecond() throws Exception {
        try (EventLoop loop = loops.start()) {
            Pair p = pair(loop, ServerOptions.defaults(), TcpOptions.defaults().keepAlive(Duration.ofMillis(200)));
            String ss = SocketProbe.ss(p.clientPort());
            assertTrue(keepAliveSeconds(ss) >= 0 && keepAliveSeconds(ss) <= 1, ss);
            close(loop, p);
        }
    }
}
