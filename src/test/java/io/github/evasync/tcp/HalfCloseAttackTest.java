package io.github.evasync.tcp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.SocketClosed;
import io.github.evasync.TestLoops;
import io.github.evasync.tls.TestCerts;
import io.github.evasync.tls.TlsOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
