package io.github.evasync.internal.http;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
                new Case("bytes after a complete response are not part of it", false,
                        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 500 Nope\r\n\r\n",
                        List.of("response 200 Headers{Content-Length=[2]} body=ok keepAlive=true")),
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
}
