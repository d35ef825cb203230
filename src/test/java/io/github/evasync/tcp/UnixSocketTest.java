package io.github.evasync.tcp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.SocketClosed;
import io.github.evasync.TcpEof;
import io.github.evasync.TcpError;
import io.github.evasync.TcpRefused;
import io.github.evasync.TcpServerBindError;
import io.github.evasync.TcpTimeout;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unix-domain stream sockets: the TCP socket API on a socket file, against socat and Java's own channels. */
@Timeout(60)
class UnixSocketTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @TempDir
    Path dir;

    private static ReadCallback upperCaseEcho() {
        return (s, d) -> s.write(new String(d, StandardCharsets.UTF_8).toUpperCase());
    }

    @Test
    void echoBetweenUnixServerAndUnixConnect() throws Exception {
        Path path = dir.resolve("echo.sock");
        try (EventLoop loop = loops.start()) {
            TcpServer server = loop.unixServer(path, upperCaseEcho(), ev -> { });
            assertEquals(path, server.path());
            assertEquals(0, server.port());
            assertTrue(Files.exists(path));
            CompletableFuture<String> got = new CompletableFuture<>();
            CompletableFuture<TcpSocket> connected = new CompletableFuture<>();
            StringBuilder echoed = new StringBuilder();
            TcpSocket c = loop.unixConnect(path, (s, d) -> {
                echoed.append(new String(d, StandardCharsets.UTF_8));
                if (echoed.length() >= "LOCAL HELLO".length()) {
                    got.complete(echoed.toString());
                }
            }, got::completeExceptionally, TcpOptions.defaults().data("local ").connectCallback(connected::complete));
            c.write("hello");
            connected.get(10, TimeUnit.SECONDS);
            Await(() -> loop.stats().incomingLocalConnections() == 1);
            assertEquals(1, loop.stats().outgoingLocalConnections());
            assertEquals(0, loop.stats().incomingTcpConnections() + loop.stats().outgoingTcpConnections());
            String answer = got.get(10, TimeUnit.SECONDS);
            assertEquals("LOCAL HELLO", answer);
            assertNull(c.remoteAddress());
            assertNull(c.localAddress());
            c.close();
            server.close();
            server.close(); // idempotent
            assertFalse(Files.exists(path), "the socket file goes with the server");
            Idle.awaitIdle(loop);
        }
    }

    private static void Await(java.util.function.BooleanSupplier condition) {
        io.github.evasync.Await.until("condition", condition);
    }

    @Test
    void socatTalksToUnixServer() throws Exception {
        Path path = dir.resolve("socat-in.sock");
        try (EventLoop loop = loops.start()) {
            TcpServer server = loop.unixServer(path, upperCaseEcho(), ev -> { });
            Peer.Result r = Peer.run("from socat\n", "socat", "-t", "5", "-", "UNIX-CONNECT:" + path);
            assertEquals(0, r.exit(), r.out());
            assertEquals("FROM SOCAT", r.out());
            Await(() -> loop.stats().incomingLocalConnections() == 0);
            server.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void unixConnectTalksToSocat() throws Exception {
        Path path = dir.resolve("socat-out.sock");
        try (EventLoop loop = loops.start();
             Peer.Running socat = Peer.start(null, "socat", "UNIX-LISTEN:" + path, "SYSTEM:tr a-z A-Z")) {
            Await(() -> Files.exists(path));
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            CompletableFuture<Exception> ended = new CompletableFuture<>();
            TcpSocket c = loop.unixConnect(path, (s, d) -> got.writeBytes(d), ended::complete);
            c.write("to socat and back");
            c.shutdownOutput(); // tr sees its end of input, answers, and socat closes
            assertInstanceOf(TcpEof.class, ended.get(10, TimeUnit.SECONDS));
            assertEquals("TO SOCAT AND BACK", got.toString(StandardCharsets.UTF_8));
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void aStaleSocketFileIsReplaced() throws Exception {
        Path path = dir.resolve("stale.sock");
        // A server that went without removing its file (Java leaves it, as a crashed process does).
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(path));
        }
        assertTrue(Files.exists(path));
        try (EventLoop loop = loops.start()) {
            TcpServer server = loop.unixServer(path, upperCaseEcho(), ev -> { });
            try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                ch.write(ByteBuffer.wrap("alive".getBytes()));
                ByteBuffer b = ByteBuffer.allocate(16);
                ch.read(b);
                assertEquals("ALIVE", new String(b.array(), 0, b.position()));
            }
            server.close();
            assertFalse(Files.exists(path));
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void aLiveListenerIsNeverTakenOver() throws Exception {
        Path path = dir.resolve("live.sock");
        try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
             EventLoop loop = loops.start()) {
            live.bind(UnixDomainSocketAddress.of(path));
            TcpServerBindError e = assertThrows(TcpServerBindError.class, () -> loop.unixServer(path, null, ev -> { }));
            assertEquals(path, e.path());
            assertTrue(e.getMessage().contains("listening"), e.getMessage());
            // Still the live one's: a connect reaches it.
            try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path));
                 SocketChannel accepted = live.accept()) {
                assertTrue(accepted.isConnected());
            }
            // Our own live server is not taken over either, by this loop or another.
            Path ours = dir.resolve("ours.sock");
            TcpServer first = loop.unixServer(ours, upperCaseEcho(), ev -> { });
            assertThrows(TcpServerBindError.class, () -> loop.unixServer(ours, null, ev -> { }));
            try (EventLoop other = loops.start()) {
                assertThrows(TcpServerBindError.class, () -> other.unixServer(ours, null, ev -> { }));
                Idle.awaitIdle(other);
            }
            assertTrue(Files.exists(ours));
            Peer.Result r = Peer.run("still first\n", "socat", "-t", "5", "-", "UNIX-CONNECT:" + ours);
            assertEquals("STILL FIRST", r.out());
            first.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void aFileThatIsNotASocketIsNeverDeleted() throws Exception {
        Path file = dir.resolve("data.txt");
        Files.writeString(file, "precious");
        Path sub = Files.createDirectory(dir.resolve("a-directory"));
        Path link = Files.createSymbolicLink(dir.resolve("link.sock"), file);
        try (EventLoop loop = loops.start()) {
            for (Path p : new Path[]{file, sub, link}) {
                TcpServerBindError e = assertThrows(TcpServerBindError.class, () -> loop.unixServer(p, null, ev -> { }));
                assertTrue(e.getMessage().contains("not a socket"), e.getMessage());
            }
            assertThrows(TcpServerBindError.class, () -> loop.httpServer(file, req -> req.respond(200, null, "x"), null));
            assertEquals("precious", Files.readString(file));
            assertTrue(Files.isDirectory(sub));
            assertTrue(Files.isSymbolicLink(link));
            // A directory that does not exist: bind's own error.
            TcpServerBindError missing = assertThrows(TcpServerBindError.class,
                    () -> loop.unixServer(dir.resolve("no/such/dir.sock"), null, ev -> { }));
            assertEquals(2, missing.errcode(), missing.getMessage()); // ENOENT
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void theFileGoesWhenTheLoopCloses() throws Exception {
        Path path = dir.resolve("loop.sock");
        try (EventLoop loop = loops.start()) {
            loop.unixServer(path, null, ev -> { });
            assertTrue(Files.exists(path));
        }
        assertFalse(Files.exists(path));
    }

    @Test
    void aFileReplacedByAnotherServerIsNotRemovedByTheFirst() throws Exception {
        Path path = dir.resolve("replaced.sock");
        try (EventLoop loop = loops.start()) {
            TcpServer first = loop.unixServer(path, null, ev -> { });
            Files.delete(path); // an operator's clean-up, say
            TcpServer second = loop.unixServer(path, upperCaseEcho(), ev -> { });
            first.close();
            assertTrue(Files.exists(path), "the second server's file stays");
            assertEquals("SECOND", Peer.run("second\n", "socat", "-t", "5", "-", "UNIX-CONNECT:" + path).out());
            second.close();
            assertFalse(Files.exists(path));
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void pathsAreChecked() {
        Path tooLong = dir.resolve("x".repeat(108));
        try (EventLoop loop = loops.start()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loop.unixServer(tooLong, null, null));
            assertTrue(e.getMessage().startsWith("path "), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> loop.unixConnect(tooLong, null, null));
            assertTrue(e.getMessage().startsWith("path "), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> loop.httpServer(tooLong, req -> { }, null));
            assertTrue(e.getMessage().startsWith("unixSocket "), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> io.github.evasync.http.HttpClientOptions.defaults().unixSocket(tooLong));
            assertTrue(e.getMessage().startsWith("unixSocket "), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> loop.unixServer(Path.of(""), null, null));
            assertThrows(NullPointerException.class, () -> loop.unixConnect(null, null, null));
            // 107 bytes is the most that fits: a path of exactly that length serves.
            String base = dir.toAbsolutePath() + "/";
            Path longest = Path.of(base + "y".repeat(107 - base.length()));
            assertEquals(107, longest.toString().getBytes(StandardCharsets.UTF_8).length);
            TcpServer s = loop.unixServer(longest, null, null);
            assertTrue(Files.exists(longest));
            s.close();
            assertFalse(Files.exists(longest));
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void connectingToNothingIsACondition() throws Exception {
        Path missing = dir.resolve("missing.sock");
        Path stale = dir.resolve("stale-connect.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(stale));
        }
        try (EventLoop loop = loops.start()) {
            CompletableFuture<Exception> noFile = new CompletableFuture<>();
            loop.unixConnect(missing, null, noFile::complete);
            TcpError e = assertInstanceOf(TcpError.class, noFile.get(10, TimeUnit.SECONDS));
            assertEquals(2, e.errcode(), e.getMessage()); // ENOENT
            CompletableFuture<Exception> refused = new CompletableFuture<>();
            loop.unixConnect(stale, null, refused::complete);
            assertInstanceOf(TcpRefused.class, refused.get(10, TimeUnit.SECONDS));
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void flowControlAndTimeoutsOnAUnixSocket() throws Exception {
        Path path = dir.resolve("flow.sock");
        try (EventLoop loop = loops.start()) {
            CompletableFuture<TcpSocket> accepted = new CompletableFuture<>();
            CompletableFuture<Exception> timedOut = new CompletableFuture<>();
            TcpServer server = loop.unixServer(path, null, timedOut::complete,
                    ServerOptions.defaults().connectCallback(accepted::complete));
            AtomicInteger received = new AtomicInteger();
            TcpSocket reader = loop.unixConnect(path, (s, d) -> received.addAndGet(d.length), ev -> { });
            reader.disable(true, false); // the peer does not read: the server's output backs up
            TcpSocket s = accepted.get(10, TimeUnit.SECONDS);
            CompletableFuture<Boolean> drained = new CompletableFuture<>();
            int written = loop.submit(() -> {
                s.onDrain(() -> drained.complete(true));
                int n = 0;
                byte[] chunk = new byte[64 * 1024];
                while (s.write(chunk)) {
                    n += chunk.length;
                }
                return n + chunk.length;
            }).get(10, TimeUnit.SECONDS);
            assertTrue(s.outputBufferLength() > 0);
            reader.enable(true, false);
            assertTrue(drained.get(10, TimeUnit.SECONDS));
            Await(() -> received.get() == written);
            // A read timeout on the accepted socket: nothing more arrives.
            s.setTimeouts(Duration.ofMillis(100), null);
            assertInstanceOf(TcpTimeout.class, timedOut.get(10, TimeUnit.SECONDS));
            assertTrue(s.isClosed());
            assertThrows(SocketClosed.class, () -> s.write("closed"));
            assertThrows(SocketClosed.class, s::shutdownOutput);
            reader.close();
            server.close();
            Idle.awaitIdle(loop);
        }
    }
}
