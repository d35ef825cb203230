package io.github.evasync.internal.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives a {@link ResponseParser} the way the HTTP client's call does: feed each piece until a
 * response comes out or the parser throws, and when the pieces run out, tell it the connection
 * ended ({@link ResponseParser#end()}). Writes down what it yields as text that tests compare.
 */
final class ResponseFeeder {
    private ResponseFeeder() {
    }

    /**
     * The log of one feeding: "response ..." or "error Type: why", or, when the input ran out
     * first, "eof" followed by what {@code end()} gave ("response ..." or "cut short").
     */
    static List<String> run(boolean headRequest, Cuts.Feeding feeding) {
        ResponseParser parser = new ResponseParser(headRequest);
        List<String> log = new ArrayList<>();
        if (parser.started()) {
            throw new AssertionError("started before any byte");
        }
        for (Cuts.Piece piece : feeding.pieces()) {
            ResponseParser.Parsed p;
            try {
                p = parser.feed(piece.copy());
            } catch (RuntimeException e) {
                log.add("error " + e.getClass().getSimpleName() + ": " + e.getMessage());
                return log;
            }
            if (!parser.started()) {
                throw new AssertionError(feeding + ": not started after a byte");
            }
            if (p != null) {
                log.add(describe(p));
                return log;
            }
        }
        log.add("eof");
        ResponseParser.Parsed p = parser.end();
        log.add(p == null ? "cut short" : describe(p));
        return log;
    }

    static String describe(ResponseParser.Parsed p) {
        return "response " + p.status() + " " + p.headers() + " body=" + new String(p.body(), StandardCharsets.ISO_8859_1)
                + " keepAlive=" + p.keepAlive();
    }
}
