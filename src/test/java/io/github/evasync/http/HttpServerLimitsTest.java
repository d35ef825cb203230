package io.github.evasync.http;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a hostile client cannot do to the server: hold a connection by stopping half-way through
 * a body, make it buffer unbounded answers by pipelining without reading, or park an answer for
 * ever by never reading it (API.md, "HTTP at the edge": bodyTimeout, outputHighWatermark,
 * writeTimeout).
 */
@Timeout(60)
class HttpServerLimitsTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            String s = b.toString(StandardCharsets.ISO_8859_1);
            if (s.endsWith("\r\n\r\n")) {
                return s;
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        return -1;
    }

    @Test
    void aBodyThatStopsArrivingGets408AndTheConnectionCloses() throws Exception {
        EventLoop loop = loops.start();
        HttpServer server = loop.httpServer("127.0.0.1", 0, req -> req.respond(200, null, "got it"), null,
                HttpServerOptions.defaults().headerTimeout(Duration.ofSeconds(20)).bodyTimeout(Duration.ofMillis(300)));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"
                    .getBytes(StandardCharsets.US_ASCII));
            long t0 = System.nanoTime();
            InputStream in = s.getInputStream();
            String h = head(in);
            assertTrue(h.startsWith("HTTP/1.1 408 "), h);
            in.readNBytes(contentLength(h));
            assertEquals(-1, in.read(), "closed after the 408");
            assertTrue(System.nanoTime() - t0 >= 250_000_000L, "not before the body timeout");
        }
        server.close();
        Idle.awaitIdle(loop);
        loop.close();
    }

    @Test
    void theBodyTimeoutStartsAgainWithEachArrival() throws Exception {
        EventLoop loop = loops.start();
        HttpServer server = loop.httpServer("127.0.0.1", 0,
                req -> req.respond(200, null, new String(req.body(), StandardCharsets.US_ASCII)), null,
                HttpServerOptions.defaults().bodyTimeout(Duration.ofMillis(400)));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 8; i++) { // 8 x 150 ms: longer than the timeout, no gap as long
                Thread.sleep(150);
                out.write('a' + i);
            }
            InputStream in = s.getInputStream();
            String h = head(in);
            assertTrue(h.startsWith("HTTP/1.1 200 "), h);
            assertEquals("abcdefgh", new String(in.readNBytes(contentLength(h)), StandardCharsets.US_ASCII));
        }
        server.close();
        Idle.awaitIdle(loop);
        loop.close();
    }

    /**
     * 2,000 pipelined GETs for 64 KiB each (125 MiB of answers), not read at first: the server
     * stops parsing once 1 MiB waits unsent, so it has taken only a few requests when we look;
     * reading then brings every answer, in order.
     */
    @Test
    void pipeliningWithoutReadingIsBoundedAndEverythingArrivesOnceRead() throws Exception {
        int requests = 2_000;
        byte[] answer = new byte[64 * 1024];
        AtomicInteger handled = new AtomicInteger();
        EventLoop loop = loops.start();
        HttpServer server = loop.httpServer("127.0.0.1", 0, req -> {
            handled.incrementAndGet();
            req.respond(200, null, answer);
        }, null, HttpServerOptions.defaults().maxPipelined(64));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(20_000);
            byte[] get = "GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    for (int i = 0; i < requests; i++) {
                        out.write(get);
                    }
                    out.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            writer.start();
            writer.join(); // 60 KB of requests fit in the kernel's buffers
            Thread.sleep(500);
            int early = handled.get();
            // Kernel buffers on both ends hold some answers too; well short of all 2,000.
            assertTrue(early < 200, "the server took " + early + " requests while nothing was read");
            InputStream in = s.getInputStream();
            for (int i = 0; i < requests; i++) {
                String h = head(in);
                assertTrue(h.startsWith("HTTP/1.1 200 "), i + ": " + h);
                assertEquals(answer.length, in.readNBytes(contentLength(h)).length);
            }
            assertEquals(requests, handled.get());
        }
        server.close();
        Idle.awaitIdle(loop);
        loop.close();
    }

    /**
     * A client that pipelines and never reads gets little work out of the server: on loopback
     * Linux grows a socket's send buffer to megabytes, and before the server capped what waits
     * unsent in the kernel it answered a thousand of these 4 KiB requests before its own 64 KiB
     * bound saw any output waiting.
     */
    @Test
    void aClientThatNeverReadsGetsLittleWorkDone() throws Exception {
        byte[] answer = new byte[4096];
        AtomicInteger handled = new AtomicInteger();
        EventLoop loop = loops.start();
        HttpServer server = loop.httpServer("127.0.0.1", 0, req -> {
            handled.incrementAndGet();
            req.respond(200, null, answer);
        }, null, HttpServerOptions.defaults().outputHighWatermark(64 * 1024).maxPipelined(10_000));
        Socket s = new Socket();
        s.setReceiveBufferSize(16 * 1024);
        s.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
        byte[] get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".repeat(4_000).getBytes(StandardCharsets.US_ASCII);
        Thread writer = new Thread(() -> {
            try {
                s.getOutputStream().write(get);
            } catch (IOException e) {
                // The socket closes under a writer that the server no longer reads from.
            }
        });
        writer.setDaemon(true);
        writer.start();
        int seen = -1;
        for (int i = 0; i < 50 && handled.get() != seen; i++) { // until the server stops taking
            seen = handled.get();
            Thread.sleep(100);
        }
        int taken = handled.get();
        // 64 KiB in our buffer, as much unsent in the kernel, the client's small window: ~50.
        assertTrue(taken > 0 && taken < 120, "the server answered " + taken + " requests nobody read");
        s.close();
        writer.join(10_000);
        server.close();
        Idle.awaitIdle(loop);
        loop.close();
    }

    @Test
    void anAnswerThatMakesNoProgressClosesTheConnection() throws Exception {
        EventLoop loop = loops.start();
        byte[] huge = new byte[32 * 1024 * 1024];
        java.util.concurrent.CountDownLatch answered = new java.util.concurrent.CountDownLatch(1);
        HttpServer server = loop.httpServer("127.0.0.1", 0, req -> {
            req.respond(200, null, huge);
            answered.countDown();
        }, null, HttpServerOptions.defaults().writeTimeout(Duration.ofMillis(300)));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setReceiveBufferSize(4096);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            // Counted from here on: before the answer the connection may not be counted yet.
            assertTrue(answered.await(10, java.util.concurrent.TimeUnit.SECONDS), "the request arrived");
            // Never read: the answer stops moving, and the server gives up on the connection.
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (loop.stats().incomingHttpConnections() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, loop.stats().incomingHttpConnections(), "the stalled connection was closed");
        }
        server.close();
        Idle.awaitIdle(loop);
        loop.close();
    }
}
