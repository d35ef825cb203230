package io.github.evasync.internal.http;

import io.github.evasync.http.Headers;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The client's incremental HTTP/1.x response parser: status line and headers, then a body
 * delimited by Content-Length, chunked coding, or the end of the connection. Interim 1xx
 * responses are skipped, but for 101 Switching Protocols, which ends the exchange. Malformed input, and a body over the limit, is an
 * {@link IllegalArgumentException}; the client turns it into an {@code HttpError} and closes
 * the connection.
 *
 * <p>Strict where a lenient reading would let the client and a server (or a proxy between
 * them) disagree on where a response ends: the status is three digits 100-999, Content-Length
 * is digits only and every copy of it must agree, a response is chunked only when chunked is
 * its last transfer coding, and Connection is read as a list of tokens.
 */
final class ResponseParser {
    record Parsed(int status, Headers headers, byte[] body, boolean keepAlive) {
    }

    private enum State { HEAD, BODY, UNTIL_CLOSE, CHUNK_SIZE, CHUNK_DATA, CHUNK_CRLF, TRAILERS, DONE }

    private static final int MAX_HEAD = 64 * 1024;
    /**
     * The most interim (1xx) responses before the final one. Each head is bounded, none is kept,
     * but without a count a server could send them for ever and the call would never end.
     */
    static final int MAX_INTERIM = 32;
    private static final byte[] NO_BODY = new byte[0];
    /** Content-Length digits beyond which the value could overflow a long. */
    private static final int MAX_LENGTH_DIGITS = 18;
    /** Chunk-size hex digits beyond which the size could overflow a long. */
    private static final int MAX_CHUNK_SIZE_DIGITS = 15;
    private static final int FIRST_BODY_BUFFER = 64 * 1024;
    /** The largest array the JVM reliably makes. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final boolean headRequest;
    private final long maxBody;
    private State state = State.HEAD;
    private byte[] head = new byte[512];
    private int headLength;
    private int crlf;
    private int status;
    private Headers headers;
    private boolean keepAlive;
    private long remaining;
    /** The body when its length is known up front: filled in place, handed over without a copy. */
    private byte[] fixed;
    private int fixedLength;
    /** The body when its length is not known up front (chunked, until close); made then. */
    private ByteArrayOutputStream body;
    /** A chunk size or trailer line being collected; made for a chunked body. */
    private StringBuilder line;
    private boolean started;
    private boolean extra;
    /** Interim responses read so far. */
    private int interim;
    /** Bytes of trailer lines read so far: bounded like a head, for the same reason. */
    private int trailerBytes;

    /**
     * A parser for one response.
     *
     * @param headRequest whether the request was HEAD (the response has no body, whatever its headers say)
     * @param maxBody the largest body accepted, in bytes; a body is one array, so never more
     *                than {@value #MAX_ARRAY} whatever this says
     */
    ResponseParser(boolean headRequest, long maxBody) {
        this.headRequest = headRequest;
        this.maxBody = Math.min(maxBody, MAX_ARRAY);
    }

    /** Whether any byte of the response has arrived. */
    boolean started() {
        return started;
    }

    /**
     * Whether bytes followed the response in the piece that completed it. Nobody asked for them
     * (the client sends one request at a time), so the connection is out of step and must not
     * carry another request.
     */
    boolean extra() {
        return extra;
    }

