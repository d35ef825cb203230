package io.github.evasync.tcp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TcpEof;
import io.github.evasync.TestLoops;
import io.github.evasync.internal.libevent.LibEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class SocketFeaturesTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @Test
    void wrapFdOnASocketPair() {
        List<String> got = new ArrayList<>();
        EventLoop.run(loop -> {
            int[] fds = new int[2];
            try (Arena a = Arena.ofConfined()) {
                MemorySegment pair = a.allocate(ValueLayout.JAVA_INT, 2);
                assertEquals(0, LibEvent.evutil_socketpair(LibEvent.AF_UNIX(), LibEvent.SOCK_STREAM(), 0, pair));
                fds[0] = pair.getAtIndex(ValueLayout.JAVA_INT, 0);
                fds[1] = pair.getAtIndex(ValueLayout.JAVA_INT, 1);
            }
            TcpSocket left = loop.wrapFd(fds[0], (s, d) -> {
                got.add("left:" + new String(d, StandardCharsets.UTF_8));
                s.close();
            }, ev -> { });
            TcpSocket right = loop.wrapFd(fds[1], (s, d) -> {
                got.add("right:" + new String(d, StandardCharsets.UTF_8));
                s.write("pong");
                s.close(); // flushes the pong first
            }, ev -> { });
            assertEquals(2, loop.stats().outgoingTcpConnections());
            left.write("ping");
            Idle.atExit(loop);
        });
        assertEquals(List.of("right:ping", "left:pong"), got);
    }

    @Test
    void wrapFdRefusesSocketsWithNoPeer() {
        EventLoop.run(loop -> {
            // An unconnected stream socket and an unconnected datagram socket: neither is a
            // connection, and taking one would count it as one for ever.
            for (int type : new int[] {LibEvent.SOCK_STREAM(), LibEvent.SOCK_DGRAM()}) {
                int fd = LibEvent.socket(LibEvent.AF_INET(), type, 0);
                assertTrue(fd >= 0);
                try {
                    var e = assertThrows(IllegalArgumentException.class, () -> loop.wrapFd(fd, null, ev -> { }));
                    assertTrue(e.getMessage().contains("not a connected socket"), e.getMessage());
                } finally {
                    LibEvent.close(fd);
                }
            }
            Idle.atExit(loop);
        });
    }

    @Test
    void inputAndOutputStreams() {
        StringBuilder got = new StringBuilder();
        List<Integer> notifications = new ArrayList<>();
        EventLoop.run(loop -> {
            TcpServer server = loop.tcpServer("127.0.0.1", 0, (s, d) -> s.write(d), ev -> { });
            TcpSocket[] c = new TcpSocket[1];
            c[0] = loop.tcpConnect("127.0.0.1", server.port(), (s, d) -> {
                notifications.add(d.length);
                try {
                    InputStream in = s.inputStream();
                    byte[] buf = new byte[3];
                    while (in.available() > 0) {
                        int n = in.read(buf);
                        assertTrue(n > 0, "available() promised bytes");
                        got.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                    // Nothing more has arrived: a read says so rather than invent a 0 or wait.
                    assertThrows(java.io.IOException.class, () -> in.read(buf));
                    assertThrows(java.io.IOException.class, in::read);
                } catch (java.io.IOException e) {
                    throw new RuntimeException(e);
                }
                if (got.toString().equals("through streams")) {
                    s.close();
                    server.close();
                }
            }, null, TcpOptions.defaults().connectCallback(s -> {
                s.inputStream();
                try {
                    OutputStream out = s.outputStream();
                    out.write("through ".getBytes(StandardCharsets.UTF_8));
                    out.write("streams".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                } catch (java.io.IOException e) {
                    throw new RuntimeException(e);
                }
            }));
            Idle.atExit(loop);
        });
        assertEquals("through streams", got.toString());
        assertTrue(notifications.stream().allMatch(n -> n == 0), "stream mode hands an empty array");
    }

    @Test
    void serverCloseKeepsOpenConnectionsAndCountsAreExact() {
        List<String> got = new ArrayList<>();
        EventLoop.run(loop -> {
            TcpServer server = loop.tcpServer("127.0.0.1", 0, (s, d) -> s.write(d), ev -> { });
            TcpSocket c = loop.tcpConnect("127.0.0.1", server.port(), (s, d) -> {
                got.add(new String(d, StandardCharsets.UTF_8));
                if (got.size() == 1) {
                    assertEquals(1, loop.stats().incomingTcpConnections());
                    assertEquals(1, loop.stats().outgoingTcpConnections());
                    server.close();
                    assertTrue(server.isClosed());
                    s.write("second");
                } else {
                    s.close();
                }
            }, null, TcpOptions.defaults().data("first"));
            c.setData("mine");
            assertEquals("mine", c.data());
            Idle.atExit(loop);
        });
        assertEquals(List.of("first", "second"), got);
    }

    @Test
    void addressesAndForeignThreadWrites() throws Exception {
        CountDownLatch echoed = new CountDownLatch(1);
        AtomicReference<String> got = new AtomicReference<>("");
        try (EventLoop loop = loops.start()) {
            TcpServer server = loop.tcpServer("127.0.0.1", 0, (s, d) -> s.write(d), ev -> { });
            CountDownLatch connected = new CountDownLatch(1);
            TcpSocket c = loop.tcpConnect("127.0.0.1", server.port(), (s, d) -> {
                got.accumulateAndGet(new String(d, StandardCharsets.UTF_8), String::concat);
                if (got.get().equals("from jshell")) {
                    echoed.countDown();
                }
            }, null, TcpOptions.defaults().connectCallback(s -> connected.countDown()));
            assertTrue(connected.await(5, TimeUnit.SECONDS));
            InetSocketAddress remote = c.remoteAddress();
            assertEquals(server.port(), remote.getPort());
            assertEquals("127.0.0.1", remote.getAddress().getHostAddress());
            assertTrue(c.localAddress().getPort() > 0);
            assertTrue(c.write("from "));
            assertTrue(c.write("jshell".getBytes(StandardCharsets.UTF_8)));
            assertTrue(echoed.await(5, TimeUnit.SECONDS));
            c.close();
            server.close();
            loop.submit(() -> null).get();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void closeNowDiscardsAndCloseFlushes() {
        StringBuilder got = new StringBuilder();
        EventLoop.run(loop -> {
            TcpServer[] server = new TcpServer[1];
            // The client's end of stream comes after every byte it flushed; then the server closes.
            server[0] = loop.tcpServer("127.0.0.1", 0, (s, d) -> got.append(new String(d, StandardCharsets.UTF_8)),
                    ev -> {
                        if (ev instanceof TcpEof) {
                            server[0].close();
                        }
                    }, ServerOptions.defaults());
            TcpSocket flushed = loop.tcpConnect("127.0.0.1", server[0].port(), null, null);
            flushed.write("kept");
            flushed.close();
            Idle.atExit(loop);
        });
        assertEquals("kept", got.toString());
    }
}
