package io.github.evasync.http;

import io.github.evasync.Await;
import io.github.evasync.EventLoop;
import io.github.evasync.HttpError;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import io.github.evasync.TlsError;
import io.github.evasync.tls.TestCerts;
import io.github.evasync.tls.TlsOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** evasync's HTTP client speaking {@code https://}: to evasync's own HTTPS server and to nginx. */
@Timeout(90)
class HttpsClientTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    private final TestCerts certs = TestCerts.get();
    /** One instance for the whole class: one OpenSSL context. */
    private final TlsOptions trustTestCa = TlsOptions.client().trust(certs.ca);

    private HttpServer echoServer(EventLoop loop, TlsOptions tls, String name) {
        return loop.httpServer("127.0.0.1", 0,
                req -> req.respond(200, Map.of("Content-Type", "text/plain"),
                        name + " " + req.method() + " " + req.uri() + " " + req.body().length),
                null, HttpServerOptions.defaults().tls(tls));
    }

    private static HttpResponse get(EventLoop loop, String uri, HttpClientOptions options) throws Exception {
        return loop.http(new HttpRequestSpec(uri, options)).get(20, TimeUnit.SECONDS);
    }

    @Test
    void requestsOverTlsShareOneKeptAliveConnection() throws Exception {
        try (EventLoop loop = loops.start()) {
            HttpServer server = echoServer(loop, TlsOptions.server(certs.serverCert, certs.serverKey), "tls");
            HttpClientOptions o = HttpClientOptions.defaults().tls(trustTestCa);
            String base = "https://localhost:" + server.port();
            assertEquals("tls GET /a?x=1 0", get(loop, base + "/a?x=1", o).bodyText());
            assertEquals(1, loop.stats().outgoingHttpConnections());
            assertEquals("tls POST /b 5", get(loop, base + "/b", o.method("POST").body("hello")).bodyText());
            assertEquals("tls GET /c 0", get(loop, base + "/c", o).bodyText());
            assertEquals(1, loop.stats().outgoingHttpConnections(), "three requests, one connection");
            assertEquals(1, loop.stats().incomingHttpConnections(), "the server accepted one connection");
            // The IP address is checked against the certificate's IP entry (no SNI for an address).
            assertEquals("tls GET / 0", get(loop, "https://127.0.0.1:" + server.port(), o).bodyText());
            assertEquals(2, loop.stats().outgoingHttpConnections(), "another host name, another connection");
            loop.closeIdleHttpConnections();
            server.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void aWrongHostNameOrAnUntrustedChainIsExactlyOneTlsError() throws Exception {
        try (EventLoop loop = loops.start()) {
            HttpServer other = echoServer(loop, TlsOptions.server(certs.otherCert, certs.otherKey), "other");
            HttpServer untrusted = echoServer(loop, TlsOptions.server(certs.untrustedCert, certs.untrustedKey), "untrusted");
            HttpServer good = echoServer(loop, TlsOptions.server(certs.serverCert, certs.serverKey), "good");
            HttpClientOptions o = HttpClientOptions.defaults().tls(trustTestCa);

            TlsError wrongName = onlyCondition(loop, "https://localhost:" + other.port() + "/", o);
            assertTrue(wrongName.errmsg().contains("certificate verify failed"), wrongName.errmsg());
            TlsError badChain = onlyCondition(loop, "https://localhost:" + untrusted.port() + "/", o);
            assertTrue(badChain.errmsg().contains("certificate verify failed"), badChain.errmsg());
            // The default settings trust the system's CAs, which never signed the test CA.
            TlsError systemStore = onlyCondition(loop, "https://localhost:" + good.port() + "/", HttpClientOptions.defaults());
            assertTrue(systemStore.errmsg().contains("certificate verify failed"), systemStore.errmsg());
            // A serverName of the client's settings is what the certificate must name.
            assertEquals("other GET / 0", get(loop, "https://localhost:" + other.port() + "/",
                    o.tls(TlsOptions.client().trust(certs.ca).serverName("other.test"))).bodyText());

            // The future form: completed exceptionally with the same condition.
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> get(loop, "https://localhost:" + untrusted.port() + "/", o));
            assertInstanceOf(TlsError.class, e.getCause());

            loop.closeIdleHttpConnections();
            other.close();
            untrusted.close();
            good.close();
            Idle.awaitIdle(loop);
        }
    }

    /** Sends one request in the callback form and {@return the one condition it got}, after checking no second comes. */
    private static TlsError onlyCondition(EventLoop loop, String uri, HttpClientOptions o) throws Exception {
        List<Object> heard = new CopyOnWriteArrayList<>();
        loop.httpClient(uri, (status, headers, body) -> heard.add(status), heard::add, o);
        Await.until(() -> "an answer from " + uri, () -> !heard.isEmpty());
        Thread.sleep(100); // a second call back would come within this
        assertEquals(1, heard.size(), heard.toString());
        return assertInstanceOf(TlsError.class, heard.get(0));
    }

    @Test
    void httpAndHttpsToTheSameHostAndPortNeverShareAConnection() throws Exception {
        try (EventLoop loop = loops.start()) {
            HttpServer tls = echoServer(loop, TlsOptions.server(certs.serverCert, certs.serverKey), "tls");
            HttpServer plain = echoServer(loop, null, "plain");
            HttpClientOptions o = HttpClientOptions.defaults().tls(trustTestCa);
            assertEquals("tls GET / 0", get(loop, "https://localhost:" + tls.port() + "/", o).bodyText());
            assertEquals("plain GET / 0", get(loop, "http://localhost:" + plain.port() + "/", o).bodyText());
            assertEquals(2, loop.stats().outgoingHttpConnections());

            // http:// to the TLS port: a new plain connection (the server refuses it), never the idle TLS one.
            ExecutionException toTls = assertThrows(ExecutionException.class,
                    () -> get(loop, "http://localhost:" + tls.port() + "/", o));
            assertInstanceOf(HttpError.class, toTls.getCause());
            // https:// to the plain port: a new TLS connection whose handshake fails, never the idle plain one.
            ExecutionException toPlain = assertThrows(ExecutionException.class,
                    () -> get(loop, "https://localhost:" + plain.port() + "/", o));
            assertInstanceOf(TlsError.class, toPlain.getCause());

            // Each idle connection is still there and still serves its own scheme.
            assertEquals("tls GET /again 0", get(loop, "https://localhost:" + tls.port() + "/again", o).bodyText());
            assertEquals("plain GET /again 0", get(loop, "http://localhost:" + plain.port() + "/again", o).bodyText());
            Await.until(() -> "the two refused connections gone: " + loop.stats(),
                    () -> loop.stats().outgoingHttpConnections() == 2 && loop.stats().incomingHttpConnections() == 2);

            // Other TLS settings to the same origin: another connection, not the one verified under trustTestCa.
            TlsOptions insecure = TlsOptions.client().insecureTrustAll();
            assertEquals("tls GET /x 0", get(loop, "https://localhost:" + tls.port() + "/x", o.tls(insecure)).bodyText());
            assertEquals(3, loop.stats().outgoingHttpConnections());
            loop.closeIdleHttpConnections();
            tls.close();
            plain.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void redirectsFollowTheSchemeBothWays() throws Exception {
        try (EventLoop loop = loops.start()) {
            int[] ports = new int[2];
            HttpServer plain = loop.httpServer("127.0.0.1", 0, req -> {
                switch (req.resource()) {
                    case "/start" -> req.respond(302, Map.of("Location", "https://localhost:" + ports[1] + "/secure"), "");
                    default -> req.respond(200, null, "plain " + req.uri() + " secret=" + req.headers().get("Authorization"));
                }
            }, null);
            HttpServer tls = loop.httpServer("127.0.0.1", 0, req -> {
                switch (req.resource()) {
                    case "/secure" -> req.respond(301, Map.of("Location", "/relative"), "");
                    case "/relative" -> req.respond(307, Map.of("Location", "http://localhost:" + ports[0] + "/end"), "");
                    default -> req.respond(404, null, "");
                }
            }, null, HttpServerOptions.defaults().tls(TlsOptions.server(certs.serverCert, certs.serverKey)));
            ports[0] = plain.port();
            ports[1] = tls.port();
            HttpResponse r = get(loop, "http://localhost:" + plain.port() + "/start",
                    HttpClientOptions.defaults().tls(trustTestCa).followRedirects(5).header("Authorization", "Bearer x"));
            // http -> https -> https (a relative Location keeps https) -> http; the credentials stayed
            // behind when the scheme changed, and never came back down to plain HTTP.
            assertEquals("plain /end secret=null", r.bodyText());
            loop.closeIdleHttpConnections();
            plain.close();
            tls.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void nginxAsATlsOrigin() throws Exception {
        try (EventLoop loop = loops.start()) {
            try (Nginx nginx = Nginx.startTls(1, certs.serverCert, certs.serverKey)) {
                byte[] file = new byte[1 << 20];
                new Random(5).nextBytes(file);
                Files.write(nginx.files.resolve("big.bin"), file);
                Files.writeString(nginx.files.resolve("small.txt"), "small file");
                HttpClientOptions o = HttpClientOptions.defaults().tls(trustTestCa);
                HttpResponse small = get(loop, nginx.base() + "/files/small.txt", o);
                assertEquals(200, small.status());
                assertEquals("small file", small.bodyText());
                HttpResponse big = get(loop, nginx.base() + "/files/big.bin", o);
                assertEquals(200, big.status());
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                assertArrayEquals(sha.digest(file), MessageDigest.getInstance("SHA-256").digest(big.body()));
                HttpResponse missing = get(loop, nginx.base() + "/files/none", o);
                assertEquals(404, missing.status());
                HttpResponse head = get(loop, nginx.base() + "/files/small.txt", o.method("HEAD"));
                assertEquals("10", head.headers().get("Content-Length"));
                assertEquals(1, loop.stats().outgoingHttpConnections(), "four requests on one kept-alive TLS connection");

                // Several at once: those that find no idle connection open one; all are kept for later.
                List<CompletableFuture<HttpResponse>> many = new java.util.ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    many.add(loop.http(new HttpRequestSpec(nginx.base() + "/files/small.txt", o)));
                }
                for (CompletableFuture<HttpResponse> f : many) {
                    assertEquals("small file", f.get(20, TimeUnit.SECONDS).bodyText());
                }
                int open = loop.stats().outgoingHttpConnections();
                assertTrue(open >= 1 && open <= 4, "kept-alive connections: " + open);
                loop.closeIdleHttpConnections(); // each sends its close_notify
            }
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void badArgumentsNameThemselves() throws Exception {
        IllegalArgumentException server = assertThrows(IllegalArgumentException.class,
                () -> HttpClientOptions.defaults().tls(TlsOptions.server(certs.serverCert, certs.serverKey)));
        assertTrue(server.getMessage().startsWith("tls "), server.getMessage());
        TlsOptions d = HttpClientOptions.defaults().tls();
        assertNotNull(d);
        assertSame(d, HttpClientOptions.defaults().method("POST").tls(), "one shared default");
        assertSame(d, HttpClientOptions.defaults().tls(trustTestCa).tls(null).tls());
        assertSame(trustTestCa, HttpClientOptions.defaults().tls(trustTestCa).timeout(java.time.Duration.ofSeconds(1)).tls());
        try (EventLoop loop = loops.start()) {
            ExecutionException ftp = assertThrows(ExecutionException.class,
                    () -> get(loop, "ftp://localhost/", HttpClientOptions.defaults()));
            assertTrue(ftp.getCause().getMessage().startsWith("uri must be http:// or https://"), ftp.getCause().getMessage());
            // A CA file OpenSSL cannot read fails that request, as an IllegalArgumentException naming the setting.
            java.nio.file.Path notPem = Files.writeString(certs.dir.resolve("not-a-ca.pem"), "not a certificate");
            HttpClientOptions badCa = HttpClientOptions.defaults().tls(TlsOptions.client().trust(notPem));
            ExecutionException unusable = assertThrows(ExecutionException.class,
                    () -> get(loop, "https://localhost:1/", badCa));
            assertInstanceOf(IllegalArgumentException.class, unusable.getCause());
            List<Object> heard = new CopyOnWriteArrayList<>();
            loop.httpClient("https://localhost:1/", (status, headers, body) -> heard.add(status), heard::add, badCa);
            Await.until(() -> "the callback form's failure", () -> !heard.isEmpty());
            assertInstanceOf(IllegalArgumentException.class, heard.get(0));
            Idle.awaitIdle(loop);
        }
    }
}
