package io.github.evasync.http;

import io.github.evasync.EventLoop;
import io.github.evasync.HttpError;
import io.github.evasync.HttpTimeout;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.github.evasync.http.HttpClientSafetyTest.Peer;
import static io.github.evasync.http.HttpClientSafetyTest.Request;
import static io.github.evasync.http.HttpClientSafetyTest.failure;
import static io.github.evasync.http.HttpClientSafetyTest.get;
import static io.github.evasync.http.HttpClientSafetyTest.ok;
import static io.github.evasync.http.HttpClientSafetyTest.readRequest;
import static io.github.evasync.http.HttpClientSafetyTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client against servers that reset a kept-alive connection, switch protocols, or redirect
 * slowly for ever; each found by a review, each test failing on the code before its fix.
 */
@Timeout(120)
class HttpClientHostileServerTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    /** Connection 0 answers one request, then resets on the next (its idle timeout, say); later ones answer. */
    static Peer resettingPeer() throws Exception {
        return new Peer((index, s) -> {
            InputStream in = s.getInputStream();
            if (index == 0) {
                readRequest(in);
                send(s, ok("first"));
                readRequest(in);
                s.setSoLinger(true, 0);
                s.close(); // a reset, with the request unread
            } else {
                for (Request r; (r = readRequest(in)) != null; ) {
                    send(s, ok("again " + r.method()));
                }
            }
        });
    }

    @Test
    void aResetOnAReusedConnectionSendsAGetAgain() throws Exception {
        try (Peer peer = resettingPeer(); EventLoop loop = loops.start()) {
            assertEquals("first", get(loop, peer.uri("/1"), HttpClientOptions.defaults()).bodyText());
            Thread.sleep(200); // parked in the pool, then reused
            // It failed with "Connection reset by peer (104)"; the same over TLS was sent again.
            assertEquals("again GET", get(loop, peer.uri("/2"), HttpClientOptions.defaults()).bodyText());
            assertEquals(2, peer.accepted.get());
            loop.closeIdleHttpConnections();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void aResetOnAReusedConnectionFailsAPost() throws Exception {
        try (Peer peer = resettingPeer(); EventLoop loop = loops.start()) {
            assertEquals("first", get(loop, peer.uri("/1"), HttpClientOptions.defaults()).bodyText());
            Thread.sleep(200);
            Throwable e = failure(loop.http(new HttpRequestSpec(peer.uri("/2"),
                    HttpClientOptions.defaults().method("POST").body("x"))));
            assertTrue(assertInstanceOf(HttpError.class, e).errmsg().contains("not idempotent"), e::toString);
            assertEquals(1, peer.accepted.get());
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void idleConnectionsAreBoundedInAll() throws Exception {
        // Eight idle connections per host and no bound on hosts: a client that met many servers
        // kept a socket for each, unread (their closes unseen: CLOSE_WAIT), until it met them again.
        int hosts = 70; // above ClientPool.MAX_IDLE_TOTAL, 64
        List<Peer> peers = new java.util.ArrayList<>();
        try (EventLoop loop = loops.start()) {
            for (int i = 0; i < hosts; i++) {
                peers.add(new Peer((index, s) -> {
                    InputStream in = s.getInputStream();
                    while (readRequest(in) != null) {
                        send(s, ok("x"));
                    }
                }));
            }
            for (Peer p : peers) {
                assertEquals("x", get(loop, p.uri("/"), HttpClientOptions.defaults()).bodyText());
            }
            int open = loop.submit(() -> loop.stats().outgoingHttpConnections()).get(10, TimeUnit.SECONDS);
            assertEquals(64, open);
            // The oldest went: the first host gets a new connection, the last reuses its own.
            assertEquals("x", get(loop, peers.get(0).uri("/"), HttpClientOptions.defaults()).bodyText());
            assertEquals("x", get(loop, peers.get(hosts - 1).uri("/"), HttpClientOptions.defaults()).bodyText());
            assertEquals(2, peers.get(0).accepted.get());
            assertEquals(1, peers.get(hosts - 1).accepted.get());
            loop.closeIdleHttpConnections();
            Idle.awaitIdle(loop);
        } finally {
            for (Peer p : peers) {
                p.close();
            }
        }
    }

    @Test
    void anAnswerBeforeTheBodyWentOutEndsItsConnection() throws Exception {
        // The server answers a large POST at once and keeps the connection, reading on: the
        // next request, queued behind the rest of the body, reached it inside those bytes.
        try (Peer peer = new Peer((index, s) -> {
            InputStream in = s.getInputStream();
            if (index == 0) {
                readHead(in);
                send(s, ok("early"));
                byte[] all = in.readAllBytes(); // the rest of the body, and whatever follows it
                if (new String(all, java.nio.charset.StandardCharsets.ISO_8859_1).contains("GET /2 ")) {
                    send(s, ok("desync"));
                }
            } else {
                while (readRequest(in) != null) {
                    send(s, ok("fresh"));
                }
            }
        }); EventLoop loop = loops.start()) {
            byte[] body = new byte[16 << 20];
            assertEquals("early", get(loop, peer.uri("/1"), HttpClientOptions.defaults().method("POST").body(body))
                    .bodyText());
            assertEquals("fresh", get(loop, peer.uri("/2"), HttpClientOptions.defaults()).bodyText());
            assertEquals(2, peer.accepted.get());
            loop.closeIdleHttpConnections();
            Idle.awaitIdle(loop);
        }
    }

    /** Reads a request's head only, leaving its body unread. */
    static void readHead(InputStream in) throws java.io.IOException {
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.IOException("end of stream inside a request head");
            }
            last4 = (last4 << 8) | b;
        }
    }

    @Test
    void switchingProtocolsEndsTheCallAtOnce() throws Exception {
        try (Peer peer = new Peer((index, s) -> {
            readRequest(s.getInputStream());
            send(s, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u0081\u0002hi");
            Thread.sleep(5000);
        }); EventLoop loop = loops.start()) {
            long t0 = System.nanoTime();
            // It waited for an HTTP head in the new protocol's bytes until the timeout.
            HttpResponse r = get(loop, peer.uri("/ws"), HttpClientOptions.defaults().timeout(Duration.ofSeconds(8))
                    .header("Upgrade", "websocket").header("Connection", "Upgrade"));
            assertEquals(101, r.status());
            assertEquals(0, r.body().length);
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "took the timeout");
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void redirectsShareTheExchangesOneTimeout() throws Exception {
        try (Peer peer = new Peer((index, s) -> {
            InputStream in = s.getInputStream();
            while (readRequest(in) != null) {
                Thread.sleep(400);
                send(s, "HTTP/1.1 302 Found\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n");
            }
        }); EventLoop loop = loops.start()) {
            long t0 = System.nanoTime();
            // Each hop started a new timeout: ten hops of 400 ms took 4 s against a 1 s timeout.
            CompletableFuture<HttpResponse> f = loop.http(new HttpRequestSpec(peer.uri("/"),
                    HttpClientOptions.defaults().timeout(Duration.ofSeconds(1)).followRedirects(10)));
            assertInstanceOf(HttpTimeout.class, failure(f));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms < 2500, "the timeout came after " + ms + " ms");
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void aBodyTooLargeForTheHeapFailsTheCallNotTheLoop() throws Exception {
        // In a child JVM with a small heap: the OutOfMemoryError went to the loop's uncaught
        // handler at every read, and the call ended only at its timeout.
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElseThrow(), "-Xmx96m",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                HugeBodyChild.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("HttpError: the response body does not fit in the heap"), out);
        assertTrue(out.contains("uncaught 0"), out);
    }
}
