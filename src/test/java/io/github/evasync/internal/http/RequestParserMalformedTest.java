package io.github.evasync.internal.http;

import io.github.evasync.http.HttpServerOptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Malformed and over-limit requests: fed whole, in two at every split point, or one byte at a
 * time, each must be refused with the same status and reason, after the same requests (if any)
 * that came before it.
 */
@Timeout(60)
class RequestParserMalformedTest {
    /** Small limits, so that the over-limit inputs stay short. */
    private static final HttpServerOptions SMALL = HttpServerOptions.defaults().maxHeaderBytes(256).maxBodyBytes(16);

    record Case(String name, String input, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case refused(String name, String input, int status, String why) {
        return new Case(name, input, List.of("error " + status + " " + why));
    }

    private static Case refusedAfterHead(String name, String input, int status, String why) {
        return new Case(name, input, List.of("head continue=false", "error " + status + " " + why));
    }

    static List<Case> cases() {
        String ok = "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n";
        String okLog = "request GET /ok HTTP/1.1 Headers{Host=[x]} body= keepAlive=true continue=false";
        String longTarget = "/" + "a".repeat(300);
        return List.of(
                refused("bare LF ending the request line", "GET / HTTP/1.1\nHost: x\r\n\r\n",
                        400, "bare LF in the request head"),
                refused("bare LF ending the head", "GET / HTTP/1.1\r\nHost: x\r\n\n",
                        400, "bare LF in the request head"),
                refused("bare CR inside a header", "GET / HTTP/1.1\r\nHost: x\ry\r\n\r\n",
                        400, "bare CR in the request head"),
                refused("NUL in a header", "GET / HTTP/1.1\r\nHost: x\0y\r\n\r\n",
                        400, "NUL in the request head"),
                refused("obsolete line folding", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n",
                        400, "obsolete header line folding"),
                refused("header line without a colon", "GET / HTTP/1.1\r\nHost x\r\n\r\n",
                        400, "header line without a name"),
                refused("space before the colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n",
                        400, "bad header name"),
                refused("request line in two parts", "GET /\r\n\r\n",
                        400, "malformed request line"),
                refused("double space in the request line", "GET  / HTTP/1.1\r\n\r\n",
                        400, "malformed request line"),
                refused("method that is not a token", "G(T / HTTP/1.1\r\n\r\n",
                        400, "bad method"),
                refused("control byte in the target", "GET /a\u007fb HTTP/1.1\r\n\r\n",
                        400, "bad request target"),
                refused("garbage protocol", "GET / HTTX/1.1\r\n\r\n",
                        400, "bad protocol version"),
                refused("HTTP/2.0", "GET / HTTP/2.0\r\n\r\n",
                        505, "unsupported protocol version HTTP/2.0"),
                refused("unknown expectation", "GET / HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\n\r\n",
                        417, "unsupported expectation"),
                refused("Expect: 100-continue on HTTP/1.0",
                        "PUT /f HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nz",
                        417, "unsupported expectation"),
                refusedAfterHead("Content-Length and Transfer-Encoding",
                        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
                        400, "both Content-Length and Transfer-Encoding"),
                refusedAfterHead("gzip transfer coding", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
                        501, "unsupported transfer coding [gzip]"),
                refusedAfterHead("chunked twice", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
                        501, "unsupported transfer coding [chunked, chunked]"),
                refusedAfterHead("conflicting Content-Length values",
                        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
                        400, "conflicting Content-Length"),
                refusedAfterHead("negative Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
                        400, "bad Content-Length"),
                refusedAfterHead("Content-Length with a plus sign", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nhello",
                        400, "bad Content-Length"),
                refusedAfterHead("bad chunk size",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
                        400, "bad chunk size"),
                refusedAfterHead("empty chunk size line",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
                        400, "bad chunk size"),
                refusedAfterHead("chunk longer than its size",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n",
                        400, "chunk data longer than its size"),
                refusedAfterHead("bare LF after a chunk size",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n",
                        400, "bare LF in chunked body"),
                refusedAfterHead("NUL in a chunk extension",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;a\0\r\nhello\r\n0\r\n\r\n",
                        400, "NUL in chunked body framing"),
                refused("request line over the head limit", "GET " + longTarget + " HTTP/1.1\r\n\r\n",
                        414, "request head over 256 bytes"),
                refused("headers over the head limit", "GET / HTTP/1.1\r\nX-Big: " + "b".repeat(300) + "\r\n\r\n",
                        431, "request head over 256 bytes"),
                refusedAfterHead("Content-Length over the body limit",
                        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n" + "x".repeat(17),
                        413, "body of 17 bytes over 16"),
                refusedAfterHead("chunked body over the body limit",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n7\r\n0123456\r\n0\r\n\r\n",
                        413, "chunked body over 16 bytes"),
                refusedAfterHead("trailers over the head limit",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
                                + ("X-T: " + "t".repeat(100) + "\r\n").repeat(3) + "\r\n",
                        431, "trailers too large"),
                new Case("a good request, then a bad one", ok + "GET / HTTP/1.1\r\nHost: x\n\r\n",
                        List.of("head continue=false", okLog, "error 400 bare LF in the request head")),
                new Case("a good request, then a smuggled one",
                        ok + "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n",
                        List.of("head continue=false", okLog, "head continue=false",
                                "error 400 both Content-Length and Transfer-Encoding")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everySplitRefusesTheSameWay(Case c) {
        byte[] input = Cuts.bytes(c.input());
        assertEquals(c.expected(), RequestFeeder.run(SMALL, Cuts.whole(input)), "fed whole");
        for (Cuts.Feeding f : Cuts.every(input)) {
            assertEquals(c.expected(), RequestFeeder.run(SMALL, f), f.name());
        }
    }
}
