package io.github.evasync.udp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import io.github.evasync.UdpError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Echo both ways against python3's socket module and socat, over IPv4 and IPv6. */
@Timeout(60)
class UdpEchoTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    static final String PY_CLIENT = String.join("\n",
            "import socket, sys",
            "fam = socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET",
            "s = socket.socket(fam, socket.SOCK_DGRAM)",
            "s.settimeout(10)",
            "s.sendto(b'shout this please', (sys.argv[1], int(sys.argv[2])))",
            "data, addr = s.recvfrom(100)",
            "print(data.decode())");

    private static UdpSocket upperEcho(EventLoop loop, String bind) {
        return loop.udpSocket(bind, 0,
                (s, data, from) -> s.send(new String(data, StandardCharsets.UTF_8).toUpperCase()
                        .getBytes(StandardCharsets.UTF_8), from), null);
    }

    @Test
    void pythonClientAgainstAnEvasyncServerOverIpv4() throws Exception {
        try (EventLoop loop = loops.start()) {
            UdpSocket server = upperEcho(loop, "127.0.0.1");
            String out = Peers.output(Peers.python(PY_CLIENT, "127.0.0.1", server.port()));
            assertEquals("SHOUT THIS PLEASE", out);
            assertEquals(1, loop.stats().openUdpSockets());
            server.close();
            Idle.assertIdle(loop);
        }
    }

    @Test
    void pythonClientAgainstAnEvasyncServerOverIpv6() throws Exception {
        try (EventLoop loop = loops.start()) {
            UdpSocket server = upperEcho(loop, "::1");
            assertInstanceOf(Inet6Address.class, server.localAddress().getAddress());
            assertEquals("SHOUT THIS PLEASE", Peers.output(Peers.python(PY_CLIENT, "::1", server.port())));
            server.close();
            Idle.assertIdle(loop);
        }
    }

    @Test
    void aDualStackSocketAnswersIpv4AndIpv6Peers() throws Exception {
        try (EventLoop loop = loops.start()) {
            CompletableFuture<InetSocketAddress> v4 = new CompletableFuture<>();
            UdpSocket server = loop.udpSocket(null, 0, (s, data, from) -> {
                if (from.getAddress() instanceof Inet4Address) {
                    v4.complete(from);
                }
                s.send(new String(data, StandardCharsets.UTF_8).toUpperCase().getBytes(StandardCharsets.UTF_8), from);
            }, null);
            assertEquals("SHOUT THIS PLEASE", Peers.output(Peers.python(PY_CLIENT, "127.0.0.1", server.port())));
            assertEquals("SHOUT THIS PLEASE", Peers.output(Peers.python(PY_CLIENT, "::1", server.port())));
            // The IPv4 peer is seen as IPv4, not as a v4-mapped IPv6 address.
            assertEquals(InetAddress.getByName("127.0.0.1"), v4.get(5, TimeUnit.SECONDS).getAddress());
            server.close();
            Idle.assertIdle(loop);
        }
    }

    static final String PY_SERVER = String.join("\n",
            "import socket, sys",
            "fam = socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET",
            "s = socket.socket(fam, socket.SOCK_DGRAM)",
            "s.bind((sys.argv[1], 0))",
            "s.settimeout(20)",
            "print(s.getsockname()[1], flush=True)",
            "data, addr = s.recvfrom(100)",
            "s.sendto(data[::-1], addr)",
            "print(data.decode(), flush=True)");

    private void evasyncClientAgainstPythonServer(String host, String bind) throws Exception {
        Process peer = Peers.python(PY_SERVER, host);
        int port = Integer.parseInt(Peers.firstLine(peer));
        try (EventLoop loop = loops.start()) {
            CompletableFuture<String> answer = new CompletableFuture<>();
            CompletableFuture<InetSocketAddress> from = new CompletableFuture<>();
            UdpSocket client = loop.udpSocket(bind, 0, (s, data, f) -> {
                from.complete(f);
                answer.complete(new String(data, StandardCharsets.UTF_8));
            }, ev -> answer.completeExceptionally(ev));
            assertTrue(client.send("stressed".getBytes(StandardCharsets.UTF_8), new InetSocketAddress(host, port)));
            assertEquals("desserts", answer.get(10, TimeUnit.SECONDS));
            assertEquals(port, from.get().getPort());
            assertEquals("stressed", Peers.output(peer));
            client.close();
            Idle.assertIdle(loop);
        }
    }

    @Test
    void evasyncClientAgainstAPythonServerOverIpv4() throws Exception {
        evasyncClientAgainstPythonServer("127.0.0.1", "127.0.0.1");
    }

    @Test
    void evasyncClientAgainstAPythonServerOverIpv6() throws Exception {
        evasyncClientAgainstPythonServer("::1", "::1");
    }

    @Test
    void aDualStackClientReachesAnIpv4Server() throws Exception {
        evasyncClientAgainstPythonServer("127.0.0.1", null);
    }

    @Test
    void socatClientAgainstAnEvasyncServer() throws Exception {
        try (EventLoop loop = loops.start()) {
            UdpSocket server = upperEcho(loop, "127.0.0.1");
            Process socat = new ProcessBuilder("sh", "-c",
                    "printf 'from socat' | socat -t 5 - UDP4:127.0.0.1:" + server.port())
                    .redirectErrorStream(true).start();
            assertEquals("FROM SOCAT", Peers.output(socat));
            server.close();
            Idle.assertIdle(loop);
        }
    }

    @Test
    void evasyncClientAgainstASocatEchoServerOverIpv6() throws Exception {
        // socat's UDP6-RECVFROM answers each datagram from a child it forks; the address comes first.
        int port;
        try (var probe = new java.net.DatagramSocket(0, InetAddress.getByName("::1"))) {
            port = probe.getLocalPort();
        }
        Process socat = Peers.start("socat", "UDP6-RECVFROM:" + port + ",bind=[::1],fork", "EXEC:rev");
        try (EventLoop loop = loops.start()) {
            CompletableFuture<String> answer = new CompletableFuture<>();
            UdpSocket client = loop.udpSocket("::1", 0,
                    (s, data, f) -> answer.complete(new String(data, StandardCharsets.UTF_8).trim()), null);
            // socat may not be bound yet: send until the answer comes.
            for (int i = 0; i < 50 && !answer.isDone(); i++) {
                client.send("olleh\n".getBytes(StandardCharsets.UTF_8), "[::1]", port);
                try {
                    answer.get(200, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException notYet) {
                    // again
                }
            }
            assertEquals("hello", answer.get(5, TimeUnit.SECONDS));
            client.close();
            Idle.assertIdle(loop);
        } finally {
            socat.destroy();
            socat.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void sendsToAHostNameThroughTheLoopsDns() throws Exception {
        try (EventLoop loop = loops.start()) {
            CompletableFuture<String> got = new CompletableFuture<>();
            UdpSocket server = loop.udpSocket("127.0.0.1", 0,
                    (s, data, from) -> got.complete(new String(data, StandardCharsets.UTF_8)), null);
            UdpSocket client = loop.udpSocket("127.0.0.1", 0, null, ev -> got.completeExceptionally(ev));
            client.send("by name".getBytes(StandardCharsets.UTF_8), "localhost", server.port());
            assertEquals("by name", got.get(10, TimeUnit.SECONDS));
            client.close();
            server.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void aRunLoopEndsOnceItsSocketsClose() throws Exception {
        CompletableFuture<String> got = new CompletableFuture<>();
        boolean ranOut = EventLoop.run(loop -> {
            UdpSocket server = loop.udpSocket("127.0.0.1", 0, (s, data, from) -> {
                got.complete(new String(data, StandardCharsets.UTF_8));
                s.close();
            }, null);
            UdpSocket client = loop.udpSocket("127.0.0.1", 0, null, null);
            client.send("once".getBytes(StandardCharsets.UTF_8), server.localAddress());
            client.close();
            Idle.atExit(loop);
        });
        assertTrue(ranOut);
        assertEquals("once", got.getNow(null));
    }

    @Test
    void aFailedLookupReachesTheHandler() throws Exception {
        try (EventLoop loop = loops.start()) {
            CompletableFuture<Exception> event = new CompletableFuture<>();
            UdpSocket client = loop.udpSocket("127.0.0.1", 0, null, event::complete);
            client.send(new byte[1], "no-such-host.invalid", 9);
            Exception e = event.get(30, TimeUnit.SECONDS);
            assertInstanceOf(io.github.evasync.DnsError.class, e, String.valueOf(e));
            client.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void aLookupThatFailsAfterCloseReachesNoOne() throws Exception {
        // The DnsError reached the handler of a socket closed before the lookup failed; with no
        // handler, it ended an EventLoop.run loop whose socket had been closed.
        try (EventLoop loop = loops.start()) {
            java.util.List<Exception> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            loop.submit(() -> {
                UdpSocket s = loop.udpSocket("127.0.0.1", 0, null, events::add);
                s.send(new byte[1], "no-such-host.invalid", 9);
                s.close();
                return null;
            }).get(10, TimeUnit.SECONDS);
            // A second socket's lookup of the same name, failing in its turn, marks the moment
            // the first one's would have been delivered.
            CompletableFuture<Exception> marker = new CompletableFuture<>();
            UdpSocket other = loop.udpSocket("127.0.0.1", 0, null, marker::complete);
            other.send(new byte[1], "no-such-host.invalid", 9);
            assertInstanceOf(io.github.evasync.DnsError.class, marker.get(30, TimeUnit.SECONDS));
            other.close();
            Idle.awaitIdle(loop);
            assertTrue(events.isEmpty(), events::toString);
        }
        boolean ended = EventLoop.run(loops.options(), loop -> {
            UdpSocket s = loop.udpSocket("127.0.0.1", 0, null, null);
            s.send(new byte[1], "no-such-host.invalid", 9);
            s.close();
        });
        assertTrue(ended);
    }

    @Test
    void bindingAPortInUseThrowsAUdpError() throws Exception {
        try (EventLoop loop = loops.start()) {
            UdpSocket first = loop.udpSocket("127.0.0.1", 0, null, null);
            UdpError e = org.junit.jupiter.api.Assertions.assertThrows(UdpError.class,
                    () -> loop.udpSocket("127.0.0.1", first.port(), null, null));
            assertEquals(98, e.errcode(), e.getMessage()); // EADDRINUSE
            assertEquals(1, loop.stats().openUdpSockets());
            first.close();
            Idle.assertIdle(loop);
        }
    }
}
