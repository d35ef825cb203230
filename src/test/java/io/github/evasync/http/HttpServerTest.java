package io.github.evasync.http;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server against real clients: curl, python3's http.client, and raw sockets. */
@Timeout(120)
class HttpServerTest {
    @RegisterExtension
    static final TestLoops loops = new TestLoops();

    static EventLoop loop;
    static HttpServer server;
    static String base;

    @BeforeAll
    static void start() {
        loop = loops.start();
        server = loop.httpServer("127.0.0.1", 0, HttpServerTest::handle, null,
                HttpServerOptions.defaults().maxBodyBytes(512 * 1024).headerTimeout(Duration.ofSeconds(2)));
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        // Connections curl left open close when it exits; the loop sees it a little later.
        Idle.awaitIdle(loop);
        loop.close();
    }

    static void handle(HttpRequest req) {
        switch (req.resource()) {
            case "/echo" -> req.respond(200, Map.of("Content-Type", "text/plain"),
                    req.method() + " " + req.resource() + " q=" + req.queryString() + " x=" + req.headers().get("x-test")
                            + " all=" + req.headers().all("X-Multi") + " v=" + req.version());
            case "/digest" -> req.respond(200, null, req.body().length + " " + sha(req.body()));
            case "/chunked" -> {
                req.startChunked(200, Map.of("Content-Type", "text/plain"));
                req.chunk("one,".getBytes(StandardCharsets.UTF_8));
                loop.delay(Duration.ofMillis(20), () -> {
                    req.chunk("two,".getBytes(StandardCharsets.UTF_8));
                    req.chunk("three".getBytes(StandardCharsets.UTF_8));
                    req.end();
                });
            }
            case "/later" -> loop.delay(Duration.ofMillis(100), () -> req.respond(200, null, "later " + req.queryString()));
            case "/inject" -> {
                try {
                    req.respond(200, Map.of("X-Bad", "a\r\nSet-Cookie: evil=1"), "no");
                } catch (IllegalArgumentException e) {
                    req.respond(500, null, "refused: " + e.getMessage());
                }
            }
            default -> req.respond(404, null, "no " + req.resource());
        }
    }

    static String sha(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void getWithQueryAndHeaders() throws Exception {
        Curl.Result r = Curl.run("-i", "-H", "X-Test: hello", "-H", "X-Multi: a", "-H", "X-Multi: b",
                base + "/echo?x=1&y=2");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("HTTP/1.1 200 OK\r\n"), r.out());
        assertTrue(r.out().contains("\r\nDate: "), r.out());
        assertTrue(r.out().endsWith("GET /echo q=x=1&y=2 x=hello all=[a, b] v=HTTP/1.1"), r.out());
    }

    @Test
    void post100KbAndChunkedUpload() throws Exception {
        byte[] data = new byte[100 * 1024];
        new Random(7).nextBytes(data);
        Path f = Files.createTempFile("evasync", ".bin");
        try {
            Files.write(f, data);
            String expected = data.length + " " + sha(data);
            Curl.Result r = Curl.run("--data-binary", "@" + f, base + "/digest");
            assertEquals(expected, r.out(), r.err());
            Curl.Result chunked = Curl.run("-H", "Transfer-Encoding: chunked", "--data-binary", "@" + f, base + "/digest");
            assertEquals(expected, chunked.out(), chunked.err());
            Curl.Result cont = Curl.run("-v", "-H", "Expect: 100-continue", "--data-binary", "@" + f, base + "/digest");
            assertEquals(expected, cont.out(), cont.err());
            assertTrue(cont.err().contains("HTTP/1.1 100 Continue"), cont.err());
        } finally {
            Files.delete(f);
        }
    }

