package io.github.evasync.tcp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TcpEof;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class EchoTest {
    /** An echo server whose sockets close when their peer does. */
    static TcpServer echoServer(EventLoop loop) {
        return loop.tcpServer("127.0.0.1", 0, (s, data) -> s.write(data), ev -> { });
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "localhost"})
    void echoWithRequestSplitBetweenDataAndWrite(String host) {
        StringBuilder got = new StringBuilder();
        AtomicInteger connects = new AtomicInteger();
        AtomicInteger serverConnects = new AtomicInteger();
        List<Exception> events = new ArrayList<>();
        EventLoop.run(loop -> {
            TcpServer server = loop.tcpServer("127.0.0.1", 0, (s, data) -> s.write(data), events::add,
                    ServerOptions.defaults().connectCallback(s -> serverConnects.incrementAndGet()));
            assertTrue(server.port() > 0);
            TcpSocket c = loop.tcpConnect(host, server.port(), (s, data) -> {
                got.append(new String(data, StandardCharsets.UTF_8));
                if (got.toString().equals("hello, world")) {
                    s.close();
                    server.close();
                }
            }, events::add, TcpOptions.defaults().data("hello, ").connectCallback(s -> connects.incrementAndGet()));
            c.write("world");
            assertEquals(1, loop.stats().outgoingTcpConnections());
            Idle.atExit(loop);
        });
        assertEquals("hello, world", got.toString());
        assertEquals(1, connects.get(), "connect callback once");
        assertEquals(1, serverConnects.get());
        assertEquals(1, events.size(), "the server's socket sees the client's close: " + events);
        assertTrue(events.get(0) instanceof TcpEof);
    }

    @Test
    void oneMebibyteEachWayArrivesIntact() throws Exception {
        byte[] payload = new byte[1 << 20];
        new Random(42).nextBytes(payload);
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(payload);
        ByteArrayOutputStream serverGot = new ByteArrayOutputStream();
        ByteArrayOutputStream clientGot = new ByteArrayOutputStream();
        AtomicInteger written = new AtomicInteger();
        EventLoop.run(loop -> {
            TcpServer server = loop.tcpServer("127.0.0.1", 0, (s, data) -> {
                serverGot.writeBytes(data);
                if (serverGot.size() == payload.length) {
                    s.write(payload, sock -> written.incrementAndGet());
                }
            }, ev -> { });
            loop.tcpConnect("127.0.0.1", server.port(), (s, data) -> {
                clientGot.writeBytes(data);
                if (clientGot.size() == payload.length) {
                    s.close();
                    server.close();
                }
            }, null).write(ByteBuffer.wrap(payload));
            Idle.atExit(loop);
        });
        assertEquals(1, written.get());
        assertArrayEquals(expected, MessageDigest.getInstance("SHA-256").digest(serverGot.toByteArray()));
        assertArrayEquals(expected, MessageDigest.getInstance("SHA-256").digest(clientGot.toByteArray()));
    }

    @Test
    void thousandConcurrentConnectionsOnOneLoop() {
        int n = 1000;
        AtomicInteger echoed = new AtomicInteger();
        int[] maxIncoming = {0};
        int[] maxOutgoing = {0};
        EventLoop.run(loop -> {
            TcpServer server = echoServer(loop);
            for (int i = 0; i < n; i++) {
                String msg = "message " + i;
                StringBuilder got = new StringBuilder();
                loop.tcpConnect("127.0.0.1", server.port(), (s, data) -> {
                    got.append(new String(data, StandardCharsets.UTF_8));
                    if (got.toString().equals(msg)) {
                        var st = loop.stats();
                        maxIncoming[0] = Math.max(maxIncoming[0], st.incomingTcpConnections());
                        maxOutgoing[0] = Math.max(maxOutgoing[0], st.outgoingTcpConnections());
                        s.close();
                        if (echoed.incrementAndGet() == n) {
                            server.close();
                        }
                    }
                }, ev -> { }, TcpOptions.defaults().data(msg));
            }
            assertEquals(n, loop.stats().outgoingTcpConnections());
            Idle.atExit(loop);
        });
        assertEquals(n, echoed.get());
        assertEquals(n, maxOutgoing[0], "all client sockets were open at once");
        assertTrue(maxIncoming[0] > n / 2, "most server sockets were open at once: " + maxIncoming[0]);
    }

    @Test
    void zeroCopyReadSeesTheBytesOnlyDuringTheCall() {
        List<ByteBuffer> kept = new ArrayList<>();
        StringBuilder got = new StringBuilder();
        EventLoop.run(loop -> {
            TcpServer server = echoServer(loop);
            loop.tcpConnect("127.0.0.1", server.port(), ReadCallback.ofBuffer((s, buf) -> {
                assertTrue(buf.isReadOnly());
                kept.add(buf);
                got.append(StandardCharsets.UTF_8.decode(buf));
                if (got.toString().equals("zero copy")) {
                    s.close();
                    server.close();
                }
            }), null, TcpOptions.defaults().data("zero copy"));
            Idle.atExit(loop);
        });
        assertEquals("zero copy", got.toString());
        assertTrue(!kept.isEmpty());
        ByteBuffer stale = kept.get(0);
        stale.rewind();
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, stale::get);
        assertTrue(e.getMessage().toLowerCase().contains("closed") || e.getMessage().contains("alive"), e.getMessage());
    }

    @Test
    void writeCallbacksFireInOrderOnceFlushed() {
        List<String> order = new ArrayList<>();
        EventLoop.run(loop -> {
            TcpServer server = loop.tcpServer("127.0.0.1", 0, null, ev -> { });
            TcpSocket c = loop.tcpConnect("127.0.0.1", server.port(), null, null);
            c.write("a", s -> order.add("a"));
            c.write(new byte[200_000], s -> order.add("b"));
            c.write(new byte[0], s -> {
                order.add("c");
                s.close();
                server.close();
            });
            Idle.atExit(loop);
        });
        assertEquals(List.of("a", "b", "c"), order);
    }

    @Test
    void writeCallbackOfADirectWriteRunsOnceAndNeverInsideWrite() {
        List<String> order = new ArrayList<>();
        EventLoop.run(loop -> {
            TcpServer server = echoServer(loop);
            loop.tcpConnect("127.0.0.1", server.port(), (s, d) -> {
                order.add("echo " + new String(d, StandardCharsets.UTF_8));
                s.close();
                server.close();
            }, null, TcpOptions.defaults().connectCallback(s -> {
                s.write("direct", w -> order.add("written"));
                order.add("write returned");
            }));
            Idle.atExit(loop);
        });
        assertEquals(List.of("write returned", "written", "echo direct"), order);
    }
}
