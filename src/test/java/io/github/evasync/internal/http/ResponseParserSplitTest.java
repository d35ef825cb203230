package io.github.evasync.internal.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Well-formed responses fed whole, in two at every split point, and one byte at a time: each
 * feeding must yield the response that feeding it whole does, and that is checked against what
 * the input says.
 */
@Timeout(60)
class ResponseParserSplitTest {
    record Case(String name, boolean headRequest, String input, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("Content-Length body", false,
                        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nhello\r\nworld",
                        List.of("response 200 Headers{Content-Type=[text/plain], Content-Length=[12]}"
                                + " body=hello\r\nworld keepAlive=true")),
                // Not part of it, and nobody asked for them: the client closes the connection.
                new Case("bytes after a complete response are not part of it", false,
                        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 500 Nope\r\n\r\n",
                        List.of("response 200 Headers{Content-Length=[2]} body=ok keepAlive=true", "unasked bytes follow")),
                new Case("HEAD answered with a body", true,
                        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
                        List.of("response 200 Headers{Content-Length=[5]} body= keepAlive=true", "unasked bytes follow")),
                new Case("the same Content-Length twice", false,
                        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3, 3\r\n\r\nabc",
                        List.of("response 200 Headers{Content-Length=[3, 3, 3]} body=abc keepAlive=true")),
                // Was a substring match for "chunked": a coding other than chunked last means the
                // body ends with the connection (RFC 9112 section 6.3).
                new Case("Transfer-Encoding that only contains the word chunked", false,
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: notchunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
                        List.of("eof", "response 200 Headers{Transfer-Encoding=[notchunked]}"
                                + " body=3\r\nabc\r\n0\r\n\r\n keepAlive=false")),
                new Case("chunked, then another coding", false,
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nzz",
                        List.of("eof", "response 200 Headers{Transfer-Encoding=[chunked, gzip]} body=zz keepAlive=false")),
                new Case("chunked last of two codings in two fields", false,
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: CHUNKED\r\n\r\n2\r\nzz\r\n0\r\n\r\n",
                        List.of("response 200 Headers{Transfer-Encoding=[gzip, CHUNKED]} body=zz keepAlive=true")),
                new Case("Transfer-Encoding and Content-Length: chunked wins, the connection ends", false,
                        "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nzz\r\n0\r\n\r\n",
                        List.of("response 200 Headers{Content-Length=[100], Transfer-Encoding=[chunked]} body=zz"
                                + " keepAlive=false")),
                new Case("HTTP/1.0 with Transfer-Encoding: read, then the connection ends", false,
                        "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nzz\r\n0\r\n\r\n",
                        List.of("response 200 Headers{Connection=[keep-alive], Transfer-Encoding=[chunked]} body=zz"
                                + " keepAlive=false")),
                // Was a substring match for "close".
                new Case("Connection tokens that only contain the word close", false,
                        "HTTP/1.1 200 OK\r\nConnection: x-close, closed\r\nContent-Length: 0\r\n\r\n",
                        List.of("response 200 Headers{Connection=[x-close, closed], Content-Length=[0]} body= keepAlive=true")),
                new Case("close as a later Connection token", false,
                        "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nConnection: Upgrade , CLOSE\r\nContent-Length: 0\r\n\r\n",
                        List.of("response 200 Headers{Connection=[keep-alive, Upgrade , CLOSE], Content-Length=[0]} body="
                                + " keepAlive=false")),
                new Case("HTTP/1.0 with keep-alive among other tokens", false,
                        "HTTP/1.0 200 OK\r\nConnection: foo,Keep-Alive\r\nContent-Length: 0\r\n\r\n",
                        List.of("response 200 Headers{Connection=[foo,Keep-Alive], Content-Length=[0]} body= keepAlive=true")),
                new Case("HTTP/1.0 without keep-alive", false,
                        "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n",
                        List.of("response 200 Headers{Content-Length=[0]} body= keepAlive=false")),
                new Case("status 999 and a later 1.x version", false,
                        "HTTP/1.9 999 Whatever\r\nContent-Length: 0\r\n\r\n",
                        List.of("response 999 Headers{Content-Length=[0]} body= keepAlive=true")),
                new Case("obs-fold joins the previous value with a space", false,
                        "HTTP/1.1 200 OK\r\nX-Long: one\r\n \t two\r\nContent-Length: 0\r\n\r\n",
                        List.of("response 200 Headers{X-Long=[one two], Content-Length=[0]} body= keepAlive=true")),
                new Case("Content-Length: 0 with Connection: close", false,
                        "HTTP/1.1 201 Created\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        List.of("response 201 Headers{Content-Length=[0], Connection=[close]} body= keepAlive=false")),
                new Case("HTTP/1.0 keep-alive", false,
                        "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 3\r\n\r\nabc",
                        List.of("response 200 Headers{Connection=[keep-alive], Content-Length=[3]} body=abc keepAlive=true")),
                new Case("chunked response with extensions and trailers", false,
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "5;name=value\r\nhello\r\n6\r\n world\r\nA ; x\r\n\r\n01234567\r\n"
                                + "0\r\nX-Trailer: t\r\n\r\n",
                        List.of("response 200 Headers{Transfer-Encoding=[chunked]} body=hello world\r\n01234567"
                                + " keepAlive=true")),
                new Case("chunked response cut short", false,
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
                        List.of("eof", "cut short")),
                new Case("100 Continue, then the final response", false,
                        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nLocation: /x\r\nContent-Length: 2\r\n\r\nok",
                        List.of("response 201 Headers{Location=[/x], Content-Length=[2]} body=ok keepAlive=true")),
                new Case("HEAD response with a Content-Length and no body", true,
                        "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n",
                        List.of("response 200 Headers{Content-Length=[1234]} body= keepAlive=true")),
                new Case("HEAD response to a chunked resource", true,
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                        List.of("response 200 Headers{Transfer-Encoding=[chunked]} body= keepAlive=true")),
                new Case("204 without a body", false,
                        "HTTP/1.1 204 No Content\r\nServer: s\r\n\r\n",
                        List.of("response 204 Headers{Server=[s]} body= keepAlive=true")),
                new Case("304 with a Content-Length and no body", false,
                        "HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n",
                        List.of("response 304 Headers{Content-Length=[99]} body= keepAlive=true")),
                new Case("close-delimited response", false,
                        "HTTP/1.1 200 OK\r\nServer: old\r\n\r\nuntil the\r\n\r\nend",
                        List.of("eof", "response 200 Headers{Server=[old]} body=until the\r\n\r\nend keepAlive=false")),
                new Case("close-delimited response with an empty body", false,
                        "HTTP/1.0 404 Not Found\r\n\r\n",
                        List.of("eof", "response 404 Headers{} body= keepAlive=false")),
                new Case("Content-Length body cut short", false,
                        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello",
                        List.of("eof", "cut short")),
                new Case("head cut short", false,
                        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n",
                        List.of("eof", "cut short")),
                new Case("status line without a reason, LF line ends", false,
                        "HTTP/1.1 200\nContent-Length: 2\n\nhi",
                        List.of("response 200 Headers{Content-Length=[2]} body=hi keepAlive=true")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everySplitYieldsTheSameResponse(Case c) {
        byte[] input = Cuts.bytes(c.input());
        assertEquals(c.expected(), ResponseFeeder.run(c.headRequest(), Cuts.whole(input)), "fed whole");
        for (Cuts.Feeding f : Cuts.every(input)) {
            assertEquals(c.expected(), ResponseFeeder.run(c.headRequest(), f), f.name());
        }
    }

    /**
     * A Content-Length body larger than the first buffer (64 KiB), which grows as bytes come
     * rather than being sized from the header: every byte lands, in order, in a body of exactly
     * that length, however the pieces fall.
     */
    @Test
    void largeContentLengthBodyInPieces() {
        int n = 200_000;
        byte[] head = Cuts.bytes("HTTP/1.1 200 OK\r\nContent-Length: " + n + "\r\n\r\n");
        byte[] input = new byte[head.length + n];
        System.arraycopy(head, 0, input, 0, head.length);
        for (int k = 0; k < n; k++) {
            input[head.length + k] = (byte) (k * 31);
        }
        for (int[] cuts : new int[][] {{0, input.length}, {0, 10, 70_000, 140_001, input.length},
                {0, head.length, head.length + 1, head.length + 65_536, input.length}}) {
            ResponseParser p = new ResponseParser(false, n);
            ResponseParser.Parsed out = null;
            for (int k = 0; k + 1 < cuts.length; k++) {
                assertNull(out, "complete before the last piece");
                out = p.feed(Arrays.copyOfRange(input, cuts[k], cuts[k + 1]));
            }
            assertNotNull(out);
            assertArrayEquals(Arrays.copyOfRange(input, head.length, input.length), out.body());
            assertFalse(p.extra());
        }
    }
}
