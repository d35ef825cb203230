package io.github.evasync.tcp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.SocketClosed;
import io.github.evasync.TcpEof;
import io.github.evasync.TcpError;
import io.github.evasync.TcpRefused;
import io.github.evasync.TcpServerBindError;
import io.github.evasync.TcpTimeout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class ConditionsTest {
    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void refusedGivesExactlyOneTcpRefused() throws Exception {
        int port = closedPort();
        List<Exception> events = new ArrayList<>();
        AtomicBoolean connected = new AtomicBoolean();
        EventLoop.run(loop -> {
            TcpSocket s = loop.tcpConnect("127.0.0.1", port, (sock, d) -> { }, events::add,
                    TcpOptions.defaults().connectCallback(x -> connected.set(true)));
            loop.delay(Duration.ofMillis(200), () -> assertTrue(s.isClosed()));
            Idle.atExit(loop);
        });
        assertEquals(1, events.size(), events.toString());
        TcpRefused r = assertInstanceOf(TcpRefused.class, events.get(0));
        assertTrue(r.errcode() > 0, "errcode " + r.errcode());
        assertTrue(r.errmsg().toLowerCase().contains("refused"), r.errmsg());
        assertTrue(r.socket() != null);
        assertTrue(!connected.get());
    }

    @Test
    void refusedThroughAHostNameToo() throws Exception {
        int port = closedPort();
        List<Exception> events = new ArrayList<>();
        EventLoop.run(loop -> loop.tcpConnect("localhost", port, null, events::add));
        assertEquals(1, events.size(), events.toString());
        assertInstanceOf(TcpRefused.class, events.get(0));
    }

    @Test
    void readTimeoutAgainstASilentServerGivesExactlyOneTcpTimeout() {
        List<Exception> events = new ArrayList<>();
        AtomicLong elapsed = new AtomicLong();
        EventLoop.run(loop -> {
            TcpServer silent = loop.tcpServer("127.0.0.1", 0, null, ev -> { });
            long t0 = System.nanoTime();
            loop.tcpConnect("127.0.0.1", silent.port(), null, ev -> {
                elapsed.set((System.nanoTime() - t0) / 1_000_000);
                events.add(ev);
                silent.close();
            }, TcpOptions.defaults().readTimeout(Duration.ofMillis(200)));
            Idle.atExit(loop);
        });
        assertEquals(1, events.size(), events.toString());
        TcpTimeout t = assertInstanceOf(TcpTimeout.class, events.get(0));
        assertTrue(t.socket().isClosed(), "a timed-out socket is closed");
        assertTrue(elapsed.get() >= 190, "timed out early, after " + elapsed + " ms");
    }

    @Test
    void setTimeoutsAppliesToAnOpenSocket() {
        List<Exception> events = new ArrayList<>();
        EventLoop.run(loop -> {
            TcpServer silent = loop.tcpServer("127.0.0.1", 0, null, ev -> { });
            TcpSocket s = loop.tcpConnect("127.0.0.1", silent.port(), null, ev -> {
                events.add(ev);
                silent.close();
            });
            s.setTimeouts(Duration.ofMillis(100), null);
            assertThrows(IllegalArgumentException.class, () -> s.setTimeouts(Duration.ofMillis(-1), null));
            Idle.atExit(loop);
        });
        assertEquals(1, events.size());
        assertInstanceOf(TcpTimeout.class, events.get(0));
    }

    @Test
    void peerCloseGivesTcpEofThenWriteThrowsSocketClosed() {
        List<Exception> events = new ArrayList<>();
        List<Throwable> writeFailures = new ArrayList<>();
        EventLoop.run(loop -> {
            TcpServer server = loop.tcpServer("127.0.0.1", 0, (s, d) -> { }, ev -> { },
                    ServerOptions.defaults().connectCallback(TcpSocket::close));
            loop.tcpConnect("127.0.0.1", server.port(), null, ev -> {
                events.add(ev);
                TcpSocket s = ((TcpEof) ev).socket();
                assertTrue(s.isClosed());
                try {
                    s.write("too late");
                } catch (SocketClosed e) {
                    writeFailures.add(e);
                    assertSame(s, e.socket());
                }
                s.close();
                s.closeNow();
                s.setData("data still works");
                assertEquals("data still works", s.data());
                assertThrows(SocketClosed.class, () -> s.setTimeouts(null, null));
                assertThrows(SocketClosed.class, s::outputBufferLength);
                server.close();
                server.close();
            });
            Idle.atExit(loop);
        });
        assertEquals(1, events.size());
        assertInstanceOf(TcpEof.class, events.get(0));
        assertEquals(1, writeFailures.size());
    }

    @Test
    void bindConflictThrowsTcpServerBindError() {
        EventLoop.run(loop -> {
            TcpServer first = loop.tcpServer("127.0.0.1", 0, null, null);
            TcpServerBindError e = assertThrows(TcpServerBindError.class,
                    () -> loop.tcpServer("127.0.0.1", first.port(), null, null));
            assertTrue(e.errcode() > 0);
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
            assertEquals(first.port(), e.port());
            first.close();
            Idle.atExit(loop);
        });
    }

    @Test
    void badArgumentsAreNamed() {
        EventLoop.run(loop -> {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> loop.tcpConnect("127.0.0.1", 0, null, null))
                    .getMessage().contains("port"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> loop.tcpConnect(null, 80, null, null))
                    .getMessage().contains("host"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> loop.tcpConnect("", 80, null, null))
                    .getMessage().contains("host"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> loop.tcpServer(null, 70000, null, null))
                    .getMessage().contains("port"));
            assertThrows(IllegalArgumentException.class, () -> ServerOptions.defaults().backlog(0));
            assertThrows(IllegalArgumentException.class, () -> TcpOptions.defaults().readTimeout(Duration.ZERO));
            Idle.atExit(loop);
        });
    }

    @Test
    void errorConditionsCarryErrnoText() {
        TcpError e = new TcpError(null, 104, "Connection reset by peer");
        assertTrue(e.getMessage().contains("104"));
    }
}
