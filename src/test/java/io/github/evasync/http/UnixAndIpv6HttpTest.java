package io.github.evasync.http;

import io.github.evasync.Await;
import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import io.github.evasync.tls.TestCerts;
import io.github.evasync.tls.TlsOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTP on a Unix socket file (curl --unix-socket, nginx's unix: upstream, our client) and over IPv6. */
@Timeout(120)
class UnixAndIpv6HttpTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @TempDir
    Path dir;

    /** Answers with the method, the URI and the Host field. */
    private static void answer(HttpRequest req) {
        req.respond(200, Map.of("Content-Type", "text/plain"),
                req.method() + " " + req.uri() + " host=" + req.headers().get("Host"));
    }

    @Test
    void curlAndOurClientOnAUnixSocket() throws Exception {
        Path path = dir.resolve("http.sock");
        try (EventLoop loop = loops.start()) {
            HttpServer server = loop.httpServer(path, UnixAndIpv6HttpTest::answer, null);
            assertEquals(0, server.port());
            Curl.Result r = Curl.run("--unix-socket", path.toString(), "http://sidecar/hello?x=1");
            assertEquals("GET /hello?x=1 host=sidecar", r.out(), r.err());

            HttpClientOptions viaSocket = HttpClientOptions.defaults().unixSocket(path);
            for (int i = 0; i < 3; i++) {
                HttpResponse res = loop.http(new HttpRequestSpec("http://example.test:8080/p" + i, viaSocket))
                        .get(10, TimeUnit.SECONDS);
                assertEquals("GET /p" + i + " host=example.test:8080", res.bodyText());
            }
            // One kept-alive connection carried all three: an HTTP connection and a local one, each way.
            assertEquals(1, loop.stats().outgoingHttpConnections());
            assertEquals(1, loop.stats().outgoingLocalConnections());
            assertEquals(1, loop.stats().incomingHttpConnections());
            assertEquals(1, loop.stats().incomingLocalConnections());
            assertEquals(0, loop.stats().outgoingTcpConnections());
            // The same URI without the socket goes to the host, not to the pooled socket connection.
            HttpResponse direct = loop.http(new HttpRequestSpec("http://127.0.0.1:9/",
                    HttpClientOptions.defaults().timeout(java.time.Duration.ofSeconds(5))))
                    .handle((ok, failed) -> ok).get(10, TimeUnit.SECONDS);
            assertEquals(null, direct, "port 9 on loopback refuses: nothing answered from the socket");
            loop.closeIdleHttpConnections();
            server.close();
            assertFalse(Files.exists(path));
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void httpsOnAUnixSocket() throws Exception {
        TestCerts certs = TestCerts.get();
        Path path = dir.resolve("https.sock");
        try (EventLoop loop = loops.start()) {
            HttpServer server = loop.httpServer(path, UnixAndIpv6HttpTest::answer, null,
                    HttpServerOptions.defaults().tls(TlsOptions.server(certs.serverCert, certs.serverKey)));
            HttpClientOptions o = HttpClientOptions.defaults().unixSocket(path).tls(TlsOptions.client().trust(certs.ca));
            HttpResponse res = loop.http(new HttpRequestSpec("https://localhost/secure", o)).get(10, TimeUnit.SECONDS);
            assertEquals("GET /secure host=localhost", res.bodyText());
            // The certificate is checked against the URI's host, socket or not.
            Throwable wrongName = loop.http(new HttpRequestSpec("https://not-the-name.test/", o))
                    .handle((ok, failed) -> failed).get(10, TimeUnit.SECONDS);
            assertTrue(wrongName != null && wrongName.toString().contains("TlsError"), String.valueOf(wrongName));
            loop.closeIdleHttpConnections();
            server.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void nginxProxiesToAUnixSocket() throws Exception {
        Path path = dir.resolve("upstream.sock");
        try (EventLoop loop = loops.start()) {
            HttpServer server = loop.httpServer(path, UnixAndIpv6HttpTest::answer, null);
            try (Nginx nginx = Nginx.startUnix(path)) {
                for (int i = 0; i < 3; i++) {
                    Curl.Result r = Curl.run(nginx.base() + "/proxy/n" + i);
                    assertEquals("GET /n" + i + " host=evasync", r.out(), r.err());
                }
                Curl.Result post = Curl.run("--data-binary", "0123456789", nginx.base() + "/proxy/post");
                assertTrue(post.out().startsWith("POST /post"), post.out() + post.err());
                // nginx keeps its upstream connections alive: they are local ones, and HTTP ones.
                assertTrue(loop.stats().incomingLocalConnections() >= 1, loop.stats().toString());
                assertEquals(loop.stats().incomingLocalConnections(), loop.stats().incomingHttpConnections());
            }
            Await.until(() -> "nginx's connections closed: " + loop.stats(),
                    () -> loop.stats().incomingLocalConnections() == 0);
            server.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void httpOverIpv6() throws Exception {
        try (EventLoop loop = loops.start()) {
            HttpServer six = loop.httpServer("::1", 0, UnixAndIpv6HttpTest::answer, null);
            HttpResponse res = loop.http(HttpRequestSpec.get("http://[::1]:" + six.port() + "/v6")).get(10, TimeUnit.SECONDS);
            assertEquals("GET /v6 host=[::1]:" + six.port(), res.bodyText());
            Curl.Result c = Curl.run("-g", "http://[::1]:" + six.port() + "/curl");
            assertEquals("GET /curl host=[::1]:" + six.port(), c.out(), c.err());
            six.close();

            // A dual-stack server (null bind): curl over both families.
            HttpServer both = loop.httpServer(null, 0, UnixAndIpv6HttpTest::answer, null);
            Curl.Result v6 = Curl.run("-g", "http://[::1]:" + both.port() + "/a");
            assertEquals("GET /a host=[::1]:" + both.port(), v6.out(), v6.err());
            Curl.Result v4 = Curl.run("http://127.0.0.1:" + both.port() + "/b");
            assertEquals("GET /b host=127.0.0.1:" + both.port(), v4.out(), v4.err());
            loop.closeIdleHttpConnections();
            both.close();
            Idle.awaitIdle(loop);
        }
    }
}
