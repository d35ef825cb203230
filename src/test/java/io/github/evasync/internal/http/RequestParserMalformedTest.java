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
                refused("CONNECT to a path", "CONNECT / HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad request target"),
                refused("CONNECT without a port", "CONNECT x HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad request target"),
                refused("CONNECT with an empty port", "CONNECT x: HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad request target"),
                refused("CONNECT to an IPv6 literal without a port", "CONNECT [::1] HTTP/1.1\r\nHost: x\r\n\r\n",
                        400, "bad request target"),
                refused("CONNECT with user information", "CONNECT u@x:443 HTTP/1.1\r\nHost: x\r\n\r\n",
                        400, "bad request target"),
                refused("garbage protocol", "GET / HTTX/1.1\r\n\r\n",
                        400, "bad protocol version"),
                refused("HTTP/2.0", "GET / HTTP/2.0\r\n\r\n",
                        505, "unsupported protocol version HTTP/2.0"),
                refused("unknown expectation", "GET / HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\n\r\n",
                        417, "unsupported expectation"),
                refused("an unknown expectation on HTTP/1.0",
                        "PUT /f HTTP/1.0\r\nExpect: teapot\r\nContent-Length: 1\r\n\r\nz",
                        417, "unsupported expectation"),
                refused("Content-Length and Transfer-Encoding",
                        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
                        400, "both Content-Length and Transfer-Encoding"),
                refused("gzip transfer coding", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
                        400, "Transfer-Encoding whose last coding is not chunked [gzip]"),
                refused("chunked twice", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
                        501, "unsupported transfer coding [chunked, chunked]"),
                refused("conflicting Content-Length values",
                        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
                        400, "conflicting Content-Length"),
                refused("negative Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
                        400, "bad Content-Length"),
                refused("Content-Length with a plus sign", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nhello",
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
                refused("Content-Length over the body limit",
                        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n" + "x".repeat(17),
                        413, "body of 17 bytes over 16"),
                refusedAfterHead("chunked body over the body limit",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n7\r\n0123456\r\n0\r\n\r\n",
                        413, "chunked body over 16 bytes"),
                refusedAfterHead("trailers over the head limit",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
                                + ("X-T: " + "t".repeat(100) + "\r\n").repeat(3) + "\r\n",
                        431, "trailers too large"),
                new Case("CONNECT to a host and port, then a CONNECT to a path",
                        "CONNECT x:443 HTTP/1.1\r\nHost: x:443\r\n\r\nCONNECT /p HTTP/1.1\r\nHost: x\r\n\r\n",
                        List.of("head continue=false",
                                "request CONNECT x:443 HTTP/1.1 Headers{Host=[x:443]} body= keepAlive=true continue=false",
                                "error 400 bad request target")),
                new Case("a good request, then a bad one", ok + "GET / HTTP/1.1\r\nHost: x\n\r\n",
                        List.of("head continue=false", okLog, "error 400 bare LF in the request head")),
                new Case("a good request, then a smuggled one",
                        ok + "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n",
                        List.of("head continue=false", okLog, "error 400 both Content-Length and Transfer-Encoding")),

                // Host (RFC 9112 section 3.2): one in HTTP/1.1, at most one in HTTP/1.0, uri-host [":" port].
                refused("HTTP/1.1 without Host", "GET / HTTP/1.1\r\nX-A: 1\r\n\r\n",
                        400, "missing Host"),
                refused("HTTP/1.1 without any header", "GET / HTTP/1.1\r\n\r\n",
                        400, "missing Host"),
                refused("Host twice, same value", "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n",
                        400, "repeated Host"),
                refused("Host twice, other case", "GET / HTTP/1.1\r\nhost: a\r\nX-A: 1\r\nHOST: b\r\n\r\n",
                        400, "repeated Host"),
                refused("Host twice in HTTP/1.0", "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n",
                        400, "repeated Host"),
                refused("Host with a space inside", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
                        400, "malformed Host"),
                refused("Host as a comma list", "GET / HTTP/1.1\r\nHost: a, b\r\n\r\n",
                        400, "malformed Host"),
                refused("Host with a path", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n",
                        400, "malformed Host"),
                refused("Host with userinfo", "GET / HTTP/1.1\r\nHost: user@a\r\n\r\n",
                        400, "malformed Host"),
                refused("Host with a bad port", "GET / HTTP/1.1\r\nHost: a:8o\r\n\r\n",
                        400, "malformed Host"),
                refused("Host with two ports", "GET / HTTP/1.1\r\nHost: a:80:81\r\n\r\n",
                        400, "malformed Host"),
                refused("Host with a bad percent-encoding", "GET / HTTP/1.1\r\nHost: a%zz\r\n\r\n",
                        400, "malformed Host"),
                refused("Host with an unclosed IP literal", "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n",
                        400, "malformed Host"),
                refused("Host with an empty IP literal", "GET / HTTP/1.1\r\nHost: []\r\n\r\n",
                        400, "malformed Host"),
                refused("Host with Latin-1 text", "GET / HTTP/1.1\r\nHost: caf\u00e9\r\n\r\n",
                        400, "malformed Host"),
                refused("malformed Host in HTTP/1.0", "GET / HTTP/1.0\r\nHost: a b\r\n\r\n",
                        400, "malformed Host"),
                refused("Host with a vertical tab before it", "GET / HTTP/1.1\r\nHost: \u000bx\r\n\r\n",
                        400, "control character in a header value"),

                // Control characters in field values: only HTAB is allowed (nor DEL).
                refused("SOH in a value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u0001b\r\n\r\n",
                        400, "control character in a header value"),
                refused("ESC in a value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: \u001b[31mred\r\n\r\n",
                        400, "control character in a header value"),
                refused("DEL in a value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u007f\r\n\r\n",
                        400, "control character in a header value"),
                refused("form feed before a Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \u000c3\r\n\r\nabc",
                        400, "control character in a header value"),
                refused("unit separator after a Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\u001f\r\n\r\nabc",
                        400, "control character in a header value"),
                refused("vertical tab before chunked",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \u000bchunked\r\n\r\n0\r\n\r\n",
                        400, "control character in a header value"),
                refused("no-break space before a Content-Length",
                        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \u00a03\r\n\r\nabc",
                        400, "bad Content-Length"),
                refused("Content-Length list with an empty element",
                        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3,\r\n\r\nabc",
                        400, "bad Content-Length"),

                // Bare CR, and CR CR LF, where the head expects a CRLF.
                refused("CR CR LF after the request line", "GET / HTTP/1.1\r\r\nHost: x\r\n\r\n",
                        400, "bare CR in the request head"),
                refused("CR CR LF after a header", "GET / HTTP/1.1\r\nHost: x\r\r\n\r\n",
                        400, "bare CR in the request head"),
                refused("CR CR LF ending the head", "GET / HTTP/1.1\r\nHost: x\r\n\r\r\n",
                        400, "bare CR in the request head"),
                refused("bare CR before a Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \r3\r\n\r\nabc",
                        400, "bare CR in the request head"),

                // Chunk sizes: hex digits from the first byte, then SP/HTAB only before a ";".
                refusedAfterHead("vertical tab before a chunk size",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\u000b3\r\nabc\r\n0\r\n\r\n",
                        400, "bad chunk size"),
                refusedAfterHead("space before a chunk size",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n 3\r\nabc\r\n0\r\n\r\n",
                        400, "bad chunk size"),
                refusedAfterHead("form feed after a chunk size",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\u000c\r\nabc\r\n0\r\n\r\n",
                        400, "bad chunk size"),
                refusedAfterHead("form feed before a chunk extension",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\u000c;e\r\nabc\r\n0\r\n\r\n",
                        400, "bad chunk size"),
                refusedAfterHead("space after a chunk size, no extension",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3 \r\nabc\r\n0\r\n\r\n",
                        400, "bad chunk size"),
                refusedAfterHead("16 hex digits of chunk size",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0000000000000003\r\nabc\r\n0\r\n\r\n",
                        400, "bad chunk size"),
                refusedAfterHead("control character in a chunk extension",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;e=\u0001\r\nabc\r\n0\r\n\r\n",
                        400, "control character in a chunk extension"),

                // Bare CR, and CR CR LF, in the chunked framing.
                refusedAfterHead("bare CR inside a chunk size line",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\rx\r\nabc\r\n0\r\n\r\n",
                        400, "bare CR in chunked body"),
                refusedAfterHead("CR CR LF after a chunk size",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\r\nabc\r\n0\r\n\r\n",
                        400, "bare CR in chunked body"),
                refusedAfterHead("bare CR before a chunk size",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\r3\r\nabc\r\n0\r\n\r\n",
                        400, "bare CR in chunked body"),
                refusedAfterHead("CR CR LF after chunk data",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\r\n0\r\n\r\n",
                        400, "bare CR in chunked body"),
                refusedAfterHead("bare CR after chunk data",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r0\r\n\r\n",
                        400, "bare CR in chunked body"),
                refusedAfterHead("bare CR in a trailer",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: a\rb\r\n\r\n",
                        400, "bare CR in chunked body"),
                refusedAfterHead("CR CR LF ending the trailers",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\r\n",
                        400, "bare CR in chunked body"),

                // Trailers are field lines like headers.
                refusedAfterHead("control character in a trailer",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: a\u0001b\r\n\r\n",
                        400, "control character in a trailer value"),
                refusedAfterHead("form feed in a trailer",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: \u000c\r\n\r\n",
                        400, "control character in a trailer value"),
                refusedAfterHead("DEL in a trailer",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: \u007f\r\n\r\n",
                        400, "control character in a trailer value"),
                refusedAfterHead("trailer without a colon",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T\r\n\r\n",
                        400, "trailer line without a name"),
                refusedAfterHead("folded trailer",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: a\r\n b\r\n\r\n",
                        400, "obsolete trailer line folding"),

                // Transfer-Encoding (RFC 9112 section 6.1 and 6.3).
                refused("Transfer-Encoding in HTTP/1.0",
                        "POST / HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
                        400, "Transfer-Encoding in an HTTP/1.0 request"),
                refused("Transfer-Encoding in HTTP/1.0 without Host",
                        "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n0\r\n\r\n",
                        400, "Transfer-Encoding in an HTTP/1.0 request"),
                refused("chunked, then gzip",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
                        400, "Transfer-Encoding whose last coding is not chunked [chunked, gzip]"),
                refused("chunked, then gzip in a second field",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n0\r\n\r\n",
                        400, "Transfer-Encoding whose last coding is not chunked [chunked, gzip]"),
                refused("empty Transfer-Encoding", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n\r\n",
                        400, "Transfer-Encoding whose last coding is not chunked []"),
                refused("empty Transfer-Encoding beside Content-Length",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\nContent-Length: 0\r\n\r\n",
                        400, "both Content-Length and Transfer-Encoding"),
                refused("only commas in Transfer-Encoding", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: , ,\r\n\r\n",
                        400, "Transfer-Encoding whose last coding is not chunked [, ,]"),
                refused("chunked with a parameter", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked;q=1\r\n\r\n",
                        400, "Transfer-Encoding whose last coding is not chunked [chunked;q=1]"),
                refused("chunked as a prefix", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunkedx\r\n\r\n",
                        400, "Transfer-Encoding whose last coding is not chunked [chunkedx]"),
                refused("gzip, then chunked",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
                        501, "unsupported transfer coding [gzip, chunked]"),
                refused("chunked in two fields",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                        501, "unsupported transfer coding [chunked, chunked]"),

                // 100-continue only for a head that passed every check.
                refused("100-continue with a body over the limit",
                        "PUT /f HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 17\r\n\r\n",
                        413, "body of 17 bytes over 16"),
                refused("100-continue with an unknown coding",
                        "PUT /f HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nTransfer-Encoding: gzip\r\n\r\n",
                        400, "Transfer-Encoding whose last coding is not chunked [gzip]"),
                refused("100-continue with Content-Length and Transfer-Encoding",
                        "PUT /f HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n"
                                + "Transfer-Encoding: chunked\r\n\r\n",
                        400, "both Content-Length and Transfer-Encoding"),
                refused("100-continue with a bad Content-Length",
                        "PUT /f HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\u001f\r\n\r\n",
                        400, "control character in a header value"),
                refused("100-continue without Host",
                        "PUT /f HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n",
                        400, "missing Host"),
                new Case("100-continue on a good request after a good one, then a bad chunk",
                        ok + "PUT /f HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "\u000b3\r\nabc\r\n0\r\n\r\n",
                        List.of("head continue=false", okLog, "head continue=true", "error 400 bad chunk size")));
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
