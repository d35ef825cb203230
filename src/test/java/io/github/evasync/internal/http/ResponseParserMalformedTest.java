package io.github.evasync.internal.http;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed responses: fed whole, in two at every split point, or one byte at a time, each must
 * fail with the same exception and message (the client makes it an {@code HttpError} and closes
 * the connection). The expected text is a prefix of the log's one line.
 */
@Timeout(60)
class ResponseParserMalformedTest {
    record Case(String name, String input, String expectedPrefix) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        return List.of(
                new Case("HTTP/2 status line", "HTTP/2 200 OK\r\n\r\n",
                        "error IllegalArgumentException: malformed status line: HTTP/2 200 OK"),
                new Case("two-digit status", "HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n",
                        "error IllegalArgumentException: malformed status line: HTTP/1.1 20 OK"),
                new Case("status that is not a number", "HTTP/1.1 abc OK\r\n\r\n",
                        "error IllegalArgumentException: malformed status line: HTTP/1.1 abc OK"),
                // RFC 9110: status-code = 3DIGIT. Integer.parseInt took a sign.
                new Case("negative status", "HTTP/1.1 -12 X\r\nContent-Length: 0\r\n\r\n",
                        "error IllegalArgumentException: malformed status line: HTTP/1.1 -12 X"),
                new Case("status with a plus sign", "HTTP/1.1 +10 X\r\nContent-Length: 0\r\n\r\n",
                        "error IllegalArgumentException: malformed status line: HTTP/1.1 +10 X"),
                new Case("status under 100", "HTTP/1.1 099 X\r\nContent-Length: 0\r\n\r\n",
                        "error IllegalArgumentException: malformed status line: HTTP/1.1 099 X"),
                new Case("four-digit status", "HTTP/1.1 2000 X\r\nContent-Length: 0\r\n\r\n",
                        "error IllegalArgumentException: malformed status line: HTTP/1.1 2000 X"),
                new Case("status without the space after the version", "HTTP/1.1200 OK\r\n\r\n",
                        "error IllegalArgumentException: malformed status line: HTTP/1.1200 OK"),
                new Case("HTTP/1 without a minor version", "HTTP/1 200 OK\r\n\r\n",
                        "error IllegalArgumentException: malformed status line: HTTP/1 200 OK"),
                // Was an ArrayIndexOutOfBoundsException: split() of "\r\n\r\n" has no elements.
                new Case("empty head", "\r\n\r\n",
                        "error IllegalArgumentException: empty response head: no status line"),
                new Case("empty line before the status line", "\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
                        "error IllegalArgumentException: empty response head: no status line"),
                new Case("header line without a colon", "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
                        "error IllegalArgumentException: malformed header line"),
                new Case("header line starting with a colon", "HTTP/1.1 200 OK\r\n: v\r\n\r\n",
                        "error IllegalArgumentException: malformed header line"),
                new Case("space between a field name and its colon", "HTTP/1.1 200 OK\r\nContent-Length : 3\r\n\r\nabc",
                        "error IllegalArgumentException: malformed header line"),
                new Case("NUL in a field value", "HTTP/1.1 200 OK\r\nX: a\u0000b\r\nContent-Length: 0\r\n\r\n",
                        "error IllegalArgumentException: malformed header line: CR or NUL in a field"),
                new Case("bare CR in a field value", "HTTP/1.1 200 OK\r\nX: a\rb\r\nContent-Length: 0\r\n\r\n",
                        "error IllegalArgumentException: malformed header line: CR or NUL in a field"),
                new Case("obs-fold before any field", "HTTP/1.1 200 OK\r\n folded\r\n\r\n",
                        "error IllegalArgumentException: malformed header line"),
                new Case("negative Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                        "error IllegalArgumentException: bad Content-Length -1"),
                new Case("Content-Length with a plus sign", "HTTP/1.1 200 OK\r\nContent-Length: +3\r\n\r\nabc",
                        "error IllegalArgumentException: bad Content-Length +3"),
                // Java's strip() took \x0c and \x1f for whitespace; RFC 9110's OWS is SP and HTAB only.
                new Case("Content-Length after a form feed", "HTTP/1.1 200 OK\r\nContent-Length: \u000c3\r\n\r\nabc",
                        "error IllegalArgumentException: bad Content-Length \u000c3"),
                new Case("Content-Length before a unit separator", "HTTP/1.1 200 OK\r\nContent-Length: 3\u001f\r\n\r\nabc",
                        "error IllegalArgumentException: bad Content-Length 3\u001f"),
                new Case("empty Content-Length", "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n",
                        "error IllegalArgumentException: bad Content-Length "),
                new Case("Content-Length too long for a long", "HTTP/1.1 200 OK\r\nContent-Length: 9999999999999999999\r\n\r\n",
                        "error IllegalArgumentException: bad Content-Length 9999999999999999999"),
                // Was first-wins: the client and a proxy could disagree on where the body ends.
                new Case("two different Content-Length fields",
                        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
                        "error IllegalArgumentException: two different Content-Length values: 3 and 4"),
                new Case("two different Content-Length list members", "HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\nabcd",
                        "error IllegalArgumentException: two different Content-Length values: 3 and 4"),
                new Case("Content-Length over the body limit", "HTTP/1.1 200 OK\r\nContent-Length: 67108865\r\n\r\n",
                        "error IllegalArgumentException: response body over 67108864 bytes (maxResponseBytes): Content-Length 67108865"),
                new Case("Content-Length that is not a number", "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nabc",
                        "error IllegalArgumentException: bad Content-Length abc"),
                new Case("empty Transfer-Encoding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: ,\r\n\r\n",
                        "error IllegalArgumentException: empty Transfer-Encoding"),
                new Case("bad chunk size", chunked + "zz\r\nhello\r\n0\r\n\r\n",
                        "error IllegalArgumentException: bad chunk size: zz"),
                new Case("negative chunk size", chunked + "-5\r\nhello\r\n0\r\n\r\n",
                        "error IllegalArgumentException: bad chunk size: -5"),
                new Case("chunk size with a plus sign", chunked + "+5\r\nhello\r\n0\r\n\r\n",
                        "error IllegalArgumentException: bad chunk size: +5"),
                new Case("chunk size after a vertical tab", chunked + "\u000b5\r\nhello\r\n0\r\n\r\n",
                        "error IllegalArgumentException: bad chunk size: \u000b5"),
                new Case("bare CR in a chunk size line", chunked + "5\r;x\r\nhello\r\n0\r\n\r\n",
                        "error IllegalArgumentException: bare CR in a chunk line"),
                new Case("chunk size too long for a long", chunked + "1234567890abcdef0\r\nhello\r\n0\r\n\r\n",
                        "error IllegalArgumentException: bad chunk size: 1234567890abcdef0"),
                new Case("chunk longer than its size", chunked + "3\r\nabcd\r\n0\r\n\r\n",
                        "error IllegalArgumentException: chunk longer than its size"),
                new Case("chunk size line too long", chunked + "1;" + "e".repeat(1100) + "\r\nx\r\n0\r\n\r\n",
                        "error IllegalArgumentException: chunk line too long"),
                new Case("malformed final response after a 100", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 2x0 OK\r\n\r\n",
                        "error IllegalArgumentException: malformed status line: HTTP/1.1 2x0 OK"));
    }

