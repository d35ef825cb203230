package io.github.evasync.tcp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.SocketClosed;
import io.github.evasync.TcpEof;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** shutdownOutput and allowHalfOpen, both directions, against python3's shutdown(SHUT_WR). */
@Timeout(60)
class HalfCloseTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    /** A python3 server on port 0: prints its port, reads to the end, answers with the count, then reads again and closes. */
    private static final String COUNTING_SERVER = String.join("\n",
            "import socket, sys",
            "l = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
            "l.bind(('127.0.0.1', 0)); l.listen(1)",
            "print(l.getsockname()[1], flush=True)",
            "c, _ = l.accept()",
            "n = 0",
            "while True:",
            "    b = c.recv(65536)",
            "    if not b: break",
            "    n += len(b)",
            "c.sendall(b'got %d bytes' % n)",
            "c.close()");

    @Test
    void withoutHalfOpenThePeersEndClosesTheSocket() throws Exception {
        List<Object> seen = new CopyOnWriteArrayList<>();
        try (EventLoop loop = loops.start()) {
            TcpServer server = loop.tcpServer("127.0.0.1", 0, (s, d) -> s.write(new String(d).toUpperCase()), ev -> {
                seen.add(ev);
                TcpSocket s = ((TcpEof) ev).socket();
                seen.add(s.isClosed());
                seen.add(assertThrows(SocketClosed.class, () -> s.write("late")));
            });
            Peer.Result r = Peer.python(Peer.SEND_HALF_CLOSE_READ, "127.0.0.1", String.valueOf(server.port()), "half");
            assertEquals("HALF", r.out());
            io.github.evasync.Await.until(() -> "the accepted socket freed: " + loop.stats(),
                    () -> loop.stats().incomingTcpConnections() == 0);
            assertInstanceOf(TcpEof.class, seen.get(0));
            assertEquals(true, seen.get(1), "closed by the end of stream");
            server.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void withHalfOpenTheServerWritesAfterThePeersEnd() throws Exception {
        List<Object> seen = new CopyOnWriteArrayList<>();
        try (EventLoop loop = loops.start()) {
            TcpServer server = loop.tcpServer("127.0.0.1", 0, (s, d) -> s.write(new String(d).toUpperCase()), ev -> {
                TcpSocket s = ((TcpEof) ev).socket();
                seen.add(s.isClosed());
                s.write(" and after the end");
                loop.delay(Duration.ofMillis(50), () -> {
                    s.write(", later still");
                    s.close();
                });
            }, ServerOptions.defaults().allowHalfOpen(true));
            Peer.Result r = Peer.python(Peer.SEND_HALF_CLOSE_READ, "127.0.0.1", String.valueOf(server.port()), "half");
            assertEquals("HALF and after the end, later still", r.out());
            assertEquals(List.of(false), seen, "open when TcpEof arrived");
            server.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void shutdownOutputSendsEverythingThenTheEndAndReadingGoesOn() throws Exception {
        try (EventLoop loop = loops.start();
             Peer.Running py = Peer.start(null, "python3", "-c", COUNTING_SERVER)) {
            int port = Integer.parseInt(new java.io.BufferedReader(new java.io.InputStreamReader(py.process().getInputStream()))
                    .readLine().trim());
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            CompletableFuture<Exception> ended = new CompletableFuture<>();
            byte[] big = new byte[4 << 20];
            // Called before it has even connected, on the loop thread so the exchange cannot end
            // in between: the 4 MiB leave first, then the end.
            TcpSocket c = loop.submit(() -> {
                TcpSocket s = loop.tcpConnect("127.0.0.1", port, (x, d) -> got.writeBytes(d), ended::complete);
                s.write(big);
                s.shutdownOutput();
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.write("more"));
                assertTrue(e.getMessage().contains("shutdownOutput"), e.getMessage());
                s.shutdownOutput(); // idempotent
                return s;
            }).get(10, TimeUnit.SECONDS);
            assertInstanceOf(TcpEof.class, ended.get(20, TimeUnit.SECONDS));
            assertEquals("got " + big.length + " bytes", got.toString(StandardCharsets.UTF_8));
            assertTrue(c.isClosed());
            assertThrows(SocketClosed.class, c::shutdownOutput);
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void aServerHalfClosesAndStillReads() throws Exception {
        // The client reads until our end, then sends more and ends; the server sees that too.
        String client = String.join("\n",
                "import socket, sys",
                "s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=20)",
                "s.sendall(b'ping')",
                "got = b''",
                "while True:",
                "    b = s.recv(100)",
                "    if not b: break",
                "    got += b",
                "s.sendall(b'after your end')",
                "s.shutdown(socket.SHUT_WR)",
                "print(got.decode())",
                "s.recv(100)",
                "s.close()");
        StringBuilder serverGot = new StringBuilder();
        CompletableFuture<Boolean> eof = new CompletableFuture<>();
        try (EventLoop loop = loops.start()) {
            TcpServer server = loop.tcpServer("127.0.0.1", 0, (s, d) -> {
                serverGot.append(new String(d, StandardCharsets.UTF_8));
                if (serverGot.toString().equals("ping")) {
                    s.write("pong");
                    s.shutdownOutput();
                }
            }, ev -> eof.complete(ev instanceof TcpEof t && t.socket().isClosed()));
            Peer.Result r = Peer.python(client, String.valueOf(server.port()));
            assertEquals("pong", r.out());
            assertTrue(eof.get(10, TimeUnit.SECONDS), "TcpEof, and closed: both sides are done");
            assertEquals("pingafter your end", serverGot.toString());
            server.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void halfOpenThenShutdownOutputCloses() throws Exception {
        CompletableFuture<TcpSocket> ended = new CompletableFuture<>();
        try (EventLoop loop = loops.start()) {
            TcpServer server = loop.tcpServer("127.0.0.1", 0, null, ev -> ended.complete(((TcpEof) ev).socket()),
                    ServerOptions.defaults().allowHalfOpen(true));
            CompletableFuture<String> clientGot = new CompletableFuture<>();
            TcpSocket c = loop.tcpConnect("127.0.0.1", server.port(),
                    (s, d) -> clientGot.complete(new String(d, StandardCharsets.UTF_8)), ev -> { });
            c.shutdownOutput();
            TcpSocket accepted = ended.get(10, TimeUnit.SECONDS);
            assertFalse(accepted.isClosed());
            accepted.write("bye");
            accepted.shutdownOutput(); // both ends done: it closes, after sending
            assertTrue(accepted.isClosed());
            assertEquals("bye", clientGot.get(10, TimeUnit.SECONDS));
            server.close();
            Idle.awaitIdle(loop);
        }
    }

    /**
     * A half-open TLS socket (the peer ended with close_notify) closes on shutdownOutput, as a
     * plain one does; before the peer's end, TLS refuses a half-close.
     */
    @Test
    void aHalfOpenTlsSocketClosesOnShutdownOutput() throws Exception {
        io.github.evasync.tls.TestCerts certs = io.github.evasync.tls.TestCerts.get();
        CompletableFuture<TcpSocket> ended = new CompletableFuture<>();
        CompletableFuture<TcpSocket> accepted = new CompletableFuture<>();
        try (EventLoop loop = loops.start()) {
            TcpServer server = loop.tcpServer("127.0.0.1", 0, null, ev -> {
                if (ev instanceof TcpEof eof) {
                    ended.complete(eof.socket());
                }
            }, ServerOptions.defaults().allowHalfOpen(true).connectCallback(accepted::complete)
                    .tls(io.github.evasync.tls.TlsOptions.server(certs.serverCert, certs.serverKey)));
            TcpSocket c = loop.tcpConnect("localhost", server.port(), null, ev -> { },
                    TcpOptions.defaults().tls(io.github.evasync.tls.TlsOptions.client().trust(certs.ca)));
            TcpSocket s = accepted.get(10, TimeUnit.SECONDS);
            assertThrows(UnsupportedOperationException.class, s::shutdownOutput, "TLS has no half-close");
            c.close(); // close_notify, then the end
            TcpSocket halfOpen = ended.get(10, TimeUnit.SECONDS);
            assertFalse(halfOpen.isClosed());
            halfOpen.shutdownOutput(); // both ends done: it closes
            assertTrue(halfOpen.isClosed());
            server.close();
            Idle.awaitIdle(loop);
        }
    }
}
