package io.github.evasync.http;

import io.github.evasync.Await;
import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import io.github.evasync.TlsError;
import io.github.evasync.tls.TestCerts;
import io.github.evasync.tls.TlsOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** evasync's HTTP server over TLS ({@code HttpServerOptions.tls}), spoken to by the real curl. */
@Timeout(90)
class HttpsServerTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    private final TestCerts certs = TestCerts.get();

    private HttpServer httpsServer(EventLoop loop, List<Exception> serverEvents) {
        return loop.httpServer("127.0.0.1", 0, req -> NginxTest.answer(loop, req), serverEvents::add,
                HttpServerOptions.defaults().tls(TlsOptions.server(certs.serverCert, certs.serverKey)));
    }

    @Test
    void curlKeepsOneConnectionForSeveralRequestsPostsAndReadsAStream() throws Exception {
        List<Exception> serverEvents = new CopyOnWriteArrayList<>();
        try (EventLoop loop = loops.start()) {
            HttpServer server = httpsServer(loop, serverEvents);
            String base = "https://localhost:" + server.port();
            // Three URLs on one curl: the second and third reuse the first's connection (0 new connects).
            Curl.Result three = Curl.run("--cacert", certs.ca.toString(), "-w", "[%{num_connects}]",
                    base + "/a?x=1", base + "/b", base + "/c");
            assertEquals(0, three.exit(), three.err());
            assertEquals("GET /a?x=1 0[1]GET /b 0[0]GET /c 0[0]", three.out(), three.err());

            Curl.Result post = Curl.run("--cacert", certs.ca.toString(), "--data-binary", "0123456789", base + "/post");
            assertEquals("POST /post 10", post.out(), post.err());

            Curl.Result stream = Curl.run("--cacert", certs.ca.toString(), "-D", "-", base + "/stream");
            assertEquals(0, stream.exit(), stream.err());
            String lower = stream.out().toLowerCase(java.util.Locale.ROOT);
            assertTrue(lower.startsWith("http/1.1 200"), stream.out());
            assertTrue(lower.contains("transfer-encoding: chunked"), stream.out());
            assertTrue(stream.out().endsWith("\r\n\r\nalpha,beta"), stream.out());

            // curl that does not trust the certificate refuses it (exit 60); the server hears a TlsError.
            Curl.Result untrusted = Curl.run(base + "/");
            assertEquals(60, untrusted.exit(), untrusted.out() + untrusted.err());
            Await.until(() -> "the server's event for the refused handshake: " + serverEvents,
                    () -> !serverEvents.isEmpty());
            assertEquals(1, serverEvents.size(), serverEvents.toString());
            assertInstanceOf(TlsError.class, serverEvents.get(0));

            server.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void plainHttpToTheTlsPortIsClosedCleanlyAndTheServerGoesOn() throws Exception {
        List<Exception> serverEvents = new CopyOnWriteArrayList<>();
        try (EventLoop loop = loops.start()) {
            HttpServer server = httpsServer(loop, serverEvents);
            for (int i = 0; i < 3; i++) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                    s.setSoTimeout(10_000);
                    s.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    String got = readToEnd(s.getInputStream());
                    // At most a TLS alert record; never an HTTP answer in the clear.
                    assertTrue(!got.contains("HTTP/1.1"), got);
                }
            }
            Await.until(() -> "three refused handshakes: " + serverEvents, () -> serverEvents.size() == 3);
            for (Exception e : serverEvents) {
                assertInstanceOf(TlsError.class, e);
            }
            assertEquals(0, loop.stats().incomingHttpConnections(), "no HTTP connection was made of them");

            // The server still serves HTTPS.
            Curl.Result ok = Curl.run("--cacert", certs.ca.toString(), "https://localhost:" + server.port() + "/after");
            assertEquals("GET /after 0", ok.out(), ok.err());
            server.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void clientSettingsAreRefusedNamingTheArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HttpServerOptions.defaults().tls(TlsOptions.client()));
        assertTrue(e.getMessage().startsWith("tls "), e.getMessage());
        assertEquals(null, HttpServerOptions.defaults().tls(), "plain HTTP by default");
        TlsOptions tls = TlsOptions.server(certs.serverCert, certs.serverKey);
        HttpServerOptions o = HttpServerOptions.defaults().tls(tls).maxBodyBytes(10);
        assertEquals(tls, o.tls(), "kept through later changes");
        assertEquals(null, o.tls(null).tls());
    }

    private static String readToEnd(InputStream in) throws java.io.IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
            }
        } catch (java.net.SocketException reset) {
            // A reset ends it too: the server closed without reading all we sent.
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
