package io.github.evasync.http;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import io.github.evasync.tcp.TcpSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code req.upgrade(...)}: a 101, then the raw connection in the application's hands, with the
 * bytes sent right behind the request's head delivered first; a declined upgrade goes on as HTTP.
 */
@Timeout(30)
class UpgradeTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    private static String readUntil(InputStream in, String end) throws java.io.IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            if (b.toString(StandardCharsets.ISO_8859_1).endsWith(end)) {
                break;
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void upgradedConnectionsEchoAndDeclinedOnesStayHttp() throws Exception {
        List<String> refused = new CopyOnWriteArrayList<>();
        EventLoop loop = loops.start();
        HttpServer server = loop.httpServer("127.0.0.1", 0, req -> {
            if (req.resource().equals("/decline")) {
                req.respond(426, null, "no upgrade here");
                return;
            }
            io.github.evasync.tcp.ReadCallback echo = (s, d) -> {
                s.write("echo:" + new String(d, StandardCharsets.US_ASCII) + ";");
                if (new String(d, StandardCharsets.US_ASCII).contains("bye")) {
                    s.close();
                }
            };
            if (req.resource().equals("/later")) {
                // Answered from a timer: the bytes behind the head wait, unparsed, until then.
                loop.delay(java.time.Duration.ofMillis(100), () -> req.upgrade(Headers.of("Upgrade", "echo"), echo, null));
                return;
            }
            try {
                req.respond(101, null, "not like this");
            } catch (IllegalArgumentException e) {
                refused.add(e.getMessage());
            }
            TcpSocket raw = req.upgrade(Headers.of("Upgrade", "echo"), echo, null);
            assertEquals(null, raw.data());
        }, null);
        for (String path : List.of("/chat", "/later")) {
            chat(server.port(), path);
        }
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /decline HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n"
                    + "GET /decline HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertEquals(2, all.split("HTTP/1.1 426", -1).length - 1, all);
        }
        assertEquals(1, refused.size());
        assertTrue(refused.get(0).contains("upgrade()"), refused.toString());
        server.close();
        Idle.awaitIdle(loop);
        loop.close();
    }

    /**
     * An HTTP connection (read into byte arrays) handed to a zero-copy reader: the bytes behind
     * the head and everything after reach the view, in order.
     */
    @Test
    void anUpgradeMayHandTheSocketToAZeroCopyReader() throws Exception {
        EventLoop loop = loops.start();
        io.github.evasync.tcp.ReadCallback echo = io.github.evasync.tcp.ReadCallback.ofBuffer((s, view) -> {
            String d = StandardCharsets.US_ASCII.decode(view).toString();
            s.write("echo:" + d + ";");
            if (d.contains("bye")) {
                s.close();
            }
        });
        HttpServer server = loop.httpServer("127.0.0.1", 0, req -> req.upgrade(Headers.of("Upgrade", "echo"), echo, null), null);
        chat(server.port(), "/zero-copy");
        server.close();
        Idle.awaitIdle(loop);
        loop.close();
    }

    @Test
    void upgradesTheConnectionCannotHandOverWholeAreRefusedAndTheRequestStaysAnswerable() throws Exception {
        // No Upgrade field: the bytes after the head are parsed as the next request, so the new
        // owner would never see them (RFC 9110 forbids the 101 anyway). A streamed body still
        // arriving: its receiver would never hear the end, the rest would go to the new protocol.
        List<String> refused = new CopyOnWriteArrayList<>();
        List<String> bodyEvents = new CopyOnWriteArrayList<>();
        EventLoop loop = loops.start();
        HttpServer server = loop.httpServer("127.0.0.1", 0, req -> {
            if (req.resource().equals("/body")) {
                req.onBody(new io.github.evasync.http.BodyCallback() {
                    @Override
                    public void onBody(byte[] piece, boolean last) {
                        bodyEvents.add(new String(piece, StandardCharsets.US_ASCII) + (last ? "|last" : ""));
                    }
                });
            }
            try {
                req.upgrade(Headers.of("Upgrade", "echo"), (s, d) -> s.write(d), null);
                refused.add("upgraded " + req.resource());
            } catch (IllegalStateException e) {
                refused.add(req.resource() + ": " + e.getMessage());
                req.respond(409, null, "no");
            }
        }, null, HttpServerOptions.defaults().streamRequestBodies(true));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /plain HTTP/1.1\r\nHost: x\r\n\r\nearly").getBytes(StandardCharsets.US_ASCII));
            assertTrue(readUntil(s.getInputStream(), "\r\n\r\n").startsWith("HTTP/1.1 409 "));
        }
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("POST /body HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: Upgrade\r\n"
                    + "Content-Length: 10\r\n\r\nhello").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            assertTrue(readUntil(in, "\r\n\r\n").startsWith("HTTP/1.1 409 "));
            s.getOutputStream().write("world".getBytes(StandardCharsets.US_ASCII));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!String.join(",", bodyEvents).contains("|last") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(String.join("", bodyEvents).startsWith("helloworld|last"), bodyEvents.toString());
        }
        assertEquals(2, refused.size(), refused.toString());
        assertTrue(refused.get(0).startsWith("/plain: ") && refused.get(0).contains("no Upgrade field"), refused.toString());
        assertTrue(refused.get(1).startsWith("/body: ") && refused.get(1).contains("body is still arriving"), refused.toString());
        server.close();
        Idle.awaitIdle(loop);
        loop.close();
    }

    @Test
    void anUpgradedSocketItsOwnerPausedStaysPaused() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        EventLoop loop = loops.start();
        TcpSocket[] raw = new TcpSocket[1];
        HttpServer server = loop.httpServer("127.0.0.1", 0, req -> {
            raw[0] = req.upgrade(Headers.of("Upgrade", "echo"), (s, d) -> got.add(new String(d, StandardCharsets.US_ASCII)), null);
            raw[0].disable(true, false);
        }, null);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            assertTrue(readUntil(in, "\r\n\r\n").startsWith("HTTP/1.1 101 "));
            s.getOutputStream().write("more".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(500);
            assertEquals(List.of(), got, "read while its owner had paused it");
            loop.execute(() -> raw[0].enable(true, false));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (got.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(List.of("more"), got);
            loop.execute(() -> raw[0].close());
        }
        server.close();
        Idle.awaitIdle(loop);
        loop.close();
    }

    private static void chat(int port, String path) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n"
                    + "early").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String head = readUntil(in, "\r\n\r\n");
            assertTrue(head.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), head);
            assertTrue(head.contains("Upgrade: echo\r\n") && head.contains("Connection: Upgrade\r\n"), head);
            assertEquals("echo:early;", readUntil(in, ";"));
            s.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
            assertEquals("echo:bye;", readUntil(in, ";"));
            assertEquals(-1, in.read());
        }
    }
}
