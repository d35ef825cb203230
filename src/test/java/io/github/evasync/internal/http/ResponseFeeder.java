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

    /** {@link #run(boolean, long, Cuts.Feeding)} with the client's default body limit, 64 MiB. */
    static List<String> run(boolean headRequest, Cuts.Feeding feeding) {
        return run(headRequest, 64L << 20, feeding);
    }

    /**
     * The log of one feeding: "response ..." or "error Type: why", or, when the input ran out
     * first, "eof" followed by what {@code end()} gave ("response ..." or "cut short"). A
     * response that input follows, in the same piece ({@link ResponseParser#extra()}) or in
     * pieces left over, is followed by "unasked bytes follow": the client must not reuse the
     * connection, so whichever way the input was cut, the log says so.
     */
    static List<String> run(boolean headRequest, long maxBody, Cuts.Feeding feeding) {
        ResponseParser parser = new ResponseParser(headRequest, maxBody);
        List<String> log = new ArrayList<>();
        if (parser.started()) {
            throw new AssertionError("started before any byte");
        }
        List<Cuts.Piece> pieces = feeding.pieces();
        for (int k = 0; k < pieces.size(); k++) {
            Cuts.Piece piece = pieces.get(k);
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
                if (parser.extra() || k + 1 < pieces.size()) {
                    log.add("unasked bytes follow");
                }
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
