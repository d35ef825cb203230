package io.github.evasync.tls;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import io.github.evasync.internal.ffi.TlsContext;
import io.github.evasync.tcp.ServerOptions;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS options as a careless caller writes them: options made per connection, a path that is no
 * regular file, an ALPN list too long for the handshake, a key that is not the certificate's, a
 * password with a NUL. Each failed on the code before: a context per options object (a megabyte
 * of CA bundle each, and tens of milliseconds of loop time), a loop blocked in OpenSSL, handshakes
 * that all failed, a misleading message, a password silently cut.
 */
@Timeout(120)
class TlsCarelessCallerTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();
    private final TestCerts certs = TestCerts.get();

    /** Options made per connection on the system's CAs share one context (each held its own CA bundle until a GC). */
    @Test
    void optionsMadePerConnectionShareOneContext() throws Exception {
        try (EventLoop loop = loops.start()) {
            TcpServer s = loop.tcpServer("127.0.0.1", 0, null, null,
                    ServerOptions.defaults().tls(TlsOptions.server(certs.serverCert, certs.serverKey)));
            int before = TlsContext.live();
            long t0 = System.nanoTime();
            for (int i = 0; i < 300; i++) {
                CompletableFuture<Object> done = new CompletableFuture<>();
                TlsOptions o = TlsOptions.client(); // the careless, everyday way
                loop.execute(() -> loop.tcpConnect("127.0.0.1", s.port(), null, done::complete,
                        TcpOptions.defaults().tls(o).connectCallback(c -> { c.close(); done.complete("ok"); })));
                done.get(10, TimeUnit.SECONDS); // a TlsError (the test CA is not the system's): fine
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            int live = TlsContext.live() - before;
            loop.submit(() -> { s.close(); return null; }).get();
            Idle.awaitIdle(loop);
            assertTrue(live <= 10, live + " SSL_CTXs (each ~0.8 MB: the system CA bundle) still live after 300 closed "
                    + "connections, " + ms + " ms (" + ms / 300 + " ms of loop time per connect)");
        }
    }

    /** A path that is no regular file is refused at once, naming the argument (OpenSSL read it on the loop, blocked). */
    @Test
    void aCertificatePathThatIsNoRegularFileIsRefused() throws Exception {
        Path fifo = certs.dir.resolve("careless-fifo.pem");
        Files.deleteIfExists(fifo);
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TlsOptions.server(fifo, certs.serverKey));
            assertTrue(e.getMessage().startsWith("certificateChainPem") && e.getMessage().contains("regular file"),
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> TlsOptions.client().trust(Path.of("/dev/zero")));
            assertTrue(e.getMessage().startsWith("caPem"), e.getMessage());
        } finally {
            Files.delete(fifo);
        }
    }

    /** An ALPN list over the handshake's 65535 bytes is refused (it was taken, and every handshake failed "internal error"). */
    @Test
    void anAlpnListTooLongForTheHandshakeIsRefused() {
        String[] names = new String[300];
        for (int i = 0; i < names.length; i++) {
            names[i] = String.format("%0255d", i); // each valid alone; 300 * 256 = 76800 bytes > 65535
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TlsOptions.client().alpn(names),
                "accepted; the connect then gets TlsError 'SSL routines::internal error'");
        assertTrue(e.getMessage().startsWith("protocols"), e.getMessage());
    }

    /** A client key that is not its certificate's is said so, as keyPem (it was "privateKeyPem ... encrypted?"). */
    @Test
    void aKeyThatIsNotTheCertificatesIsSaidSoUnderTheCallersName() throws Exception {
        try (EventLoop loop = loops.start()) {
            TlsOptions client = TlsOptions.client().trust(certs.ca).clientCertificate(certs.clientCert, certs.serverKey);
            Object r = loop.submit(() -> {
                try {
                    return loop.tcpConnect("localhost", 1, null, null, TcpOptions.defaults().tls(client));
                } catch (Throwable t) {
                    return t;
                }
            }).get();
            IllegalArgumentException e = assertInstanceOf(IllegalArgumentException.class, r);
            // Got: "privateKeyPem: cannot load .../server.key (encrypted? set keyPassword): ...key values mismatch"
            assertTrue(e.getMessage().startsWith("keyPem"), e.getMessage());
            assertFalse(e.getMessage().contains("encrypted?"), e.getMessage());
            assertTrue(e.getMessage().contains("is not the key of the certificate"), e.getMessage());
            Idle.awaitIdle(loop);
        }
    }

    /** A NUL in keyPassword is refused: OpenSSL reads a C string, so "abc\0anything" unlocked a key whose password is "abc". */
    @Test
    void aPasswordWithANulIsRefused() throws Exception {
        Path k = certs.dir.resolve("careless-abc.key");
        assertEquals(0, new ProcessBuilder("openssl", "pkey", "-in", certs.serverKey.toString(), "-aes256",
                "-passout", "pass:abc", "-out", k.toString()).start().waitFor());
        TlsOptions o = TlsOptions.server(certs.serverCert, k);
        assertThrows(IllegalArgumentException.class, () -> o.keyPassword("abc\0wrong"), "a NUL in the password is accepted");
    }

    /** A server name written as an address in another form ("127.1", "[::1]") is checked as that address. */
    @Test
    void aServerNameWrittenAsAnAddressInAnotherFormIsCheckedAsThatAddress() throws Exception {
        try (EventLoop loop = loops.start()) {
            TcpServer s = loop.submit(() -> loop.tcpServer("127.0.0.1", 0, (c, d) -> c.write(d), null,
                    ServerOptions.defaults().tls(TlsOptions.server(certs.serverCert, certs.serverKey)))).get();
            for (String name : new String[] {"127.1", "127.0.0.1"}) {
                CompletableFuture<Object> done = new CompletableFuture<>();
                loop.execute(() -> loop.tcpConnect("127.0.0.1", s.port(), null, done::complete, TcpOptions.defaults()
                        .tls(TlsOptions.client().trust(certs.ca).serverName(name))
                        .connectCallback(c -> {
                            c.close();
                            done.complete("verified");
                        })));
                assertEquals("verified", done.get(10, TimeUnit.SECONDS), name);
            }
            // The certificate names 127.0.0.1, not ::1: a verify failure, not a refused argument.
            CompletableFuture<Object> done = new CompletableFuture<>();
            loop.execute(() -> {
                try {
                    loop.tcpConnect("127.0.0.1", s.port(), null, done::complete, TcpOptions.defaults()
                            .tls(TlsOptions.client().trust(certs.ca).serverName("[::1]")));
                } catch (RuntimeException e) {
                    done.complete(e);
                }
            });
            assertInstanceOf(io.github.evasync.TlsError.class, done.get(10, TimeUnit.SECONDS));
            loop.submit(() -> {
                s.close();
                return null;
            }).get();
            Idle.awaitIdle(loop);
        }
    }
}
