package io.github.evasync.http;

import io.github.evasync.EventLoop;
import io.github.evasync.Await;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import io.github.evasync.tls.TestCerts;
import io.github.evasync.tls.TlsOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** nginx in front of our server (as the seed advises for public traffic), and as an origin for our client. */
@Timeout(120)
class NginxTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    /**
     * Answers {@code /stream} in two chunks 30 ms apart, anything else with its method, URI and
     * body length; {@link HttpsServerTest} answers so too.
     */
    static void answer(EventLoop loop, HttpRequest req) {
        if (req.resource().equals("/stream")) {
            req.startChunked(200, Map.of("Content-Type", "text/plain"));
            req.chunk("alpha,".getBytes());
            loop.delay(Duration.ofMillis(30), () -> {
                req.chunk("beta".getBytes());
                req.end();
            });
        } else {
            req.respond(200, Map.of("Content-Type", "text/plain"),
                    req.method() + " " + req.uri() + " " + req.body().length);
        }
    }

    @Test
    void throughNginxAndFromNginx() throws Exception {
        try (EventLoop loop = loops.start()) {
            HttpServer server = loop.httpServer("127.0.0.1", 0, req -> answer(loop, req), null);
            try (Nginx nginx = Nginx.start(server.port())) {
                // curl -> nginx -> evasync
                Curl.Result get = Curl.run(nginx.base() + "/proxy/hello?x=1");
                assertEquals("GET /hello?x=1 0", get.out(), get.err());
                Curl.Result post = Curl.run("--data-binary", "0123456789", nginx.base() + "/proxy/post");
                assertEquals("POST /post 10", post.out(), post.err());

                // evasync's client -> nginx as origin: keep-alive reuse, a 1 MiB file, a chunked stream.
                byte[] file = new byte[1 << 20];
                new Random(3).nextBytes(file);
                Files.write(nginx.files.resolve("big.bin"), file);
                Files.writeString(nginx.files.resolve("small.txt"), "small file");
                HttpResponse small = loop.http(HttpRequestSpec.get(nginx.base() + "/files/small.txt")).get(10, TimeUnit.SECONDS);
                assertEquals("small file", small.bodyText());
                HttpResponse big = loop.http(HttpRequestSpec.get(nginx.base() + "/files/big.bin")).get(10, TimeUnit.SECONDS);
                assertEquals(200, big.status());
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                assertArrayEquals(sha.digest(file), MessageDigest.getInstance("SHA-256").digest(big.body()));
                assertEquals(1, loop.stats().outgoingHttpConnections(), "both requests used one kept-alive connection");
                HttpResponse stream = loop.http(HttpRequestSpec.get(nginx.base() + "/proxy/stream")).get(10, TimeUnit.SECONDS);
                assertEquals("alpha,beta", stream.bodyText());
                assertEquals("chunked", stream.headers().get("Transfer-Encoding"));
                HttpResponse missing = loop.http(HttpRequestSpec.get(nginx.base() + "/files/none")).get(10, TimeUnit.SECONDS);
                assertEquals(404, missing.status());
                loop.closeIdleHttpConnections();
            }
            // nginx's kept-alive upstream connections close as it exits.
            Await.until(() -> "nginx's connections closed: " + loop.stats(),
                    () -> loop.stats().incomingHttpConnections() == 0);
            server.close();
            Idle.awaitIdle(loop);
        }
    }

    /** nginx ends TLS in front of a plain evasync server: curl --cacert and evasync's own https:// client through it. */
    @Test
    void nginxAsATlsProxyInFrontOfEvasync() throws Exception {
        TestCerts certs = TestCerts.get();
        try (EventLoop loop = loops.start()) {
            HttpServer server = loop.httpServer("127.0.0.1", 0, req -> answer(loop, req), null);
            try (Nginx nginx = Nginx.startTls(server.port(), certs.serverCert, certs.serverKey)) {
                String ca = certs.ca.toString();
                Curl.Result get = Curl.run("--cacert", ca, nginx.base() + "/proxy/hello?x=1");
                assertEquals("GET /hello?x=1 0", get.out(), get.err());
                Curl.Result post = Curl.run("--cacert", ca, "--data-binary", "0123456789", nginx.base() + "/proxy/post");
                assertEquals("POST /post 10", post.out(), post.err());
                Curl.Result stream = Curl.run("--cacert", ca, nginx.base() + "/proxy/stream");
                assertEquals("alpha,beta", stream.out(), stream.err());
                Curl.Result untrusted = Curl.run(nginx.base() + "/proxy/hello");
                assertEquals(60, untrusted.exit(), "curl without the CA refuses nginx's certificate: " + untrusted.err());

                HttpClientOptions o = HttpClientOptions.defaults().tls(TlsOptions.client().trust(certs.ca));
                HttpResponse viaClient = loop.http(new HttpRequestSpec(nginx.base() + "/proxy/client", o)).get(10, TimeUnit.SECONDS);
                assertEquals("GET /client 0", viaClient.bodyText());
                loop.closeIdleHttpConnections();
            }
            Await.until(() -> "nginx's connections closed: " + loop.stats(),
                    () -> loop.stats().incomingHttpConnections() == 0);
            server.close();
            Idle.awaitIdle(loop);
        }
    }
}
