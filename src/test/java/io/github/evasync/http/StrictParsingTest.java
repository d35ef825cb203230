package io.github.evasync.http;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Smuggling and conformance requests over a raw socket, each followed on the same connection by
 * a canary {@code GET /canary}. A request the server refuses must get exactly one answer (the
 * error) and a closed connection, so that the canary, which a front proxy would see as part of
 * the refused request or as another client's, is never answered. The requests the server takes
 * get their answer, then the canary's, then the connection closes after the short keep-alive
 * timeout. Every answer counts, a {@code 100 Continue} included: a client must never be told
 * to go on with a request that is then refused.
 */
@Timeout(120)
class StrictParsingTest {
    @RegisterExtension
    static final TestLoops loops = new TestLoops();

    static final String CANARY = "GET /canary HTTP/1.1\r\nHost: x\r\n\r\n";
    static final String CHUNKED = "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";

    static EventLoop loop;
    static HttpServer server;

    @BeforeAll
    static void start() {
        loop = loops.start();
        server = loop.httpServer("127.0.0.1", 0,
                req -> req.respond(200, Map.of("Content-Type", "text/plain"),
                        req.method() + " " + req.uri() + " " + req.body().length
                                // A target not in origin form: what the application sees of it.
                                + (req.uri().startsWith("/") ? "" : " resource=" + req.resource() + " query="
                                        + req.queryString() + " host=" + req.headers().all("Host"))),
                null, HttpServerOptions.defaults().maxBodyBytes(1024)
                        .headerTimeout(Duration.ofSeconds(1)).keepAliveTimeout(Duration.ofMillis(300)));
    }

    @AfterAll
    static void stop() {
        server.close();
        Idle.awaitIdle(loop);
        loop.close();
    }

    /** One request, and the statuses of every answer the connection gets, canary included. */
    record Case(String name, String request, List<Integer> statuses) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case refused(String name, String request, int status) {
        return new Case(name, request, List.of(status));
    }

    static Case taken(String name, String request) {
        return new Case(name, request, List.of(200, 200));
    }