    /** Consumes {@code data}; returns the response once complete, else null. */
    Parsed feed(byte[] data) {
        started |= data.length > 0;
        int i = 0;
        Parsed out = null;
        while (out == null && i < data.length) {
            switch (state) {
                case HEAD -> {
                    int from = i;
                    int c = crlf;
                    boolean end = false;
                    while (i < data.length) {
                        byte b = data[i++];
                        if (b == '\n') {
                            if (++c == 2) {
                                end = true;
                                break;
                            }
                        } else if (b != '\r') {
                            c = 0;
                        }
                    }
                    crlf = c;
                    appendHead(data, from, i);
                    if (end) {
                        crlf = 0;
                        out = parseHead();
                    }
                }
                case BODY -> {
                    int n = (int) Math.min(remaining, data.length - i);
                    if (fixedLength + n > fixed.length) {
                        // Grown as bytes come, not sized from the header: a Content-Length is
                        // only a claim, and memory follows what arrives.
                        long want = Math.max((long) fixed.length * 2, fixedLength + n);
                        fixed = Arrays.copyOf(fixed, (int) Math.min(want, fixedLength + remaining));
                    }
                    System.arraycopy(data, i, fixed, fixedLength, n);
                    fixedLength += n;
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        out = done(fixed);
                    }
                }
                case UNTIL_CLOSE -> {
                    int n = data.length - i;
                    checkBody(n);
                    body.write(data, i, n);
                    i = data.length;
                }
                case CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, data.length - i);
                    body.write(data, i, n);
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.CHUNK_CRLF;
                    }
                }
                case DONE -> throw new IllegalStateException("the response is complete");
                default -> {
                    byte b = data[i++];
                    if (b != '\n') {
                        line.append((char) (b & 0xff));
                        if (line.length() > 1024) {
                            throw new IllegalArgumentException("chunk line too long");
                        }
                        continue;
                    }
                    String l = chunkLine();
                    if (state == State.CHUNK_SIZE) {
                        long size = chunkSize(l);
                        if (size > 0) {
                            checkBody(size);
                        }
                        state = size == 0 ? State.TRAILERS : State.CHUNK_DATA;
                        remaining = size;
                    } else if (state == State.CHUNK_CRLF) {
                        if (!l.isEmpty()) {
                            throw new IllegalArgumentException("chunk longer than its size");
                        }
                        state = State.CHUNK_SIZE;
                    } else if (l.isEmpty()) {
                        out = done(null);
                    } else {
                        // A trailer field, dropped; but an endless stream of them is refused.
                        trailerBytes += l.length() + 2;
                        if (trailerBytes > MAX_HEAD) {
                            throw new IllegalArgumentException("trailers over " + MAX_HEAD + " bytes");
                        }
                    }
                }
            }
        }
        extra = out != null && i < data.length;
        return out;
    }

    /** The connection ended: a close-delimited body is complete now; anything else was cut short. */
    Parsed end() {
        if (state == State.UNTIL_CLOSE) {
            return done(null);
        }
        return null;
    }

    /** Fails before a body grows past the limit by {@code more} bytes, rather than after. */
    private void checkBody(long more) {
        if (more > maxBody - body.size()) {
            throw new IllegalArgumentException("response body over " + maxBody + " bytes (maxResponseBytes)");
        }
    }

    private void appendHead(byte[] data, int from, int to) {
        int n = to - from;
        if (n > MAX_HEAD - headLength) {
            throw new IllegalArgumentException("response head over " + MAX_HEAD + " bytes");
        }
        if (headLength + n > head.length) {
            head = Arrays.copyOf(head, Math.min(MAX_HEAD, Math.max(head.length * 2, headLength + n)));
        }
        System.arraycopy(data, from, head, headLength, n);
        headLength += n;
    }

    /** Parses the head collected; returns the response when it has no body to wait for. */
    private Parsed parseHead() {
        byte[] h = head;
        int length = headLength;
        headLength = 0;
        int eol = lineEnd(h, 0, length);
        int lineLength = eol > 0 && h[eol - 1] == '\r' ? eol - 1 : eol;
        boolean http11 = parseStatusLine(h, lineLength);
        Headers.Builder b = new Headers.Builder();
        String name = null;
        String value = null;
        StringBuilder folded = null;
        for (int p = eol + 1; p < length; ) {
            int e = lineEnd(h, p, length);
            int end = e > p && h[e - 1] == '\r' ? e - 1 : e;
            if (end == p) {
                break; // the empty line that ends the head
            }
            checkFieldBytes(h, p, end);
            if (h[p] == ' ' || h[p] == '\t') {
                // obs-fold: a user agent replaces it with a space (RFC 9112 section 5.2).
                if (name == null) {
                    throw new IllegalArgumentException("malformed header line");
                }
                // Joined in a builder: concatenating copied the value again for every fold.
                if (folded == null) {
                    folded = new StringBuilder(value);
                }
                folded.append(' ').append(trim(h, p, end));
            } else {
                if (name != null) {
                    b.add(name, folded == null ? value : folded.toString());
                    folded = null;
                }
                int colon = p;
                while (colon < end && h[colon] != ':') {
                    if (!Token.is(h[colon])) {
                        throw new IllegalArgumentException("malformed header line");
                    }
                    colon++;
                }
                if (colon == p || colon == end) {
                    throw new IllegalArgumentException("malformed header line");
                }
                name = new String(h, p, colon - p, StandardCharsets.ISO_8859_1);
                value = trim(h, colon + 1, end);
            }
            p = e + 1;
        }
        if (name != null) {
            b.add(name, folded == null ? value : folded.toString());
        }
        headers = b.build();
        if (status == 101) {
            // Switching Protocols is final: what follows is another protocol's, never an HTTP
            // head to wait for (the client speaks no other, so the connection ends with it).
            keepAlive = false;
            return done(NO_BODY);
        }
        if (status < 200) {
            // An interim answer (100 Continue, 103 Early Hints): the real one follows.
            if (++interim > MAX_INTERIM) {
                throw new IllegalArgumentException("more than " + MAX_INTERIM + " interim (1xx) responses");
            }
            return null;
        }
        // Lower-case names: Headers looks them up lower-cased, and these need no copy for that.
        List<String> connection = headers.all("connection");
        keepAlive = !hasToken(connection, "close") && (http11 || hasToken(connection, "keep-alive"));
        List<String> te = headers.all("transfer-encoding");
        long length0 = contentLength(headers.all("content-length"));
        if (headRequest || status == 204 || status == 304) {
            return done(NO_BODY);
        }
        if (!te.isEmpty()) {
            if (!http11 || length0 >= 0) {
                // HTTP/1.0 with Transfer-Encoding, or both framings: faulty framing, so the
                // connection ends after this response (RFC 9112 sections 6.1 and 6.3).
                keepAlive = false;
            }
            body = new ByteArrayOutputStream();
            if (lastCodingIsChunked(te)) {
                state = State.CHUNK_SIZE;
                line = new StringBuilder();
            } else {
                // Not chunked last: the body ends when the connection does (RFC 9112 section 6.3).
                state = State.UNTIL_CLOSE;
                keepAlive = false;
            }
        } else if (length0 >= 0) {
            if (length0 > maxBody) {
                throw new IllegalArgumentException("response body over " + maxBody
                        + " bytes (maxResponseBytes): Content-Length " + length0);
            }
            if (length0 == 0) {
                return done(NO_BODY);
            }
            remaining = length0;
            fixed = new byte[(int) Math.min(length0, FIRST_BODY_BUFFER)];
            fixedLength = 0;
            state = State.BODY;
        } else {
            body = new ByteArrayOutputStream();
            state = State.UNTIL_CLOSE;
            keepAlive = false;
        }
        return null;
    }

    /**
     * Checks the status line, sets {@link #status}, and says whether it is HTTP/1.1 (or a later
     * 1.x, read as 1.1): {@code HTTP/1.<digit> SP 3DIGIT}, then the end or {@code SP reason}.
     */
    private boolean parseStatusLine(byte[] h, int n) {
        if (n == 0) {
            throw new IllegalArgumentException("empty response head: no status line");
        }
        boolean ok = n >= 12 && h[0] == 'H' && h[1] == 'T' && h[2] == 'T' && h[3] == 'P' && h[4] == '/'
                && h[5] == '1' && h[6] == '.' && isDigit(h[7]) && h[8] == ' '
                && h[9] >= '1' && h[9] <= '9' && isDigit(h[10]) && isDigit(h[11]) && (n == 12 || h[12] == ' ');
        if (!ok) {
            String text = new String(h, 0, Math.min(n, 200), StandardCharsets.ISO_8859_1);
            throw new IllegalArgumentException("malformed status line: " + text);
        }
        status = (h[9] - '0') * 100 + (h[10] - '0') * 10 + (h[11] - '0');
        return h[7] != '0';
    }

    /** The Content-Length, -1 when absent; every copy (fields and list members) must agree. */
    private static long contentLength(List<String> values) {
        long length = -1;
        for (String v : values) {
            for (String member : v.indexOf(',') < 0 ? new String[] {v} : v.split(",", -1)) {
                String m = ows(member);
                if (m.isEmpty() || m.length() > MAX_LENGTH_DIGITS) {
                    throw new IllegalArgumentException("bad Content-Length " + v);
                }
                long n = 0;
                for (int k = 0; k < m.length(); k++) {
                    char c = m.charAt(k);
                    if (c < '0' || c > '9') {
                        throw new IllegalArgumentException("bad Content-Length " + v);
                    }
                    n = n * 10 + (c - '0');
                }
                if (length >= 0 && n != length) {
                    throw new IllegalArgumentException("two different Content-Length values: " + length + " and " + n);
                }
                length = n;
            }
        }
        return length;
    }

    /** Whether the last transfer coding named, across every field, is chunked. */
    private static boolean lastCodingIsChunked(List<String> values) {
        String last = null;
        for (String v : values) {
            for (String member : v.split(",")) {
                String m = ows(member);
                if (!m.isEmpty()) {
                    int semi = m.indexOf(';');
                    last = ows(semi >= 0 ? m.substring(0, semi) : m);
                }
            }
        }
        if (last == null) {
            throw new IllegalArgumentException("empty Transfer-Encoding");
        }
        return last.equalsIgnoreCase("chunked");
    }

    private static boolean hasToken(List<String> values, String token) {
        for (String v : values) {
            for (String t : v.split(",")) {
                if (ows(t).equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The chunk-framing line collected, without its line end; a CR elsewhere in it is an error. */
    private String chunkLine() {
        int n = line.length();
        if (n > 0 && line.charAt(n - 1) == '\r') {
            n--;
        }
        for (int k = 0; k < n; k++) {
            if (line.charAt(k) == '\r') {
                throw new IllegalArgumentException("bare CR in a chunk line");
            }
        }
        String l = line.substring(0, n);
        line.setLength(0);
        return l;
    }

    /** {@code 1*HEXDIG [BWS ";" extensions]}: hex digits only, no sign, no leading space. */
    private static long chunkSize(String l) {
        int k = 0;
        while (k < l.length() && Character.digit(l.charAt(k), 16) >= 0 && l.charAt(k) < 128) {
            k++;
        }
        int end = k;
        while (k < l.length() && (l.charAt(k) == ' ' || l.charAt(k) == '\t')) {
            k++;
        }
        if (end == 0 || end > MAX_CHUNK_SIZE_DIGITS || (k < l.length() && l.charAt(k) != ';')) {
            throw new IllegalArgumentException("bad chunk size: " + (l.length() > 40 ? l.substring(0, 40) : l));
        }
        return Long.parseLong(l, 0, end, 16);
    }

    /** The index of the next LF at or after {@code from}, or {@code to} when none. */
    private static int lineEnd(byte[] h, int from, int to) {
        for (int k = from; k < to; k++) {
            if (h[k] == '\n') {
                return k;
            }
        }
        return to;
    }

    /** A field line holds no CR (but at its end, already cut) and no NUL (RFC 9110 section 5.5). */
    private static void checkFieldBytes(byte[] h, int from, int to) {
        for (int k = from; k < to; k++) {
            if (h[k] == '\r' || h[k] == 0) {
                throw new IllegalArgumentException("malformed header line: CR or NUL in a field");
            }
        }
    }

    /** The bytes between optional whitespace (SP, HTAB only: RFC 9110's OWS) as text. */
    private static String trim(byte[] h, int from, int to) {
        while (from < to && (h[from] == ' ' || h[from] == '\t')) {
            from++;
        }
        while (to > from && (h[to - 1] == ' ' || h[to - 1] == '\t')) {
            to--;
        }
        return new String(h, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /** {@code s} without leading and trailing SP and HTAB (Java's strip() takes more, such as \f). */
    private static String ows(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
            from++;
        }
        while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
            to--;
        }
        return s.substring(from, to);
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private Parsed done(byte[] bytes) {
        state = State.DONE;
        return new Parsed(status, headers, bytes != null ? bytes : body.toByteArray(), keepAlive);
    }

    /** The token characters of RFC 9110 section 5.6.2, for field names. */
    private static final class Token {
        private static final boolean[] TABLE = new boolean[128];

        static {
            for (char c = '0'; c <= '9'; c++) {
                TABLE[c] = true;
            }
            for (char c = 'a'; c <= 'z'; c++) {
                TABLE[c] = true;
                TABLE[c - 32] = true;
            }
            for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
                TABLE[c] = true;
            }
        }

        static boolean is(byte b) {
            return b >= 0 && TABLE[b];
        }
    }
}
