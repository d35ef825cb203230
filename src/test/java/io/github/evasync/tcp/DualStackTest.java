package io.github.evasync.tcp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TcpServerBindError;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A null bind address listens on IPv6 and IPv4 at once; IPv6 literals work wherever addresses go. */
@Timeout(60)
class DualStackTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    private static ReadCallback upperCaseEcho() {
        return (s, d) -> s.write(new String(d, StandardCharsets.UTF_8).toUpperCase());
    }

    @Test
    void aNullBindAddressTakesIpv6AndIpv4Clients() throws Exception {
        List<InetSocketAddress> peers = new CopyOnWriteArrayList<>();
        try (EventLoop loop = loops.start()) {
            TcpServer server = loop.tcpServer(null, 0, upperCaseEcho(), ev -> { },
                    ServerOptions.defaults().connectCallback(s -> peers.add(s.remoteAddress())));
            assertTrue(server.port() > 0, "the port the system chose: " + server.port());
            Peer.Result v6 = Peer.python(Peer.SEND_HALF_CLOSE_READ, "::1", String.valueOf(server.port()), "over six");
            assertEquals("OVER SIX", v6.out(), v6.out());
            Peer.Result v4 = Peer.python(Peer.SEND_HALF_CLOSE_READ, "127.0.0.1", String.valueOf(server.port()), "over four");
            assertEquals("OVER FOUR", v4.out(), v4.out());
            assertEquals(2, peers.size());
            // The v6 peer is ::1; the v4 one its IPv4 address, not ::ffff:127.0.0.1.
            assertInstanceOf(Inet6Address.class, peers.get(0).getAddress());
            assertEquals(InetAddress.ofLiteral("::1"), peers.get(0).getAddress());
            assertInstanceOf(Inet4Address.class, peers.get(1).getAddress());
            assertEquals(InetAddress.ofLiteral("127.0.0.1"), peers.get(1).getAddress());

            // Our own client, both ways, to the same server.
            for (String host : new String[]{"::1", "[::1]", "127.0.0.1", "localhost"}) {
                CompletableFuture<String> got = new CompletableFuture<>();
                TcpSocket c = loop.tcpConnect(host, server.port(), (s, d) -> {
                    got.complete(new String(d, StandardCharsets.UTF_8));
                    s.close();
                }, got::completeExceptionally);
                c.write("from " + host);
                assertEquals(("from " + host).toUpperCase(), got.get(10, TimeUnit.SECONDS));
            }
            server.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void ipv6LiteralsToBindAndConnect() throws Exception {
        try (EventLoop loop = loops.start()) {
            TcpServer server = loop.tcpServer("::1", 0, upperCaseEcho(), ev -> { });
            CompletableFuture<String> got = new CompletableFuture<>();
            CompletableFuture<InetSocketAddress[]> addresses = new CompletableFuture<>();
            TcpSocket c = loop.tcpConnect("::1", server.port(), (s, d) -> {
                addresses.complete(new InetSocketAddress[]{s.localAddress(), s.remoteAddress()});
                got.complete(new String(d, StandardCharsets.UTF_8));
                s.close();
            }, got::completeExceptionally);
            c.write("six");
            assertEquals("SIX", got.get(10, TimeUnit.SECONDS));
            InetSocketAddress[] a = addresses.get(1, TimeUnit.SECONDS);
            assertEquals(InetAddress.ofLiteral("::1"), a[0].getAddress());
            assertEquals(new InetSocketAddress(InetAddress.ofLiteral("::1"), server.port()), a[1]);
            // Bound to ::1 alone: an IPv4 client is refused.
            Peer.Result v4 = Peer.python(Peer.SEND_HALF_CLOSE_READ, "127.0.0.1", String.valueOf(server.port()), "x");
            assertTrue(v4.exit() != 0 && v4.out().contains("Connection refused"), v4.out());
            server.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void reusePortOnTheDualStackSocket() {
        try (EventLoop loop = loops.start()) {
            ServerOptions reuse = ServerOptions.defaults().reusePort(true);
            TcpServer first = loop.tcpServer(null, 0, null, ev -> { }, reuse);
            TcpServer second = loop.tcpServer(null, first.port(), null, ev -> { }, reuse);
            assertEquals(first.port(), second.port());
            // Without SO_REUSEPORT the port is taken, over either family.
            TcpServerBindError e = assertThrows(TcpServerBindError.class,
                    () -> loop.tcpServer(null, first.port(), null, ev -> { }));
            assertEquals(first.port(), e.port());
            assertThrows(TcpServerBindError.class, () -> loop.tcpServer("127.0.0.1", first.port(), null, ev -> { }));
            first.close();
            second.close();
            Idle.awaitIdle(loop);
        }
    }
}