    static List<Case> cases() {
        return List.of(
                // Host: exactly one in HTTP/1.1, at most one in HTTP/1.0, uri-host [":" port].
                refused("HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n", 400),
                refused("Host twice", "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400),
                refused("Host twice, one in lower case", "GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", 400),
                refused("Host twice in HTTP/1.0", "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\nConnection: keep-alive\r\n\r\n",
                        400),
                refused("Host with a space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
                refused("Host as a list", "GET / HTTP/1.1\r\nHost: a, b\r\n\r\n", 400),
                refused("Host with userinfo", "GET / HTTP/1.1\r\nHost: evil@a\r\n\r\n", 400),
                refused("Host with a path", "GET / HTTP/1.1\r\nHost: a/../b\r\n\r\n", 400),
                refused("Host with a bad port", "GET / HTTP/1.1\r\nHost: a:80a\r\n\r\n", 400),

                // Control characters in field values: only HTAB.
                refused("form feed before a Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \f3\r\n\r\nabc",
                        400),
                refused("unit separator after a Content-Length",
                        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\u001f\r\n\r\nabc", 400),
                refused("vertical tab before chunked",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \u000bchunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
                refused("vertical tab after chunked",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\u000b\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
                refused("SOH in a value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u0001b\r\n\r\n", 400),
                refused("DEL in a value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: \u007f\r\n\r\n", 400),
                refused("control character in a trailer", CHUNKED + "3\r\nabc\r\n0\r\nX-T: a\u0001\r\n\r\n", 400),

                // Bare CR, CR CR LF, and whitespace other than SP/HTAB in the framing.
                refused("CR CR LF after a header", "GET / HTTP/1.1\r\nHost: x\r\r\n\r\n", 400),
                refused("CR CR LF ending the head", "GET / HTTP/1.1\r\nHost: x\r\n\r\r\n", 400),
                refused("bare LF line ends", "GET / HTTP/1.1\nHost: x\n\n", 400),
                refused("vertical tab before a chunk size", CHUNKED + "\u000b3\r\nabc\r\n0\r\n\r\n", 400),
                refused("space before a chunk size", CHUNKED + " 3\r\nabc\r\n0\r\n\r\n", 400),
                refused("form feed after a chunk size", CHUNKED + "3\f\r\nabc\r\n0\r\n\r\n", 400),
                refused("bare CR in a chunk size line", CHUNKED + "3\rx\r\nabc\r\n0\r\n\r\n", 400),
                refused("CR CR LF after a chunk size", CHUNKED + "3\r\r\nabc\r\n0\r\n\r\n", 400),
                refused("CR CR LF after chunk data", CHUNKED + "3\r\nabc\r\r\n0\r\n\r\n", 400),
                refused("bare CR after chunk data", CHUNKED + "3\r\nabc\r0\r\n\r\n", 400),
                refused("bare CR in a trailer", CHUNKED + "0\r\nX-T: a\rb\r\n\r\n", 400),
                refused("CR CR LF ending the trailers", CHUNKED + "0\r\n\r\r\n", 400),
                refused("bare LF after a chunk size", CHUNKED + "3\nabc\r\n0\r\n\r\n", 400),
                refused("chunk data longer than its size", CHUNKED + "3\r\nabcd\r\n0\r\n\r\n", 400),

                // Transfer-Encoding and Content-Length.
                refused("Transfer-Encoding in HTTP/1.0, kept alive",
                        "POST / HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "3\r\nabc\r\n0\r\n\r\n", 400),
                refused("Transfer-Encoding in HTTP/1.0, with Content-Length",
                        "POST / HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\nContent-Length: 8\r\n\r\n"
                                + "0\r\n\r\n", 400),
                refused("gzip only", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 400),
                refused("chunked, then gzip", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"
                        + "0\r\n\r\n", 400),
                refused("chunked, then identity in a second field",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n"
                                + "0\r\n\r\n", 400),
                refused("chunked with a parameter", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked;x=1\r\n\r\n"
                        + "0\r\n\r\n", 400),
                refused("empty Transfer-Encoding", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n\r\n", 400),
                refused("gzip, then chunked (a coding not implemented)",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501),
                refused("Content-Length then Transfer-Encoding (CL.TE)",
                        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG", 400),
                refused("Transfer-Encoding then Content-Length (TE.CL)",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n"
                                + "0\r\n\r\n", 400),
                refused("Transfer-Encoding with a space before the colon",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\nContent-Length: 3\r\n\r\nabc", 400),
                refused("Transfer-Encoding folded",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n chunked\r\nContent-Length: 3\r\n\r\nabc", 400),
                refused("two Content-Lengths", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n"
                        + "abcd", 400),
                refused("Content-Length after a no-break space",
                        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \u00a03\r\n\r\nabc", 400),

                // 100 Continue only for a head that passed every check.
                refused("100-continue with a body over the limit",
                        "PUT / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2000\r\n\r\n", 413),
                refused("100-continue with an unknown coding",
                        "PUT / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nTransfer-Encoding: gzip\r\n\r\n", 400),
                refused("100-continue without Host",
                        "PUT / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc", 400),
                refused("100-continue with both framings",
                        "PUT / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n"
                                + "Transfer-Encoding: chunked\r\n\r\n", 400),

                // Request targets: origin form for all but CONNECT, absolute form for http(s) with a
                // host and no user information, * for OPTIONS only (CONNECT's authority form is
                // RequestParserMalformedTest's: h11, the oracle of this table, makes it a tunnel).
                refused("a relative target", "GET index.html HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                refused("a target of another scheme", "GET ftp://x/f HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                refused("a scheme without //", "GET http:x/f HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                refused("an absolute target without a host", "GET http:///f HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                refused("an absolute target with user information",
                        "GET http://evil@x/f HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                refused("an absolute target with a bad port", "GET http://x:8a/f HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                refused("an absolute target with a port and no host", "GET http://:80/f HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                refused("an authority target for GET", "GET x:80 HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                refused("* for GET", "GET * HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                refused("an absolute target without Host in HTTP/1.1",
                        "GET http://x/f HTTP/1.1\r\n\r\n", 400),
                taken("OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"),
                taken("an absolute target", "GET HTTP://example.com:8080/abs?q=1 HTTP/1.1\r\nHost: x\r\n\r\n"),

                // What the rules let through.
                taken("a plain GET", "GET /plain HTTP/1.1\r\nHost: example.com\r\n\r\n"),
                taken("an IP literal and a port for Host", "GET /h HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n"),
                taken("an empty Host", "GET /e HTTP/1.1\r\nHost:\r\n\r\n"),
                taken("HTTP/1.0 without Host, kept alive", "GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"),
                taken("HTAB and Latin-1 in values, OWS around a length",
                        "POST /v HTTP/1.1\r\nHost: x\r\nX-A: a\tb\u00e9\r\nContent-Length: \t3 \r\n\r\nabc"),
                taken("chunked with an extension after HTAB and a trailer",
                        CHUNKED + "3\t;e=\"x;y\"\r\nabc\r\n0\r\nX-T: \tok\t\r\n\r\n"),
                new Case("100-continue on a good request",
                        "PUT /f HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
                        List.of(100, 200, 200)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachRequestThenACanary(Case c) throws Exception {
        byte[] all = exchange(c.request() + CANARY);
        List<Answer> answers = answers(all);
        List<Integer> statuses = new ArrayList<>();
        for (Answer a : answers) {
            statuses.add(a.status());
        }
        String text = new String(all, StandardCharsets.ISO_8859_1);
        assertEquals(c.statuses(), statuses, "answers: " + text);
        Answer last = answers.get(answers.size() - 1);
        if (c.statuses().get(c.statuses().size() - 1) == 200) {
            assertEquals("GET /canary 0", last.body(), "the canary is answered last: " + text);
        } else {
            assertTrue(last.head().contains("\r\nConnection: close\r\n"), "the refusal says it closes: " + text);
            assertTrue(!text.contains("/canary"), "the canary is not answered: " + text);
        }
    }

    /**
     * RFC 9112 section 3.2.2: an absolute-form target's authority is the request's host, whatever
     * the Host field says; the application sees the path and query as from an origin-form one.
     */
    @org.junit.jupiter.api.Test
    void anAbsoluteTargetGivesItsPathAndHost() throws Exception {
        List<Answer> answers = answers(exchange("GET https://example.com:8443/a/b?q=1&r HTTP/1.1\r\nHost: other\r\n\r\n"
                + "GET http://example.com HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" + CANARY));
        assertEquals(3, answers.size(), answers.toString());
        assertEquals("GET https://example.com:8443/a/b?q=1&r 0 resource=/a/b query=q=1&r host=[example.com:8443]",
                answers.get(0).body());
        assertEquals("GET http://example.com 0 resource=/ query=null host=[example.com]", answers.get(1).body());
        assertEquals("GET /canary 0", answers.get(2).body());
    }

    /**
     * Sends {@code request} and reads until the server closes the connection: at once after a
     * refusal, else after the keep-alive timeout.
     */
    static byte[] exchange(String request) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                fail("the connection is still open 5 s on, after: " + got.toString(StandardCharsets.ISO_8859_1));
            } catch (java.net.SocketException reset) {
                // A reset after the answers: what was read is what counts.
            }
            return got.toByteArray();
        }
    }

    record Answer(int status, String head, String body) {
    }

    /** The answers in {@code all}: each a head, then a Content-Length body unless it is a 1xx. */
    static List<Answer> answers(byte[] all) {
        String text = new String(all, StandardCharsets.ISO_8859_1);
        List<Answer> out = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            int end = text.indexOf("\r\n\r\n", at);
            assertTrue(text.startsWith("HTTP/1.1 ", at) && end > 0, "an answer at " + at + ": " + text);
            String head = text.substring(at, end + 2);
            int status = Integer.parseInt(head.substring(9, 12));
            at = end + 4;
            String body = "";
            if (status >= 200) {
                int cl = head.indexOf("\r\nContent-Length: ");
                assertTrue(cl > 0, "a Content-Length: " + head);
                int len = Integer.parseInt(head.substring(cl + 18, head.indexOf("\r\n", cl + 2)).trim());
                body = text.substring(at, Math.min(text.length(), at + len));
                assertEquals(len, body.length(), "a whole body: " + text);
                at += len;
            }
            out.add(new Answer(status, head, body));
        }
        return out;
    }
}
