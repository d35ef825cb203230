package io.github.evasync.tls;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TcpEof;
import io.github.evasync.TestLoops;
import io.github.evasync.tcp.ServerOptions;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpServer;
import io.github.evasync.tcp.TcpSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An evasync TLS client and an evasync TLS server on one loop. */
@Timeout(60)
class TlsLoopbackTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    private final TestCerts certs = TestCerts.get();

    @Test
    void echoThenACleanCloseIsEofOnTheOtherSide() {
        List<String> events = new ArrayList<>();
        TlsSession[] sessions = new TlsSession[2];
        EventLoop.run(loops.options(), loop -> {
            TcpServer[] server = new TcpServer[1];
            server[0] = loop.tcpServer("127.0.0.1", 0, (s, d) -> s.write(d), ev -> {
                events.add("server:" + ev.getClass().getSimpleName());
                server[0].close();
            }, ServerOptions.defaults().tls(TlsOptions.server(certs.serverCert, certs.serverKey))
                    .connectCallback(s -> sessions[1] = s.tlsSession()));
            TcpSocket client = loop.tcpConnect("localhost", server[0].port(), (s, d) -> {
                events.add("client read:" + new String(d, StandardCharsets.UTF_8));
                sessions[0] = s.tlsSession();
                s.close();
            }, ev -> events.add("client:" + ev), TcpOptions.defaults().tls(TlsOptions.client().trust(certs.ca))
                    .connectCallback(s -> events.add("client connected")));
            assertNull(client.tlsSession(), "no session before the handshake");
            client.write("hello over TLS");
            Idle.atExit(loop);
        });
        assertEquals(List.of("client connected", "client read:hello over TLS", "server:TcpEof"), events);
        assertEquals("TLSv1.3", sessions[0].protocol());
        assertTrue(sessions[0].cipherSuite().startsWith("TLS_"), sessions[0].cipherSuite());
        assertNull(sessions[0].alpn());
        assertEquals("CN=localhost", sessions[0].peerCertificates().get(0).getSubjectX500Principal().getName());
        assertEquals("TLSv1.3", sessions[1].protocol());
        assertEquals(List.of(), sessions[1].peerCertificates(), "no client certificate was asked for");
    }
}
