package io.github.evasync.udp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.LoopOptions;
import io.github.evasync.SocketClosed;
import io.github.evasync.TestLoops;
import io.github.evasync.UdpError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Failures: ICMP refusals, bad arguments, closed sockets, throwing callbacks, closing under way. */
@Timeout(60)
class UdpErrorsTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    private static int closedPort(String host) throws Exception {
        try (var probe = new java.net.DatagramSocket(0, InetAddress.getByName(host))) {
            return probe.getLocalPort();
        }
    }

    private void refusalIsReportedAndTheSocketGoesOn(String host) throws Exception {
        try (EventLoop loop = loops.start()) {
            CompletableFuture<UdpError> refused = new CompletableFuture<>();
            CompletableFuture<String> echoed = new CompletableFuture<>();
            List<Exception> others = new CopyOnWriteArrayList<>();
            UdpSocket echo = loop.udpSocket(host, 0, (s, d, f) -> s.send(d, f), null);
            UdpSocket client = loop.udpSocket(host, 0, (s, d, f) -> echoed.complete(new String(d, StandardCharsets.UTF_8)),
                    ev -> {
                        if (ev instanceof UdpError u && !refused.isDone()) {
                            refused.complete(u);
                        } else {
                            others.add(ev);
                        }
                    });
            int closed = closedPort(host);
            client.send("nobody".getBytes(StandardCharsets.UTF_8), new InetSocketAddress(host, closed));
            UdpError e = refused.get(10, TimeUnit.SECONDS);
            assertEquals(111, e.errcode(), e.getMessage()); // ECONNREFUSED
            assertEquals(closed, e.address().getPort(), e.getMessage());
            assertSame(client, e.socket());
            client.send("still here".getBytes(StandardCharsets.UTF_8), echo.localAddress());
            assertEquals("still here", echoed.get(10, TimeUnit.SECONDS));
            assertEquals(List.of(), others);
            client.close();
            echo.close();
            Idle.assertIdle(loop);
        }
    }

    @Test
    void anIcmpRefusalBecomesAUdpErrorWithTheAddressOverIpv4() throws Exception {
        refusalIsReportedAndTheSocketGoesOn("127.0.0.1");
    }

    @Test
    void anIcmpRefusalBecomesAUdpErrorWithTheAddressOverIpv6() throws Exception {
        refusalIsReportedAndTheSocketGoesOn("::1");
    }

    @Test
    void badArgumentsAreRefusedNamingTheArgument() throws Exception {
        try (EventLoop loop = loops.start()) {
            UdpSocket s = loop.udpSocket("127.0.0.1", 0, null, null);
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", 9);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> s.send(null, to)).getMessage().contains("data"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> s.send(new byte[1], (InetSocketAddress) null))
                    .getMessage().contains("to"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> s.send(new byte[65508], to))
                    .getMessage().contains("65507"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> s.send(new byte[1], "127.0.0.1", 0))
                    .getMessage().contains("port"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> s.send(new byte[1], "127.0.0.1", 65536))
                    .getMessage().contains("port"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> s.send(new byte[1], (String) null, 9))
                    .getMessage().contains("host"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> s.send(new byte[1], "::1", 9))
                    .getMessage().contains("IPv4 socket"));
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> s.joinGroup(InetAddress.getByName("127.0.0.1"))).getMessage().contains("multicast"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> s.joinGroup(null)).getMessage().contains("group"));
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> loop.udpSocket("127.0.0.1", 65536, null, null)).getMessage().contains("port"));
            String empty = assertThrows(IllegalArgumentException.class, () -> loop.udpSocket("", 0, null, null))
                    .getMessage();
            assertTrue(empty.contains("bindAddress") && empty.contains("empty"), empty);
            String name = assertThrows(IllegalArgumentException.class,
                    () -> loop.udpSocket("example.invalid", 0, null, null)).getMessage();
            assertTrue(name.contains("bindAddress") && name.contains("example.invalid"), name);
            UdpSocket named = loop.udpSocket("localhost", 0, null, null);
            assertTrue(named.localAddress().getAddress().isLoopbackAddress(), named.toString());
            named.close();
            UdpSocket bracketed = loop.udpSocket("[::1]", 0, null, null);
            assertEquals(InetAddress.getByName("::1"), bracketed.localAddress().getAddress());
            bracketed.close();
            assertThrows(IllegalArgumentException.class, () -> UdpOptions.defaults().maxDatagramSize(65528));
            UdpSocket v6 = loop.udpSocket("::1", 0, null, null);
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> v6.send(new byte[65528], new InetSocketAddress("::1", 9))).getMessage().contains("65527"));
            v6.close();
            s.close();
            Idle.assertIdle(loop);
        }
    }

    @Test
    void aClosedSocketThrowsSocketClosedAndClosesOnce() throws Exception {
        try (EventLoop loop = loops.start()) {
            UdpSocket s = loop.udpSocket("127.0.0.1", 0, null, null);
            s.close();
            s.close();
            assertTrue(s.isClosed());
            assertThrows(SocketClosed.class, () -> s.send(new byte[1], new InetSocketAddress("127.0.0.1", 9)));
            assertThrows(SocketClosed.class, () -> s.send(new byte[1], "localhost", 9));
            assertThrows(SocketClosed.class, s::port);
            assertThrows(SocketClosed.class, () -> s.setBroadcast(true));
            assertThrows(SocketClosed.class, () -> s.joinGroup(InetAddress.getByName("239.1.2.3")));
            assertThrows(SocketClosed.class, () -> s.onDrain(() -> { }));
            Idle.assertIdle(loop);
        }
    }

    @Test
    void theLoopsCloseFreesItsSockets() throws Exception {
        EventLoop loop = loops.start();
        UdpSocket s = loop.udpSocket(null, 0, null, null);
        assertEquals(1, loop.stats().openUdpSockets());
        loop.close();
        assertTrue(s.isClosed());
        assertThrows(SocketClosed.class, () -> s.send(new byte[1], "127.0.0.1", 9));
        s.close();
    }

    @Test
    void aThrowingCallbackGoesToTheHandlerAndTheSocketGoesOn() throws Exception {
        try (EventLoop loop = loops.start(LoopOptions.defaults().catchAppErrors(true))) {
            List<Exception> events = new CopyOnWriteArrayList<>();
            CountDownLatch three = new CountDownLatch(3);
            UdpSocket server = loop.udpSocket("127.0.0.1", 0, (s, d, f) -> {
                three.countDown();
                throw new IllegalStateException("from the callback " + d[0]);
            }, events::add);
            UdpSocket client = loop.udpSocket("127.0.0.1", 0, null, null);
            for (byte i = 0; i < 3; i++) {
                client.send(new byte[] {i}, server.localAddress());
            }
            assertTrue(three.await(30, TimeUnit.SECONDS));
            io.github.evasync.Await.until(events::toString, () -> events.size() >= 3);
            assertEquals(3, events.size(), events.toString());
            assertInstanceOf(IllegalStateException.class, events.get(0));
            client.close();
            server.close();
            Idle.assertIdle(loop);
        }
    }

    @Test
    void anErrorFromTheCallbackReachesTheUncaughtHandlerAndTheSocketGoesOn() throws Exception {
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        try (EventLoop loop = EventLoop.start(LoopOptions.defaults().uncaughtHandler(uncaught::add))) {
            AtomicInteger calls = new AtomicInteger();
            CountDownLatch two = new CountDownLatch(2);
            UdpSocket server = loop.udpSocket("127.0.0.1", 0, (s, d, f) -> {
                calls.incrementAndGet();
                two.countDown();
                throw new AssertionError("an Error from the callback");
            }, null);
            UdpSocket client = loop.udpSocket("127.0.0.1", 0, null, null);
            client.send(new byte[1], server.localAddress());
            client.send(new byte[1], server.localAddress());
            assertTrue(two.await(30, TimeUnit.SECONDS));
            assertEquals(2, calls.get());
            io.github.evasync.Await.until(uncaught::toString, () -> uncaught.size() >= 2);
            assertEquals(2, uncaught.size(), uncaught.toString());
            assertInstanceOf(AssertionError.class, uncaught.get(0));
            client.close();
            server.close();
            Idle.assertIdle(loop);
        }
    }

    @Test
    void anErrorFromTheCallbackEndsARunLoopAndIsRethrown() {
        AssertionError thrown = assertThrows(AssertionError.class, () -> EventLoop.run(loop -> {
            UdpSocket server = loop.udpSocket("127.0.0.1", 0, (s, d, f) -> {
                throw new AssertionError("boom");
            }, null);
            UdpSocket client = loop.udpSocket("127.0.0.1", 0, null, null);
            client.send(new byte[1], server.localAddress());
        }));
        assertEquals("boom", thrown.getMessage());
    }

    @Test
    void closingInsideTheCallbackStopsDeliveryAndSendsWhatWasQueued() throws Exception {
        try (EventLoop loop = loops.start();
             var raw = new java.net.DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            AtomicInteger calls = new AtomicInteger();
            UdpSocket server = loop.udpSocket("127.0.0.1", 0, (s, d, f) -> {
                calls.incrementAndGet();
                s.send("bye".getBytes(StandardCharsets.UTF_8), f);
                s.close();
            }, null);
            InetSocketAddress to = server.localAddress();
            // Several datagrams wait together: the loop is held (by a task of its own, so that
            // nothing here waits for it) while a plain socket sends them. Only the first is delivered.
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch go = new CountDownLatch(1);
            loop.execute(() -> {
                held.countDown();
                try {
                    go.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(held.await(30, TimeUnit.SECONDS));
            for (int i = 0; i < 6; i++) {
                raw.send(new java.net.DatagramPacket(new byte[] {(byte) i}, 1, to));
            }
            go.countDown();
            // The answer queued before the close leaves.
            raw.setSoTimeout(30_000);
            java.net.DatagramPacket in = new java.net.DatagramPacket(new byte[16], 16);
            raw.receive(in);
            assertEquals("bye", new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8));
            io.github.evasync.Await.until("the server closed", server::isClosed);
            assertEquals(1, calls.get());
            Idle.assertIdle(loop);
        }
    }

    @Test
    void theAnswerQueuedBeforeACloseInsideTheCallbackLeaves() throws Exception {
        try (EventLoop loop = loops.start()) {
            CompletableFuture<String> answer = new CompletableFuture<>();
            UdpSocket server = loop.udpSocket("127.0.0.1", 0, (s, d, f) -> {
                s.send("bye".getBytes(StandardCharsets.UTF_8), f);
                s.close();
            }, null);
            UdpSocket client = loop.udpSocket("127.0.0.1", 0,
                    (s, d, f) -> answer.complete(new String(d, StandardCharsets.UTF_8)), null);
            client.send("hi".getBytes(StandardCharsets.UTF_8), server.localAddress());
            assertEquals("bye", answer.get(10, TimeUnit.SECONDS));
            assertTrue(server.isClosed());
            client.close();
            Idle.assertIdle(loop);
        }
    }

    @Test
    void closingFromAnotherThreadWhileDatagramsFlow() throws Exception {
        try (EventLoop loop = loops.start()) {
            AtomicInteger got = new AtomicInteger();
            UdpSocket server = loop.udpSocket("127.0.0.1", 0, (s, d, f) -> {
                got.incrementAndGet();
                s.send(d, f);
            }, null);
            Process flood = Peers.python(String.join("\n",
                    "import socket, sys, time",
                    "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
                    "s.setblocking(False)",
                    "end = time.time() + 2",
                    "while time.time() < end:",
                    "    try:",
                    "        s.sendto(b'y' * 64, ('127.0.0.1', int(sys.argv[1])))",
                    "        s.recv(100)",
                    "    except (BlockingIOError, ConnectionRefusedError):",
                    "        pass"), server.port());
            Await.untilTrue(() -> got.get() > 100);
            server.close();
            assertTrue(server.isClosed());
            int after = got.get();
            Thread.sleep(200);
            assertEquals(after, got.get(), "no datagram after close");
            Peers.output(flood);
            Idle.assertIdle(loop);
        }
    }

    @Test
    void aSendFromAnotherThreadIsCopiedAndDelivered() throws Exception {
        try (EventLoop loop = loops.start()) {
            CompletableFuture<String> got = new CompletableFuture<>();
            UdpSocket server = loop.udpSocket("127.0.0.1", 0,
                    (s, d, f) -> got.complete(new String(d, StandardCharsets.UTF_8)), null);
            UdpSocket client = loop.udpSocket("127.0.0.1", 0, null, null);
            byte[] data = "original".getBytes(StandardCharsets.UTF_8);
            assertTrue(client.send(data, server.localAddress()));
            data[0] = 'X';
            assertEquals("original", got.get(10, TimeUnit.SECONDS));
            assertFalse(loop.inLoop());
            client.close();
            server.close();
            Idle.assertIdle(loop);
        }
    }

    /** A small polling helper for conditions set on the loop thread. */
    static final class Await {
        static void untilTrue(java.util.function.BooleanSupplier c) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!c.getAsBoolean()) {
                if (System.nanoTime() > end) {
                    throw new AssertionError("condition not met in 10 s");
                }
                Thread.sleep(10);
            }
        }
    }
}
