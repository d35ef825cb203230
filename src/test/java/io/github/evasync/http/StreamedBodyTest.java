package io.github.evasync.http;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Streamed request bodies ({@code streamRequestBodies}): the handler runs at the end of the
 * head, the body comes in pieces to {@code onBody} with no body limit, {@code pause} and
 * {@code resume} push back on the client, and {@code body()} says to use {@code onBody}.
 */
@Timeout(60)
class StreamedBodyTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    private static String exchange(int port, byte[] request, byte[] body, int chunked) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(request);
            if (body != null) {
                if (chunked > 0) {
                    for (int i = 0; i < body.length; i += chunked) {
                        int n = Math.min(chunked, body.length - i);
                        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(body, i, n);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } else {
                    out.write(body);
                }
            }
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void bodiesFarOverMaxBodyBytesStreamThroughInPieces() throws Exception {
        byte[] body = new byte[48 * 1024 * 1024];
        new java.util.Random(7).nextBytes(body);
        String expected = sha(body);
        EventLoop loop = loops.start();
        HttpServer server = loop.httpServer("127.0.0.1", 0, req -> {
            MessageDigest md;
            try {
                md = MessageDigest.getInstance("SHA-256");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            long[] n = {0};
            int[] pieces = {0};
            req.onBody((piece, last) -> {
                md.update(piece);
                n[0] += piece.length;
                pieces[0]++;
                if (last) {
                    req.respond(200, null, n[0] + " " + HexFormat.of().formatHex(md.digest()) + " " + (pieces[0] > 1));
                }
            });
        }, null, HttpServerOptions.defaults().streamRequestBodies(true));
        String sized = exchange(server.port(), ("PUT /up HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: "
                + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII), body, 0);
        assertTrue(sized.startsWith("HTTP/1.1 200") && sized.endsWith(body.length + " " + expected + " true"), sized);
        String chunked = exchange(server.port(), ("PUT /up HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII), body, 100_000);
        assertTrue(chunked.endsWith(body.length + " " + expected + " true"), chunked);
        String none = exchange(server.port(), "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII), null, 0);
        assertTrue(none.endsWith("0 " + sha(new byte[0]) + " false"), none);
        server.close();
        Idle.awaitIdle(loop);
        loop.close();
    }

    @Test
    void pauseStopsThePiecesAndResumeBringsTheRest() throws Exception {
        byte[] body = new byte[8 * 1024 * 1024];
        List<String> events = new CopyOnWriteArrayList<>();
        AtomicBoolean paused = new AtomicBoolean();
        AtomicLong total = new AtomicLong();
        EventLoop loop = loops.start();
        HttpServer server = loop.httpServer("127.0.0.1", 0, req -> req.onBody((piece, last) -> {
            if (paused.get()) {
                events.add("piece while paused");
            }
            total.addAndGet(piece.length);
            if (!last && events.isEmpty()) {
                events.add("pause");
                req.pause();
                paused.set(true);
                loop.delay(Duration.ofMillis(500), () -> {
                    events.add("resume");
                    paused.set(false);
                    req.resume();
                });
            }
            if (last) {
                req.respond(200, null, String.valueOf(total.get()));
            }
        }), null, HttpServerOptions.defaults().streamRequestBodies(true).bodyTimeout(Duration.ofMillis(200)));
        String r = exchange(server.port(), ("POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: "
                + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII), body, 0);
        // A pause of 500 ms outlasts the 200 ms body timeout: the server, not the client, stopped.
        assertTrue(r.startsWith("HTTP/1.1 200") && r.endsWith(String.valueOf(body.length)), r);
        assertEquals(List.of("pause", "resume"), events);
        server.close();
        Idle.awaitIdle(loop);
        loop.close();
    }

    /** A pause and a resume in one callback cancel out (they used to leave reading off for good). */
    @Test
    void pauseAndResumeInOneCallbackCancelOut() throws Exception {
        byte[] body = new byte[4 * 1024 * 1024];
        EventLoop loop = loops.start();
        HttpServer server = loop.httpServer("127.0.0.1", 0, req -> {
            long[] n = {0};
            req.onBody((piece, last) -> {
                req.pause();
                n[0] += piece.length;
                req.resume(); // decided at once: go on
                if (last) {
                    req.respond(200, null, String.valueOf(n[0]));
                }
            });
        }, null, HttpServerOptions.defaults().streamRequestBodies(true));
        String r = exchange(server.port(), ("POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: "
                + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII), body, 0);
        assertTrue(r.endsWith(String.valueOf(body.length)), r);
        server.close();
        Idle.awaitIdle(loop);
        loop.close();
    }

    /**
     * Paused, then answered early (a 413 without resume): the answer ends the pause, the rest of
     * the body is read, and the next request on the connection is served.
     */
    @Test
    void anEarlyAnswerEndsThePauseAndTheConnectionGoesOn() throws Exception {
        byte[] body = new byte[2 * 1024 * 1024];
        EventLoop loop = loops.start();
        HttpServer server = loop.httpServer("127.0.0.1", 0, req -> {
            if (req.resource().equals("/next")) {
                req.onBody((piece, last) -> {
                    if (last) {
                        req.respond(200, null, "next");
                    }
                });
                return;
            }
            req.onBody((piece, last) -> { });
            req.pause();
            req.respond(413, null, "too big for us");
        }, null, HttpServerOptions.defaults().streamRequestBodies(true));
        byte[] head = ("PUT /up HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] next = "GET /next HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(20_000);
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    out.write(head);
                    out.write(body);
                    out.write(next);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            writer.start();
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            writer.join();
            assertTrue(all.startsWith("HTTP/1.1 413") && all.contains("HTTP/1.1 200") && all.endsWith("next"), all);
        }
        server.close();
        Idle.awaitIdle(loop);
        loop.close();
    }

    @Test
    void piecesBeforeOnBodyWaitAndBodySaysToUseOnBody() throws Exception {
        byte[] body = "early pieces wait for onBody".getBytes(StandardCharsets.US_ASCII);
        List<String> errors = new CopyOnWriteArrayList<>();
        EventLoop loop = loops.start();
        HttpServer server = loop.httpServer("127.0.0.1", 0, req -> {
            try {
                req.body();
            } catch (IllegalStateException e) {
                errors.add(e.getMessage());
            }
            StringBuilder got = new StringBuilder();
            loop.delay(Duration.ofMillis(300), () -> req.onBody((piece, last) -> {
                got.append(new String(piece, StandardCharsets.US_ASCII));
                if (last) {
                    req.respond(200, null, got.toString());
                }
            }));
        }, null, HttpServerOptions.defaults().streamRequestBodies(true));
        String r = exchange(server.port(), ("POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: "
                + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII), body, 0);
        assertTrue(r.endsWith("early pieces wait for onBody"), r);
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).contains("onBody"), errors.toString());
        HttpServer plain = loop.httpServer("127.0.0.1", 0, req -> {
            try {
                req.onBody((p, l) -> { });
            } catch (IllegalStateException e) {
                errors.add(e.getMessage());
            }
            req.respond(200, null, "plain");
        }, null);
        exchange(plain.port(), "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                null, 0);
        assertEquals(2, errors.size());
        server.close();
        plain.close();
        Idle.awaitIdle(loop);
        loop.close();
    }
}
