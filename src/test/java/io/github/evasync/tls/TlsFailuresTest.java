package io.github.evasync.tls;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TcpEof;
import io.github.evasync.TcpTimeout;
import io.github.evasync.TestLoops;
import io.github.evasync.TlsError;
import io.github.evasync.tcp.ServerOptions;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpServer;
import io.github.evasync.tcp.TcpSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS failures: each reaches the client's handler as exactly one condition, and the loop ends
 * idle. The server is an evasync one on the same loop, closed once the client has its answer.
 */
@Timeout(60)
class TlsFailuresTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    private final TestCerts certs = TestCerts.get();

    /** Connects once with {@code client} to a server with {@code server}; {@return what the client's handler got} */
    private List<Object> clientConditions(TlsOptions server, String host, TlsOptions client, List<Object> serverGot) {
        List<Object> got = new ArrayList<>();
        EventLoop.run(loops.options(), loop -> {
            TcpServer s = loop.tcpServer("127.0.0.1", 0, (c, d) -> c.write(d), serverGot::add,
                    ServerOptions.defaults().tls(server));
            loop.tcpConnect(host, s.port(), (c, d) -> { }, ev -> {
                got.add(ev);
                // Let the server see its side of the failure first.
                loop.delay(Duration.ofMillis(100), s::close);
            }, TcpOptions.defaults().tls(client).data("hello"));
            Idle.atExit(loop);
        });
        return got;
    }

    @Test
    void aWrongHostNameIsExactlyOneTlsError() {
        List<Object> server = new ArrayList<>();
        List<Object> got = clientConditions(TlsOptions.server(certs.otherCert, certs.otherKey), "localhost",
                TlsOptions.client().trust(certs.ca), server);
        assertEquals(1, got.size(), got::toString);
        TlsError e = assertInstanceOf(TlsError.class, got.get(0));
        assertTrue(e.errmsg().contains("certificate verify failed"), e.errmsg());
        assertTrue(e.errmsg().contains("hostname mismatch"), e.errmsg());
        assertEquals(62, e.errcode(), "X509_V_ERR_HOSTNAME_MISMATCH");
        assertEquals(1, server.size(), server::toString);
        assertInstanceOf(TlsError.class, server.get(0), "the server hears the client's alert");
    }

    @Test
    void anUntrustedChainIsExactlyOneTlsError() {
        List<Object> got = clientConditions(TlsOptions.server(certs.untrustedCert, certs.untrustedKey), "localhost",
                TlsOptions.client().trust(certs.ca), new ArrayList<>());
        assertEquals(1, got.size(), got::toString);
        TlsError e = assertInstanceOf(TlsError.class, got.get(0));
        assertTrue(e.errmsg().contains("certificate verify failed"), e.errmsg());
        assertTrue(e.errmsg().contains("unable to get local issuer certificate"), e.errmsg());
    }

    @Test
    void theSystemStoreDoesNotTrustTheTestCa() {
        List<Object> got = clientConditions(TlsOptions.server(certs.serverCert, certs.serverKey), "localhost",
                TlsOptions.client(), new ArrayList<>());
        assertEquals(1, got.size(), got::toString);
        assertTrue(assertInstanceOf(TlsError.class, got.get(0)).errmsg().contains("certificate verify failed"));
    }

    @Test
    void insecureTrustAllAcceptsTheUntrustedChain() {
        List<Object> server = new ArrayList<>();
        List<String> read = new ArrayList<>();
        EventLoop.run(loops.options(), loop -> {
            TcpServer s = loop.tcpServer("127.0.0.1", 0, (c, d) -> {
                c.write(d);
                c.close();
            }, server::add, ServerOptions.defaults().tls(TlsOptions.server(certs.untrustedCert, certs.untrustedKey)));
            loop.tcpConnect("127.0.0.1", s.port(), (c, d) -> read.add(new String(d)), ev -> {
                read.add(ev.getClass().getSimpleName());
                s.close();
            }, TcpOptions.defaults().tls(TlsOptions.client().insecureTrustAll()).data("hi"));
            Idle.atExit(loop);
        });
        assertEquals(List.of("hi", "TcpEof"), read, "the server's close_notify is a clean end");
        assertEquals(List.of(), server);
    }

    @Test
    void mutualTlsWithoutAClientCertificateFails() {
        List<Object> server = new ArrayList<>();
        List<Object> got = clientConditions(TlsOptions.server(certs.serverCert, certs.serverKey)
                        .requireClientCertificate(certs.ca), "localhost", TlsOptions.client().trust(certs.ca), server);
        assertEquals(1, got.size(), got::toString);
        TlsError e = assertInstanceOf(TlsError.class, got.get(0));
        assertTrue(e.errmsg().contains("certificate required"), e.errmsg());
        assertEquals(1, server.size(), server::toString);
        TlsError s = assertInstanceOf(TlsError.class, server.get(0));
        assertTrue(s.errmsg().contains("peer did not return a certificate"), s.errmsg());
    }

    @Test
    void alpnWithNoCommonProtocolIsRefused() {
        List<Object> got = clientConditions(TlsOptions.server(certs.serverCert, certs.serverKey).alpn("h2"),
                "localhost", TlsOptions.client().trust(certs.ca).alpn("spdy/3"), new ArrayList<>());
        assertEquals(1, got.size(), got::toString);
        TlsError e = assertInstanceOf(TlsError.class, got.get(0));
        assertTrue(e.errmsg().contains("no application protocol"), e.errmsg());
    }

    @Test
    void aPeerThatSendsNothingTimesTheServersHandshakeOut() {
        List<Object> server = new ArrayList<>();
        List<Object> client = new ArrayList<>();
        EventLoop.run(loops.options(), loop -> {
            TcpServer s = loop.tcpServer("127.0.0.1", 0, (c, d) -> { }, ev -> {
                server.add(ev);
            }, ServerOptions.defaults().tls(TlsOptions.server(certs.serverCert, certs.serverKey)
                    .handshakeTimeout(Duration.ofMillis(200))));
            // Plain TCP: connects and never says hello.
            loop.tcpConnect("127.0.0.1", s.port(), (c, d) -> { }, ev -> {
                client.add(ev);
                s.close();
            });
            Idle.atExit(loop);
        });
        assertEquals(1, server.size(), server::toString);
        assertInstanceOf(TcpTimeout.class, server.get(0));
        assertEquals(1, client.size(), client::toString);
        assertInstanceOf(TcpEof.class, client.get(0), "the server closed");
    }

    @Test
    void aServerThatNeverAnswersTimesTheClientsHandshakeOut() {
        List<Object> got = new ArrayList<>();
        EventLoop.run(loops.options(), loop -> {
            // Plain TCP: reads the ClientHello and never answers.
            TcpServer s = loop.tcpServer("127.0.0.1", 0, (c, d) -> { }, ev -> { });
            loop.tcpConnect("localhost", s.port(), (c, d) -> { }, ev -> {
                got.add(ev);
                s.close();
            }, TcpOptions.defaults().tls(TlsOptions.client().trust(certs.ca).handshakeTimeout(Duration.ofMillis(200))));
            Idle.atExit(loop);
        });
        assertEquals(1, got.size(), got::toString);
        TcpTimeout t = assertInstanceOf(TcpTimeout.class, got.get(0));
        assertTrue(t.errmsg().contains("handshake"), t.errmsg());
    }

    /**
     * A socket the application closed with output waiting (here, written before the handshake)
     * stays to send it; when the handshake then times out, the socket goes without a word, as a
     * plain socket does that fails to flush: no handler of a closed socket runs.
     */
    @Test
    void aClosedSocketsHandshakeTimeoutIsNotReported() {
        List<Object> got = new ArrayList<>();
        EventLoop.run(loops.options(), loop -> {
            TcpServer s = loop.tcpServer("127.0.0.1", 0, (c, d) -> { }, ev -> { });
            TcpSocket c = loop.tcpConnect("localhost", s.port(), (sock, d) -> { }, got::add,
                    TcpOptions.defaults().tls(TlsOptions.client().trust(certs.ca).handshakeTimeout(Duration.ofMillis(200))));
            c.write("queued before the handshake".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            c.close();
            loop.delay(Duration.ofMillis(600), s::close);
            Idle.atExit(loop);
        });
        assertEquals(List.of(), got, "the closed socket's handler ran");
    }

    @Test
    void aRefusedTlsConnectIsARefusedConnect() {
        List<Object> got = new ArrayList<>();
        EventLoop.run(loops.options(), loop -> {
            loop.tcpConnect("127.0.0.1", 1, (c, d) -> { }, got::add,
                    TcpOptions.defaults().tls(TlsOptions.client().trust(certs.ca)));
            Idle.atExit(loop);
        });
        assertEquals(1, got.size(), got::toString);
        assertEquals("TcpRefused", got.get(0).getClass().getSimpleName(), String.valueOf(got.get(0)));
    }

    @Test
    void badArgumentsNameTheArgument() {
        Path missing = certs.dir.resolve("missing.pem");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TlsOptions.server(missing, certs.serverKey))
                .getMessage().startsWith("certificateChainPem"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TlsOptions.client().trust(missing))
                .getMessage().startsWith("caPem"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TlsOptions.client().minVersion("SSLv3"))
                .getMessage().startsWith("version"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TlsOptions.client().alpn(""))
                .getMessage().startsWith("protocols"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TlsOptions.client().handshakeTimeout(Duration.ZERO))
                .getMessage().startsWith("timeout"));
        assertThrows(IllegalStateException.class, () -> TlsOptions.client().requireClientCertificate(certs.ca));
        assertThrows(IllegalStateException.class, () -> TlsOptions.server(certs.serverCert, certs.serverKey).trust(certs.ca));
        assertThrows(IllegalArgumentException.class,
                () -> TcpOptions.defaults().tls(TlsOptions.server(certs.serverCert, certs.serverKey)));
        assertThrows(IllegalArgumentException.class, () -> ServerOptions.defaults().tls(TlsOptions.client()));
        // A key that is not the certificate's fails the server's creation, naming the setting, with nothing bound.
        TlsOptions mismatched = TlsOptions.server(certs.serverCert, certs.otherKey);
        EventLoop.run(loops.options(), loop -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loop.tcpServer("127.0.0.1", 0,
                    (c, d) -> { }, ev -> { }, ServerOptions.defaults().tls(mismatched)));
            assertTrue(e.getMessage().startsWith("privateKeyPem"), e.getMessage());
            TlsOptions encrypted = TlsOptions.server(certs.serverCert, certs.serverKeyEncrypted).keyPassword("wrong");
            e = assertThrows(IllegalArgumentException.class, () -> loop.tcpServer("127.0.0.1", 0,
                    (c, d) -> { }, ev -> { }, ServerOptions.defaults().tls(encrypted)));
            assertTrue(e.getMessage().startsWith("privateKeyPem"), e.getMessage());
            Idle.atExit(loop);
        });
    }
}