    @Test
    void headGivesHeadersOnly() throws Exception {
        Curl.Result r = Curl.run("-I", base + "/echo");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("HTTP/1.1 200 OK"), r.out());
        assertTrue(r.out().contains("Content-Length: "), r.out());
        assertTrue(r.out().endsWith("\r\n\r\n"), "no body after the head: " + r.out());
    }

    @Test
    void twoRequestsReuseOneConnection() throws Exception {
        Curl.Result r = Curl.run("-v", base + "/echo?n=1", base + "/later?n=2");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("q=n=1") && r.out().contains("later n=2"), r.out());
        assertTrue(r.err().contains("Re-using existing connection"), r.err());
    }

    @Test
    void chunkedResponse() throws Exception {
        Curl.Result r = Curl.run("-i", base + "/chunked");
        assertTrue(r.out().contains("Transfer-Encoding: chunked"), r.out());
        assertTrue(r.out().endsWith("one,two,three"), r.out());
    }

    @Test
    void pipelinedPairFromPython() throws Exception {
        String script = String.join("\n",
                "import http.client, socket, sys",
                "s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=10)",
                "s.sendall(b'GET /later?first HTTP/1.1\\r\\nHost: x\\r\\n\\r\\nGET /echo?second HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n')",
                "class KeepOpen:",
                "    def __init__(self, f): self.f = f",
                "    def __getattr__(self, name): return getattr(self.f, name)",
                "    def close(self): pass",
                "f = KeepOpen(s.makefile('rb'))",
                "class One:",
                "    def makefile(self, *args, **kwargs):",
                "        return f",
                "for _ in range(2):",
                "    r = http.client.HTTPResponse(One())",
                "    r.begin()",
                "    print(r.status, r.read().decode())",
                "s.close()");
        Process p = new ProcessBuilder("python3", "-c", script, String.valueOf(server.port()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), out);
        String[] lines = out.split("\n");
        assertEquals("200 later first", lines[0], out);
        assertTrue(lines[1].startsWith("200 GET /echo q=second"), out);
    }

    static String raw(String request) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void badInputGets4xxAndTheServerGoesOn() throws Exception {
        String[][] cases = {
                {"garbage\r\n\r\n", "400"},
                {"GET / HTTP/9.9\r\n\r\n", "505"},
                {"GET / FTP/1.0\r\n\r\n", "400"},
                {"POST /digest HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", "400"},
                {"POST /digest HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", "400"},
                {"POST /digest HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "400"},
                {"POST /digest HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", "400"},
                {"GET /\0 HTTP/1.1\r\n\r\n", "400"},
                {"GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n", "400"},
                {"GET / HTTP/1.1\nHost: x\n\n", "400"},
                {"POST /digest HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", "400"},
                {"POST /digest HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "501"},
                {"GET /" + "a".repeat(9000) + " HTTP/1.1\r\n\r\n", "414"},
                {"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n", "431"},
                {"POST /digest HTTP/1.1\r\nHost: x\r\nContent-Length: 600000\r\n\r\n", "413"},
        };
        for (String[] c : cases) {
            String reply = raw(c[0]);
            assertTrue(reply.startsWith("HTTP/1.1 " + c[1] + " "), "for " + c[0].substring(0, Math.min(40, c[0].length()))
                    + ": " + reply);
            assertTrue(reply.contains("Connection: close"), reply);
            Curl.Result ok = Curl.run(base + "/echo");
            assertTrue(ok.out().startsWith("GET /echo"), "the server goes on: " + ok);
        }
    }

    @Test
    void headerInjectionByTheAppIsRefused() throws Exception {
        Curl.Result r = Curl.run("-i", base + "/inject");
        assertTrue(r.out().startsWith("HTTP/1.1 500"), r.out());
        assertTrue(!r.out().contains("Set-Cookie"), r.out());
        assertTrue(r.out().contains("holds CR, LF or NUL"), r.out());
    }

    @Test
    void http10ClosesUnlessKeepAlive() throws Exception {
        String reply = raw("GET /echo HTTP/1.0\r\n\r\n");
        assertTrue(reply.startsWith("HTTP/1.1 200 OK"), reply);
        assertTrue(reply.contains("Connection: close"), reply);
        assertTrue(reply.endsWith("v=HTTP/1.0"), reply);
    }

    @Test
    void slowHeadersAreCutOff() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /echo HTTP/1.1\r\nHost".getBytes(StandardCharsets.US_ASCII));
            long t0 = System.nanoTime();
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(reply.startsWith("HTTP/1.1 408"), reply);
            assertTrue(ms >= 1500, "cut off before the 2 s header timeout, after " + ms + " ms");
        }
    }

    @Test
    void idleKeepAliveConnectionsAreClosed() throws Exception {
        try (EventLoop own = loops.start()) {
            HttpServer quick = own.httpServer("127.0.0.1", 0, req -> req.respond(200, null, "ok"), null,
                    HttpServerOptions.defaults().keepAliveTimeout(Duration.ofMillis(300)));
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), quick.port())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                long t0 = System.nanoTime();
                String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(all.startsWith("HTTP/1.1 200 OK") && all.endsWith("ok"), all);
                assertTrue(ms >= 250, "closed before the 300 ms keep-alive timeout, after " + ms + " ms idle");
            }
            quick.close();
            Idle.awaitIdle(own);
        }
    }
}
