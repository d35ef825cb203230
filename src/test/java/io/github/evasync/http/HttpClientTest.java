package io.github.evasync.http;

import io.github.evasync.DnsError;
import io.github.evasync.EventLoop;
import io.github.evasync.HttpError;
import io.github.evasync.HttpRefused;
import io.github.evasync.HttpTimeout;
import io.github.evasync.Idle;
import io.github.evasync.LoopOptions;
import io.github.evasync.TestLoops;
import io.github.evasync.tcp.TcpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client against our server, raw servers that misbehave, and refused/timed-out peers. */
@Timeout(60)
class HttpClientTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @Test
    void getPostHeadAndKeepAliveReuse() {
        List<String> got = new ArrayList<>();
        AtomicInteger connections = new AtomicInteger();
        EventLoop.run(loop -> {
            HttpServer server = loop.httpServer("127.0.0.1", 0, req -> req.respond(200, Map.of("X-Method", req.method()),
                    req.method() + " " + req.uri() + " " + new String(req.body(), StandardCharsets.UTF_8)), null);
            String base = "http://127.0.0.1:" + server.port();
            loop.httpClient(base + "/a?b=c", (status, headers, body) -> {
                got.add(status + " " + new String(body, StandardCharsets.UTF_8));
                connections.set(loop.stats().outgoingHttpConnections());
                loop.httpClient(base + "/post", (s2, h2, b2) -> {
                    got.add(s2 + " " + h2.get("x-method") + " " + new String(b2, StandardCharsets.UTF_8));
                    loop.httpClient(base + "/head", (s3, h3, b3) -> {
                        got.add(s3 + " HEAD len=" + b3.length + " cl=" + h3.get("Content-Length"));
                        assertEquals(1, loop.stats().outgoingHttpConnections(), "one connection, reused");
                        loop.closeIdleHttpConnections();
                        server.close();
                    }, null, HttpClientOptions.defaults().method("HEAD"));
                }, null, HttpClientOptions.defaults().method("POST").body("payload").header("X-Extra", "1"));
            }, null);
            Idle.atExit(loop);
        });
        assertEquals(List.of("200 GET /a?b=c ", "200 POST POST /post payload", "200 HEAD len=0 cl=11"), got);
        assertEquals(1, connections.get());
    }

    @Test
    void chunkedAndCloseDelimitedBodies() {
        List<String> got = new ArrayList<>();
        EventLoop.run(loop -> {
            HttpServer chunked = loop.httpServer("127.0.0.1", 0, req -> {
                req.startChunked(200, null);
                req.chunk("ab".getBytes(StandardCharsets.UTF_8));
                req.chunk("cd".getBytes(StandardCharsets.UTF_8));
                req.end();
            }, null);
            TcpServer raw = loop.tcpServer("127.0.0.1", 0, (s, d) ->
                    s.write("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close", w -> w.close()), null);
            loop.httpClient("http://127.0.0.1:" + chunked.port() + "/", (st, h, b) -> {
                got.add("chunked " + new String(b, StandardCharsets.UTF_8));
                loop.httpClient("http://localhost:" + raw.port() + "/", (st2, h2, b2) -> {
                    got.add("close " + new String(b2, StandardCharsets.UTF_8));
                    loop.closeIdleHttpConnections();
                    chunked.close();
                    raw.close();
                }, null);
            }, null);
            Idle.atExit(loop);
        });
        assertEquals(List.of("chunked abcd", "close until close"), got);
    }

    @Test
    void refusedTimeoutMalformedAndDnsFailures() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        List<Exception> events = new ArrayList<>();
        // A resolver that never answers, so the DNS failure does not depend on this machine's network.
        LoopOptions deafDns = LoopOptions.defaults().nameservers(List.of("127.0.0.1:" + closedPort))
                .dnsTimeout(Duration.ofMillis(200));
        EventLoop.run(deafDns, loop -> {
            TcpServer silent = loop.tcpServer("127.0.0.1", 0, null, null);
            TcpServer garbage = loop.tcpServer("127.0.0.1", 0, (s, d) -> s.write("NOT HTTP AT ALL\r\n\r\n"), null);
            loop.httpClient("http://127.0.0.1:" + closedPort + "/", (a, b, c) -> events.add(null), events::add);
            loop.httpClient("http://127.0.0.1:" + silent.port() + "/", (a, b, c) -> events.add(null), e -> {
                events.add(e);
                silent.close();
            }, HttpClientOptions.defaults().timeout(Duration.ofMillis(200)));
            loop.httpClient("http://127.0.0.1:" + garbage.port() + "/", (a, b, c) -> events.add(null), e -> {
                events.add(e);
                garbage.close();
            });
            loop.httpClient("http://does-not-exist.invalid/", (a, b, c) -> events.add(null), events::add,
                    HttpClientOptions.defaults().timeout(Duration.ofSeconds(20)));
            Idle.atExit(loop);
        });
        assertEquals(4, events.size(), events.toString());
        assertTrue(events.stream().anyMatch(e -> e instanceof HttpRefused r && r.errcode() > 0), events.toString());
        assertTrue(events.stream().anyMatch(e -> e instanceof HttpTimeout), events.toString());
        assertTrue(events.stream().anyMatch(e -> e instanceof HttpError && !(e instanceof HttpRefused)
                && !(e instanceof HttpTimeout) && e.getMessage().contains("malformed")), events.toString());
        assertTrue(events.stream().anyMatch(e -> e instanceof DnsError), events.toString());
    }

    @Test
    void futureFormFromAnotherThread() throws Exception {
        try (EventLoop loop = loops.start()) {
            HttpServer server = loop.httpServer("127.0.0.1", 0, req -> req.respond(201, null, "made"), null);
            HttpResponse r = loop.http(HttpRequestSpec.get("http://127.0.0.1:" + server.port() + "/x"))
                    .get(10, TimeUnit.SECONDS);
            assertEquals(201, r.status());
            assertEquals("made", r.bodyText());
            byte[] big = new byte[300_000];
            HttpResponse echoed = loop.http(new HttpRequestSpec("http://127.0.0.1:" + server.port() + "/y",
                    HttpClientOptions.defaults().method("PUT").body(big))).get(10, TimeUnit.SECONDS);
            assertEquals(201, echoed.status());
            var bad = assertThrows(ExecutionException.class,
                    () -> loop.http(HttpRequestSpec.get("ftp://x/")).get(10, TimeUnit.SECONDS)).getCause();
            assertInstanceOf(IllegalArgumentException.class, bad);
            assertTrue(bad.getMessage().contains("http://"));
            server.close();
            loop.closeIdleHttpConnections();
            Idle.awaitIdle(loop);
            assertInstanceOf(ExecutionException.class, assertThrows(ExecutionException.class,
                    () -> loop.http(HttpRequestSpec.get("http://127.0.0.1:1/")).get(10, TimeUnit.SECONDS)));
        }
    }

    @Test
    void redirectsAreReportedNotFollowed() {
        List<String> got = new ArrayList<>();
        EventLoop.run(loop -> {
            HttpServer server = loop.httpServer("127.0.0.1", 0,
                    req -> req.respond(302, Map.of("Location", "/elsewhere"), "moved"), null);
            loop.httpClient("http://127.0.0.1:" + server.port() + "/here", (status, headers, body) -> {
                got.add(status + " " + headers.get("location"));
                loop.closeIdleHttpConnections();
                server.close();
            }, null);
            Idle.atExit(loop);
        });
        assertEquals(List.of("302 /elsewhere"), got);
    }
}
