package io.github.evasync.internal.http;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed responses: fed whole, in two at every split point, or one byte at a time, each must
 * fail with the same exception and message. The expected text is a prefix, since the messages
 * of {@link NumberFormatException} are the JDK's.
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
                        "error NumberFormatException: For input string: \"abc\""),
                new Case("header line without a colon", "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
                        "error IllegalArgumentException: malformed header line"),
                new Case("header line starting with a colon", "HTTP/1.1 200 OK\r\n: v\r\n\r\n",
                        "error IllegalArgumentException: malformed header line"),
                new Case("negative Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                        "error IllegalArgumentException: bad Content-Length -1"),
                new Case("Content-Length over the body limit", "HTTP/1.1 200 OK\r\nContent-Length: 67108865\r\n\r\n",
                        "error IllegalArgumentException: bad Content-Length 67108865"),
                new Case("Content-Length that is not a number", "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nabc",
                        "error NumberFormatException: For input string: \"abc\""),
                new Case("bad chunk size", chunked + "zz\r\nhello\r\n0\r\n\r\n",
                        "error NumberFormatException: For input string: \"zz\""),
                new Case("negative chunk size", chunked + "-5\r\nhello\r\n0\r\n\r\n",
                        "error IllegalArgumentException: negative chunk size"),
                new Case("chunk longer than its size", chunked + "3\r\nabcd\r\n0\r\n\r\n",
                        "error IllegalArgumentException: chunk longer than its size"),
                new Case("chunk size line too long", chunked + "1;" + "e".repeat(1100) + "\r\nx\r\n0\r\n\r\n",
                        "error IllegalArgumentException: chunk line too long"),
                new Case("malformed final response after a 100", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 2x0 OK\r\n\r\n",
                        "error NumberFormatException: For input string: \"2x0\""));
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
