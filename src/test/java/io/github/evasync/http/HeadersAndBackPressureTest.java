package io.github.evasync.http;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Repeated header fields in answers ({@link Headers#of}, {@link Headers#builder()}), the
 * {@code null} headers of the README still meaning "none", and streamed answers that respect
 * back-pressure: {@code chunk} returns false above the high watermark and {@code onDrain} says
 * when to go on.
 */
@Timeout(60)
class HeadersAndBackPressureTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    private static String readHead(InputStream in) throws java.io.IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            if (b.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                break;
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void headersKeepOrderRepeatsAndActAsAMapOfFirstValues() {
        Headers h = Headers.builder().add("Set-Cookie", "a=1").add("X-One", "1").add("set-cookie", "b=2").build();
        assertEquals(List.of("a=1", "b=2"), h.all("SET-COOKIE"));
        assertEquals("a=1", h.get("set-cookie"));
        assertEquals(2, h.size(), "the map view counts names");
        assertEquals(3, h.fieldCount());
        assertEquals(List.of(Map.entry("Set-Cookie", "a=1"), Map.entry("X-One", "1"), Map.entry("set-cookie", "b=2")),
                h.fields());
        Map<String, String> asMap = h;
        assertEquals(Map.of("Set-Cookie", "a=1", "X-One", "1"), new LinkedHashMap<>(asMap));
        assertThrows(UnsupportedOperationException.class, () -> asMap.put("x", "y"));
        assertThrows(IllegalArgumentException.class, () -> Headers.of("lonely"));
        assertThrows(NullPointerException.class, () -> Headers.of("a", null));
        Headers.Builder b = Headers.builder().add("a", "1");
        Headers first = b.build();
        b.add("a", "2");
        assertEquals(List.of("1"), first.all("a"), "a built Headers never changes");
        assertEquals(List.of("1", "2"), b.build().all("a"));
    }

    @Test
    void repeatedFieldsGoOutInOrderAndNullStillMeansNone() throws Exception {
        EventLoop loop = loops.start();
        HttpServer server = loop.httpServer("127.0.0.1", 0, req -> {
            switch (req.resource()) {
                case "/cookies" -> req.respond(200, Headers.of("Set-Cookie", "a=1", "X-Mid", "m", "Set-Cookie", "b=2"),
                        "two cookies");
                case "/stream" -> {
                    req.startChunked(200, Headers.of("Set-Cookie", "s=1", "Set-Cookie", "s=2"));
                    req.chunk("streamed".getBytes(StandardCharsets.US_ASCII));
                    req.end();
                }
                default -> req.respond(200, null, "plain"); // the README's form still compiles and works
            }
        }, null);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /cookies HTTP/1.1\r\nHost: x\r\n\r\nGET /stream HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int a = all.indexOf("Set-Cookie: a=1\r\n");
            int m = all.indexOf("X-Mid: m\r\n");
            int b = all.indexOf("Set-Cookie: b=2\r\n");
            assertTrue(a >= 0 && a < m && m < b, all);
            assertTrue(all.indexOf("Set-Cookie: s=1\r\n") < all.indexOf("Set-Cookie: s=2\r\n"), all);
            assertTrue(all.contains("streamed") && all.endsWith("plain"), all);
        }
        server.close();
        Idle.awaitIdle(loop);
        loop.close();
    }

    /**
     * A 64 MiB streamed answer, produced only while {@code chunk} says yes: the first "no" comes
     * after about the high watermark plus what the kernel holds, not after everything; every
     * byte arrives.
     */
    @Test
    void chunkSaysStopAboveTheHighWatermarkAndOnDrainSaysGoOn() throws Exception {
        int piece = 64 * 1024;
        int pieces = 1024;
        AtomicInteger beforeFirstNo = new AtomicInteger(-1);
        AtomicInteger drains = new AtomicInteger();
        AtomicLong sent = new AtomicLong();
        EventLoop loop = loops.start();
        HttpServer server = loop.httpServer("127.0.0.1", 0, req -> {
            byte[] data = new byte[piece];
            int[] n = {0};
            Runnable produce = new Runnable() {
                @Override
                public void run() {
                    while (n[0] < pieces) {
                        n[0]++;
                        sent.addAndGet(piece);
                        if (!req.chunk(data)) {
                            beforeFirstNo.compareAndSet(-1, n[0]);
                            return; // onDrain calls again
                        }
                    }
                    req.end();
                }
            };
            req.onDrain(() -> {
                drains.incrementAndGet();
                produce.run();
            });
            req.startChunked(200, (Headers) null);
            produce.run();
        }, null, HttpServerOptions.defaults().outputHighWatermark(1024 * 1024));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            Thread.sleep(300); // the server fills what the kernel and the watermark allow
            int early = beforeFirstNo.get();
            assertTrue(early > 0 && early < 200, "chunk said no after " + early + " pieces of 64 KiB");
            long body = 0;
            byte[] buf = new byte[256 * 1024];
            for (int r; (r = in.read(buf)) >= 0; ) {
                body += r;
            }
            // Chunk framing adds a few bytes per piece: the payload is all there.
            assertTrue(body >= (long) piece * pieces, "got " + body);
            assertTrue(drains.get() > 0, "onDrain ran");
        }
        assertEquals((long) piece * pieces, sent.get());
        server.close();
        Idle.awaitIdle(loop);
        loop.close();
    }
}
