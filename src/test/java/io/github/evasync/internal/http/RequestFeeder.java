package io.github.evasync.internal.http;

import io.github.evasync.http.HttpServerOptions;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives a {@link RequestParser} the way {@link HttpConnection#onData} does (feed, advance by
 * {@code consumed()}, repeat until the piece is used up; stop at the first {@link BadRequest})
 * and writes down everything it yields, in order, as text that tests compare.
 */
final class RequestFeeder {
    private RequestFeeder() {
    }

    /**
     * The log of one feeding: "head continue=..." for each head listener call, "request ..." for
     * each parsed request, "error STATUS why" for a refusal (the last entry then), and finally
     * where the parser was left: "idle", "in head" or "in body".
     */
    static List<String> run(HttpServerOptions options, Cuts.Feeding feeding) {
        RequestParser parser = new RequestParser(options);
        List<String> log = new ArrayList<>();
        for (Cuts.Piece piece : feeding.pieces()) {
            int off = piece.off();
            int end = piece.end();
            while (off < end) {
                RequestParser.Parsed p;
                try {
                    p = parser.feed(piece.array(), off, end, c -> log.add("head continue=" + c));
                } catch (BadRequest e) {
                    log.add("error " + e.status + " " + e.getMessage());
                    return log;
                }
                int used = parser.consumed();
                if (used <= 0 || used > end - off) {
                    throw new AssertionError(feeding + ": consumed " + used + " of " + (end - off) + " bytes");
                }
                if (p == null && used != end - off) {
                    throw new AssertionError(feeding + ": no request, yet only " + used + " of "
                            + (end - off) + " bytes consumed");
                }
                off += used;
                if (p != null) {
                    log.add(describe(p));
                }
            }
        }
        log.add(parser.idle() ? "idle" : parser.inBody() ? "in body" : "in head");
        return log;
    }

    static String describe(RequestParser.Parsed p) {
        return "request " + p.method() + " " + p.uri() + " " + p.version() + " " + p.headers()
                + " body=" + new String(p.body(), StandardCharsets.ISO_8859_1)
                + " keepAlive=" + p.keepAlive() + " continue=" + p.expectContinue();
    }
}
