package io.github.evasync.tcp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.SocketClosed;
import io.github.evasync.TcpEof;
import io.github.evasync.TestLoops;
import io.github.evasync.tls.TestCerts;
import io.github.evasync.tls.TlsOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** shutdownOutput from the wrong places: another loop's thread, a TLS socket, a closed socket. */
@Timeout(60)
class HalfCloseAttackTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @Test
    void aWriteFromAnotherLoopAfterShutdownOutputThrowsAtTheCaller() throws Exception {
        try (EventLoop loop = loops.start(); EventLoop other = loops.start()) {
            CompletableFuture<TcpSocket> accepted = new CompletableFuture<>();
            TcpServer server = loop.tcpServer("127.0.0.1", 0, null, ev -> { },
                    ServerOptions.defaults().connectCallback(accepted::complete));
            TcpSocket c = loop.tcpConnect("127.0.0.1", server.port(), null, ev -> { });
            TcpSocket s = accepted.get(10, TimeUnit.SECONDS);
            s.shutdownOutput();
            // From another loop's thread the write is queued, not waited for: it must still be
            // refused there, not fail later inside this loop where nobody hears of it.
            CompletableFuture<Throwable> thrown = new CompletableFuture<>();
            other.execute(() -> {
                try {
                    s.write("after the end");
                    thrown.complete(null);
                } catch (Throwable t) {
                    thrown.complete(t);
                }
            });
            assertInstanceOf(IllegalStateException.class, thrown.get(10, TimeUnit.SECONDS));
            c.close();
            s.close();
            server.close();
            Idle.awaitIdle(loop);
            loops.assertNoneUncaught();
        }
    }

    @Test
    void aTlsSocketRefusesToHalfCloseFromAnotherLoopAtTheCaller() throws Exception {
        TestCerts certs = TestCerts.get();
        try (EventLoop loop = loops.start(); EventLoop other = loops.start()) {
            CompletableFuture<TcpSocket> accepted = new CompletableFuture<>();
            TcpServer server = loop.tcpServer("127.0.0.1", 0, null, ev -> { }, ServerOptions.defaults()
                    .tls(TlsOptions.server(certs.serverCert, certs.serverKey)).connectCallback(accepted::complete));
            CompletableFuture<TcpSocket> connected = new CompletableFuture<>();
            TcpSocket c = loop.tcpConnect("127.0.0.1", server.port(), null, ev -> { }, TcpOptions.defaults()
                    .tls(TlsOptions.client().trust(certs.ca)).connectCallback(connected::complete));
            connected.get(10, TimeUnit.SECONDS);
            TcpSocket s = accepted.get(10, TimeUnit.SECONDS);
            // Queued on the socket's loop, the refusal would end that loop; the caller must hear it.
            CompletableFuture<Throwable> thrown = new CompletableFuture<>();
            other.execute(() -> {
                try {
                    s.shutdownOutput();
                    thrown.complete(null);
                } catch (Throwable t) {
                    thrown.complete(t);
                }
            });
            assertInstanceOf(UnsupportedOperationException.class, thrown.get(10, TimeUnit.SECONDS));
            assertTrue(loop.submit(() -> !s.isClosed()).get(10, TimeUnit.SECONDS));
            c.close();
            s.close();
            server.close();
            Idle.awaitIdle(loop);
            loops.assertNoneUncaught();
        }
    }

    @Test
    void aQueuedWriteOvertakenByShutdownOutputIsDropped() throws Exception {
        try (EventLoop loop = loops.start(); EventLoop other = loops.start()) {
            CompletableFuture<TcpSocket> accepted = new CompletableFuture<>();
            TcpServer server = loop.tcpServer("127.0.0.1", 0, null, ev -> { },
                    ServerOptions.defaults().connectCallback(accepted::complete));
            StringBuilder got = new StringBuilder();
            CompletableFuture<Exception> ended = new CompletableFuture<>();
            loop.tcpConnect("127.0.0.1", server.port(), (sock, d) -> got.append(new String(d)), ended::complete);
            TcpSocket s = accepted.get(10, TimeUnit.SECONDS);
            // The owning loop is held while the other loop's write passes its check and is
            // queued; then, still ahead of that write, the owner shuts the output down.
            java.util.concurrent.CountDownLatch queued = new java.util.concurrent.CountDownLatch(1);
            CompletableFuture<Void> shut = new CompletableFuture<>();
            loop.execute(() -> {
                try {
                    queued.await(10, TimeUnit.SECONDS);
                    s.write("before ");
                    s.shutdownOutput();
                    shut.complete(null);
                } catch (Throwable t) {
                    shut.completeExceptionally(t);
                }
            });
            CompletableFuture<Throwable> writeThrew = new CompletableFuture<>();
            java.util.concurrent.atomic.AtomicBoolean callbackRan = new java.util.concurrent.atomic.AtomicBoolean();
            other.execute(() -> {
                try {
                    s.write("late", sock -> callbackRan.set(true));
                    writeThrew.complete(null);
                } catch (Throwable t) {
                    writeThrew.complete(t);
                } finally {
                    queued.countDown();
                }
            });
            assertNull(writeThrew.get(10, TimeUnit.SECONDS), "the write was allowed when it was made");
            shut.get(10, TimeUnit.SECONDS);
            // The peer reads what came before the end, then the end; the late write never left.
            assertInstanceOf(TcpEof.class, ended.get(10, TimeUnit.SECONDS));
            assertEquals("before ", loop.submit(got::toString).get(10, TimeUnit.SECONDS));
            loop.submit(() -> null).get(10, TimeUnit.SECONDS); // a turn after the queued write's
            assertFalse(callbackRan.get(), "a dropped write's callback does not run, as for a socket closed meanwhile");
            loops.assertNoneUncaught();
            s.close();
            server.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void aTlsSocketRefusesToHalfClose() throws Exception {
        TestCerts certs = TestCerts.get();
        try (EventLoop loop = loops.start()) {
            CompletableFuture<TcpSocket> accepted = new CompletableFuture<>();
            TcpServer server = loop.tcpServer("127.0.0.1", 0, null, ev -> { }, ServerOptions.defaults()
                    .tls(TlsOptions.server(certs.serverCert, certs.serverKey)).connectCallback(accepted::complete));
            CompletableFuture<TcpSocket> connected = new CompletableFuture<>();
            TcpSocket c = loop.tcpConnect("127.0.0.1", server.port(), null, ev -> { }, TcpOptions.defaults()
                    .tls(TlsOptions.client().trust(certs.ca)).connectCallback(connected::complete));
            connected.get(10, TimeUnit.SECONDS);
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, c::shutdownOutput);
            assertTrue(e.getMessage().contains("TLS"), e.getMessage());
            TcpSocket s = accepted.get(10, TimeUnit.SECONDS);
            assertThrows(UnsupportedOperationException.class, s::shutdownOutput);
            s.write("still writable"); // nothing was shut
            c.close();
            s.close();
            assertThrows(SocketClosed.class, c::shutdownOutput);
            server.close();
            Idle.awaitIdle(loop);
        }
    }
}
