package io.github.evasync.internal.http;

import io.github.evasync.http.HttpServerOptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Well-formed requests fed whole, in two at every split point, and one byte at a time: each
 * feeding must yield exactly the requests (and head notifications) that feeding it whole does,
 * and those are checked against what the input says.
 */
@Timeout(60)
class RequestParserSplitTest {
    record Case(String name, String input, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("simple GET",
                        "GET /index.html?q=1&r=%20 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: t/1\r\n\r\n",
                        List.of("head continue=false",
                                "request GET /index.html?q=1&r=%20 HTTP/1.1 Headers{Host=[example.com], User-Agent=[t/1]}"
                                        + " body= keepAlive=true continue=false",
                                "idle")),
                new Case("HTTP/1.0 GET without headers",
                        "GET / HTTP/1.0\r\n\r\n",
                        List.of("head continue=false",
                                "request GET / HTTP/1.0 Headers{} body= keepAlive=false continue=false",
                                "idle")),
                new Case("HTTP/1.0 keep-alive, repeated and spaced header values",
                        "GET /k HTTP/1.0\r\nConnection: Keep-Alive\r\nX-A: 1\r\nx-a:2\r\nX-Pad: \t padded \t\r\n"
                                + "X-Empty:\r\n\r\n",
                        List.of("head continue=false",
                                "request GET /k HTTP/1.0 Headers{Connection=[Keep-Alive], X-A=[1, 2], X-Pad=[padded],"
                                        + " X-Empty=[]} body= keepAlive=true continue=false",
                                "idle")),
                new Case("close in a second Connection field, and an HTTP/1.0 100-continue ignored",
                        "GET /c HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n"
                                + "POST /e HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nz",
                        List.of("head continue=false",
                                "request GET /c HTTP/1.1 Headers{Host=[x], Connection=[keep-alive, close]} body="
                                        + " keepAlive=false continue=false",
                                "head continue=false",
                                "request POST /e HTTP/1.0 Headers{Expect=[100-continue], Content-Length=[1]} body=z"
                                        + " keepAlive=false continue=false",
                                "idle")),
                new Case("empty lines before a request line, as after a POST body",
                        "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nz\r\n"
                                + "GET /g HTTP/1.1\r\nHost: x\r\n\r\n\r\n\r\nGET /h HTTP/1.1\r\nHost: x\r\n\r\n",
                        List.of("head continue=false",
                                "request POST /p HTTP/1.1 Headers{Host=[x], Content-Length=[1]} body=z"
                                        + " keepAlive=true continue=false",
                                "head continue=false",
                                "request GET /g HTTP/1.1 Headers{Host=[x]} body= keepAlive=true continue=false",
                                "head continue=false",
                                "request GET /h HTTP/1.1 Headers{Host=[x]} body= keepAlive=true continue=false",
                                "idle")),
                new Case("pipelined requests",
                        "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
                                + "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                                + "DELETE /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                        List.of("head continue=false",
                                "request GET /a HTTP/1.1 Headers{Host=[x]} body= keepAlive=true continue=false",
                                "head continue=false",
                                "request POST /b HTTP/1.1 Headers{Host=[x], Content-Length=[3]} body=abc"
                                        + " keepAlive=true continue=false",
                                "head continue=false",
                                "request DELETE /c HTTP/1.1 Headers{Host=[x], Connection=[close]} body="
                                        + " keepAlive=false continue=false",
                                "idle")),
                new Case("Content-Length body with CR, LF and NUL in it",
                        "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 15\r\n\r\nhello\r\n\r\n\0world",
                        List.of("head continue=false",
                                "request POST /upload HTTP/1.1 Headers{Host=[x], Content-Length=[15]}"
                                        + " body=hello\r\n\r\n\0world keepAlive=true continue=false",
                                "idle")),
                new Case("Content-Length: 0 then a second request",
                        "POST /z HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\nGET /n HTTP/1.1\r\nHost: x\r\n\r\n",
                        List.of("head continue=false",
                                "request POST /z HTTP/1.1 Headers{Host=[x], Content-Length=[0]} body= keepAlive=true continue=false",
                                "head continue=false",
                                "request GET /n HTTP/1.1 Headers{Host=[x]} body= keepAlive=true continue=false",
                                "idle")),
                new Case("chunked body with extensions and trailers, then another request",
                        "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "5;name=value\r\nhello\r\n6 ; ext\r\n world\r\na;q=\"x;y\"\r\n0123456789\r\n"
                                + "0;last\r\nX-Checksum: abc\r\nX-More: 1\r\n\r\n"
                                + "GET /after HTTP/1.1\r\nHost: x\r\n\r\n",
                        List.of("head continue=false",
                                "request POST /c HTTP/1.1 Headers{Host=[x], Transfer-Encoding=[chunked]}"
                                        + " body=hello world0123456789 keepAlive=true continue=false",
                                "head continue=false",
                                "request GET /after HTTP/1.1 Headers{Host=[x]} body= keepAlive=true continue=false",
                                "idle")),
                new Case("chunked body with CRLF inside the data and no trailers",
                        "PUT /d HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n4\r\n\r\n\r\n\r\n1\r\n0\r\n0\r\n\r\n",
                        List.of("head continue=false",
                                "request PUT /d HTTP/1.1 Headers{Host=[x], Transfer-Encoding=[Chunked]} body=\r\n\r\n0"
                                        + " keepAlive=true continue=false",
                                "idle")),
                new Case("100-continue head with its body",
                        "PUT /f HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\ndata",
                        List.of("head continue=true",
                                "request PUT /f HTTP/1.1 Headers{Host=[x], Expect=[100-continue], Content-Length=[4]}"
                                        + " body=data keepAlive=true continue=true",
                                "idle")),
                new Case("100-continue head, body not sent yet",
                        "PUT /f HTTP/1.1\r\nHost: x\r\nExpect: 100-Continue\r\nContent-Length: 4\r\n\r\n",
                        List.of("head continue=true", "in body")),
                new Case("Host forms RFC 3986 allows, then HTTP/1.0 without Host",
                        "GET /1 HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n"
                                + "GET /2 HTTP/1.1\r\nHost:\r\n\r\n"
                                + "GET /3 HTTP/1.1\r\nhost: \t127.0.0.1: \r\n\r\n"
                                + "GET /4 HTTP/1.1\r\nHOST: a-b.c_d~e%4a!$&'()*+,;=:80\r\n\r\n"
                                + "GET /5 HTTP/1.0\r\n\r\n",
                        List.of("head continue=false",
                                "request GET /1 HTTP/1.1 Headers{Host=[[::1]:8080]} body= keepAlive=true continue=false",
                                "head continue=false",
                                "request GET /2 HTTP/1.1 Headers{Host=[]} body= keepAlive=true continue=false",
                                "head continue=false",
                                "request GET /3 HTTP/1.1 Headers{host=[127.0.0.1:]} body= keepAlive=true continue=false",
                                "head continue=false",
                                "request GET /4 HTTP/1.1 Headers{HOST=[a-b.c_d~e%4a!$&'()*+,;=:80]} body="
                                        + " keepAlive=true continue=false",
                                "head continue=false",
                                "request GET /5 HTTP/1.0 Headers{} body= keepAlive=false continue=false",
                                "idle")),
                new Case("HTAB and obs-text inside values, OWS around a Content-Length list",
                        "POST /v HTTP/1.1\r\nHost: x\r\nX-Tab: a\tb\r\nX-Latin: caf\u00e9\u00a0\r\n"
                                + "Content-Length: \t3 ,3\t\r\n\r\nabc",
                        List.of("head continue=false",
                                "request POST /v HTTP/1.1 Headers{Host=[x], X-Tab=[a\tb], X-Latin=[caf\u00e9\u00a0],"
                                        + " Content-Length=[3 ,3]} body=abc keepAlive=true continue=false",
                                "idle")),
                new Case("chunked with empty list elements, hex in capitals, HTAB before an extension, a Latin-1 trailer",
                        "POST /h HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: , CHUNKED ,\r\n\r\n"
                                + "A\t;e=1\r\n0123456789\r\n0\r\nX-T: \tcaf\u00e9\t\r\n\r\n",
                        List.of("head continue=false",
                                "request POST /h HTTP/1.1 Headers{Host=[x], Transfer-Encoding=[, CHUNKED ,]}"
                                        + " body=0123456789 keepAlive=true continue=false",
                                "idle")),
                new Case("a head cut short",
                        "GET / HTTP/1.1\r\nHost: x\r\n\r",
                        List.of("in head")),
                new Case("a chunked body cut short in its trailers",
                        "POST /t HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\nX-T: 1\r\n",
                        List.of("head continue=false", "in body")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everySplitYieldsTheSameRequests(Case c) {
        byte[] input = Cuts.bytes(c.input());
        HttpServerOptions options = HttpServerOptions.defaults();
        assertEquals(c.expected(), RequestFeeder.run(options, Cuts.whole(input)), "fed whole");
        for (Cuts.Feeding f : Cuts.every(input)) {
            assertEquals(c.expected(), RequestFeeder.run(options, f), f.name());
        }
    }
}