    /** Bodies over a limit of 10 bytes, each framing: the error comes before the body is kept. */
    static List<Case> overLimit() {
        String over = "error IllegalArgumentException: response body over 10 bytes (maxResponseBytes)";
        return List.of(
                new Case("Content-Length over the limit", "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n0123456789a",
                        over + ": Content-Length 11"),
                new Case("chunked body growing past the limit",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n012345\r\n5\r\n6789a\r\n0\r\n\r\n",
                        over),
                new Case("close-delimited body growing past the limit", "HTTP/1.1 200 OK\r\n\r\n0123456789a", over));
    }

    /**
     * Endless trailer lines and endless interim responses: each line and head was bounded and
     * nothing kept, but nothing ended them either, so a server could hold a call (without a
     * response timeout) for ever. Fed whole and in a few cuts: every cut of 64 KiB is too slow.
     */
    @Test
    void endlessTrailersAndInterimResponsesAreRefused() {
        String trailers = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n"
                + "X-Trailer: 0123456789\r\n".repeat(3000) + "\r\n";
        String interim = "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n".repeat(ResponseParser.MAX_INTERIM + 1)
                + "HTTP/1.1 204 No Content\r\n\r\n";
        String okInterim = "HTTP/1.1 100 Continue\r\n\r\n".repeat(ResponseParser.MAX_INTERIM)
                + "HTTP/1.1 204 No Content\r\n\r\n";
        String okTrailers = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n"
                + "X-Trailer: 0123456789\r\n".repeat(100) + "\r\n";
        byte[][] inputs = {Cuts.bytes(trailers), Cuts.bytes(interim), Cuts.bytes(okInterim), Cuts.bytes(okTrailers)};
        String[] want = {"error IllegalArgumentException: trailers over 65536 bytes",
            "error IllegalArgumentException: more than " + ResponseParser.MAX_INTERIM + " interim (1xx) responses",
            "response 204", "response 200"};
        for (int k = 0; k < inputs.length; k++) {
            byte[] input = inputs[k];
            List<String> whole = ResponseFeeder.run(false, Cuts.whole(input));
            assertTrue(whole.get(0).startsWith(want[k]), whole.toString());
            for (int cut : new int[] {1, 17, input.length / 2, input.length - 3}) {
                assertEquals(whole, ResponseFeeder.run(false, Cuts.at(input, cut)), "cut at " + cut);
            }
        }
    }

    @Test
    void manyFoldedLinesJoinInOneValue() {
        String head = "HTTP/1.1 200 OK\r\nX-Folded: a\r\n" + " b\r\n".repeat(10_000) + "Content-Length: 0\r\n\r\n";
        List<String> got = ResponseFeeder.run(false, Cuts.whole(Cuts.bytes(head)));
        assertTrue(got.get(0).startsWith("response 200"), got.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overLimit")
    void bodiesOverTheLimitFailTheSameWay(Case c) {
        byte[] input = Cuts.bytes(c.input());
        List<String> whole = ResponseFeeder.run(false, 10, Cuts.whole(input));
        assertEquals(List.of(c.expectedPrefix()), whole);
        for (Cuts.Feeding f : Cuts.every(input)) {
            assertEquals(whole, ResponseFeeder.run(false, 10, f), f.name());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everySplitFailsTheSameWay(Case c) {
        byte[] input = Cuts.bytes(c.input());
        List<String> whole = ResponseFeeder.run(false, Cuts.whole(input));
        assertEquals(1, whole.size(), whole.toString());
        assertTrue(whole.get(0).startsWith(c.expectedPrefix()), whole.get(0));
        for (Cuts.Feeding f : Cuts.every(input)) {
            assertEquals(whole, ResponseFeeder.run(false, f), f.name());
        }
    }
}
