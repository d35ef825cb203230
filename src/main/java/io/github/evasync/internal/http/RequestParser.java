package io.github.evasync.internal.http;

import io.github.evasync.http.Headers;
import io.github.evasync.http.HttpServerOptions;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * An incremental HTTP/1.x request parser: it is fed bytes as they arrive and never parses the
 * same bytes twice. It keeps the head (request line and headers) until the blank line, then
 * reads a Content-Length or chunked body. Anything malformed or over a limit becomes a
 * {@link BadRequest} with the status to answer, and the connection closes; lenient parsing is
 * how request smuggling starts, so it is strict (RFC 9110, RFC 9112):
 * <ul>
 * <li>every line ends in CRLF: a bare LF, a bare CR, or CR CR LF is a 400, in the head and in
 *     the chunked framing (size lines, the CRLF after chunk data, trailers);</li>
 * <li>no obsolete line folding, no NUL; a field value holds no control character but HTAB
 *     (no DEL either), in the headers and in the trailers;</li>
 * <li>only SP and HTAB are whitespace (OWS): a value is trimmed of those and nothing else
 *     (Java's {@code strip()} would also drop VT, FF and 0x1C to 0x1F), and a chunk size is hex
 *     digits from the first byte of its line, followed by SP/HTAB only before a {@code ;};</li>
 * <li>{@code Host}: exactly one in HTTP/1.1, at most one in HTTP/1.0, and its value
 *     {@code uri-host [":" port]} of RFC 3986 (empty allowed, as RFC 9112 section 3.2 does);</li>
 * <li>framing: one Content-Length value (repeats must agree), not both Content-Length and
 *     Transfer-Encoding, no Transfer-Encoding in HTTP/1.0, and a Transfer-Encoding whose last
 *     coding is not {@code chunked} is a 400 (RFC 9112 section 6.3: the length cannot be
 *     known). When the last coding is {@code chunked} but there are others before it (or
 *     {@code chunked} twice) the request is framed but asks for codings this server does not
 *     decode: 501, as RFC 9112 section 6.1 advises for an unknown coding.</li>
 * </ul>
 * The head listener (100-continue) is called only once the head has passed every check, the
 * body limit included, so that a client is never told to go on with a request that is then
 * refused.
 */
final class RequestParser {
    /** What the parser hands on once a request is complete. */
    record Parsed(String method, String uri, String version, Headers headers, byte[] body, boolean keepAlive,
                  boolean expectContinue, String origin) {
        /** A request whose target is in origin form, as most are: its origin is its target. */
        Parsed(String method, String uri, String version, Headers headers, byte[] body, boolean keepAlive,
               boolean expectContinue) {
            this(method, uri, version, headers, body, keepAlive, expectContinue, uri);
        }

        /** Whether the body streams to a {@link BodySink} ({@code streamRequestBodies}); then body is null. */
        boolean streamed() {
            return body == null;
        }
    }

    /** Takes a streamed body's pieces ({@code streamRequestBodies}). */
    interface BodySink {
        /** A piece of the body, in a new array. */
        void bodyPiece(byte[] bytes);

        /** The body is complete. */
        void bodyEnd();
    }

    /** Told when a head is complete and has passed every check, before its body arrives (for 100-continue). */
    interface HeadListener {
        void onHead(boolean expectContinue);
    }

    private enum State { HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_CRLF, TRAILERS }

    private static final int MAX_CHUNK_LINE = 1024;
    private static final byte[] NO_BODY = new byte[0];
    private static final String HTTP_11 = "HTTP/1.1";
    private static final String HTTP_10 = "HTTP/1.0";

    private final HttpServerOptions options;
    private State state = State.HEAD;
    private byte[] head = new byte[1024];
    private int headLen;
    private int crlfMatch;
    /**
     * Bytes of empty lines skipped before this request's line: RFC 9112 section 2.2 asks a server
     * to ignore at least one (clients have sent a CRLF after a POST body); up to
     * {@link #MAX_LEADING_CRLF} bytes are, more is a bad request line as before.
     */
    private int leading;
    private static final int MAX_LEADING_CRLF = 4;
    private boolean sawFirstLineEnd;

    private String method;
    private String uri;
    /**
     * The target's path and query: the target itself but in absolute form, where it is what
     * follows the authority ({@code /} when nothing does).
     */
    private String origin;
    private String version;
    private Headers headers;
    private boolean keepAlive;
    private boolean expectContinue;
    private long remaining;
    private byte[] body = NO_BODY;
    private int bodyLen;
    /** The current line of the chunked framing, without its CRLF; allocated by the first chunked body. */
    private byte[] line;
    private int lineLen;
    /** Whether the last byte of the chunked framing was a CR, which only an LF may follow. */
    private boolean lineCr;
    private int trailerBytes;
    /** Whether bodies stream to {@link #sink} instead of being collected (no body limit then). */
    private final boolean streaming;
    /** Where the current request's body streams, once its head was handed out. */
    private BodySink sink;

    RequestParser(HttpServerOptions options) {
        this.options = options;
        this.streaming = options.streamRequestBodies();
    }

    /** Where the body of the request just handed out streams to; set before the next feed. */
    void sink(BodySink s) {
        sink = s;
    }

    /** Whether no byte of a next request has arrived yet. */
    boolean idle() {
        return state == State.HEAD && headLen == 0;
    }

    /** Whether the head of the current request is complete. */
    boolean inBody() {
        return state != State.HEAD;
    }

    /**
     * Consumes bytes from {@code data[off..end)} until one request is complete or the bytes run
     * out. Returns the request, or null when more bytes are needed; {@link #consumed()} tells how
     * far it got.
     */
    Parsed feed(byte[] data, int off, int end, HeadListener onHead) throws BadRequest {
        int i = off;
        try {
            while (i < end) {
                switch (state) {
                    case HEAD -> {
                        while (headLen == 0 && i < end && leading < MAX_LEADING_CRLF) {
                            byte lead = data[i];
                            if ((leading & 1) == 1) {
                                if (lead != '\n') {
                                    throw new BadRequest(400, "bare CR in the request head");
                                }
                            } else if (lead != '\r') {
                                break; // the request line begins
                            }
                            i++;
                            leading++;
                        }
                        if ((leading & 1) == 1 && i == end) {
                            break; // a CR, its LF in the next piece
                        }
                        int start = i;
                        boolean done = false;
                        int room = options.maxHeaderBytes() - headLen;
                        while (i < end) {
                            if (i - start >= room) {
                                throw new BadRequest(sawFirstLineEnd ? 431 : 414,
                                        "request head over " + options.maxHeaderBytes() + " bytes");
                            }
                            byte b = data[i++];
                            if (b == '\r') {
                                if (crlfMatch == 1 || crlfMatch == 3) {
                                    throw new BadRequest(400, "bare CR in the request head"); // CR CR
                                }
                                crlfMatch = crlfMatch == 2 ? 3 : 1;
                            } else if (b == '\n') {
                                if (crlfMatch == 1 || crlfMatch == 3) {
                                    sawFirstLineEnd = true;
                                    if (crlfMatch == 3) {
                                        done = true;
                                        crlfMatch = 0;
                                        break;
                                    }
                                    crlfMatch = 2;
                                } else {
                                    throw new BadRequest(400, "bare LF in the request head");
                                }
                            } else {
                                if (crlfMatch == 1 || crlfMatch == 3) {
                                    throw new BadRequest(400, "bare CR in the request head");
                                }
                                if (b == 0) {
                                    throw new BadRequest(400, "NUL in the request head");
                                }
                                crlfMatch = 0;
                            }
                        }
                        append(data, start, i - start);
                        if (done) {
                            parseHead();
                            frame();
                            // Every check has passed: only now may the client be told to go on.
                            onHead.onHead(expectContinue);
                            if (state == State.HEAD) {
                                consumed = i - off;
                                return complete();
                            }
                            if (streaming) {
                                // The head goes out now; the body follows piece by piece.
                                consumed = i - off;
                                return new Parsed(method, uri, version, headers, null, keepAlive, expectContinue, origin);
                            }
                        }
                    }
                    case BODY -> {
                        int n = (int) Math.min(remaining, end - i);
                        appendBody(data, i, n);
                        i += n;
                        remaining -= n;
                        if (remaining == 0) {
                            consumed = i - off;
                            return complete();
                        }
                    }
                    case CHUNK_SIZE, CHUNK_CRLF, TRAILERS -> {
                        byte b = data[i++];
                        if (lineCr) {
                            if (b != '\n') {
                                throw new BadRequest(400, "bare CR in chunked body");
                            }
                            lineCr = false;
                            Parsed p = endOfLine();
                            if (p != null) {
                                consumed = i - off;
                                return p;
                            }
                        } else if (b == '\r') {
                            lineCr = true;
                        } else if (b == '\n') {
                            throw new BadRequest(400, "bare LF in chunked body");
                        } else {
                            if (b == 0) {
                                throw new BadRequest(400, "NUL in chunked body framing");
                            }
                            if (lineLen == MAX_CHUNK_LINE) {
                                throw new BadRequest(400, "chunk line too long");
                            }
                            line[lineLen++] = b;
                            if (state == State.TRAILERS && ++trailerBytes > options.maxHeaderBytes()) {
                                throw new BadRequest(431, "trailers too large");
                            }
                        }
                    }
                    case CHUNK_DATA -> {
                        int n = (int) Math.min(remaining, end - i);
                        appendBody(data, i, n);
                        i += n;
                        remaining -= n;
                        if (remaining == 0) {
                            state = State.CHUNK_CRLF;
                        }
                    }
                }
            }
        } catch (BadRequest e) {
            throw e;
        } catch (RuntimeException e) {
            throw new BadRequest(400, "malformed request: " + e.getMessage());
        }
        consumed = end - off;
        return null;
    }

    private int consumed;

    /** How many bytes the last {@link #feed} consumed. */
    int consumed() {
        return consumed;
    }

    private void append(byte[] data, int off, int n) throws BadRequest {
        if (headLen + n > options.maxHeaderBytes()) {
            throw new BadRequest(sawFirstLineEnd ? 431 : 414, "request head over " + options.maxHeaderBytes() + " bytes");
        }
        if (headLen + n > head.length) {
            head = Arrays.copyOf(head, Math.min(options.maxHeaderBytes(), Math.max(head.length * 2, headLen + n)));
        }
        System.arraycopy(data, off, head, headLen, n);
        headLen += n;
    }

    private void appendBody(byte[] data, int off, int n) throws BadRequest {
        if (streaming) {
            if (n > 0) {
                sink.bodyPiece(Arrays.copyOfRange(data, off, off + n));
            }
            return;
        }
        if ((long) bodyLen + n > options.maxBodyBytes()) {
            throw new BadRequest(413, "body over " + options.maxBodyBytes() + " bytes");
        }
        if (bodyLen + n > body.length) {
            body = Arrays.copyOf(body, Math.min(options.maxBodyBytes(), Math.max(Math.max(body.length * 2, 256), bodyLen + n)));
        }
        System.arraycopy(data, off, body, bodyLen, n);
        bodyLen += n;
    }

    /**
     * Checks the request target's form against the method (RFC 9112 section 3.2) and sets
     * {@link #origin}: origin form ({@code /path?query}) for any method but CONNECT; absolute
     * form for {@code http} and {@code https} URIs with a host and no user information (RFC 9110
     * section 4.2.4); authority form ({@code host:port}) for CONNECT only; {@code *} for OPTIONS
     * only. Anything else (a bare {@code index.html}, another scheme) is a 400: an application
     * routing on the path would otherwise see targets no client means.
     *
     * {@return the authority of an absolute-form target, or null}
     */
    private String checkTargetForm() throws BadRequest {
        String t = uri;
        origin = t;
        if (method.equals("CONNECT")) {
            int colon = t.lastIndexOf(':');
            if (t.charAt(0) == '/' || colon <= 0 || colon == t.length() - 1 || colon < t.lastIndexOf(']')
                    || !HttpSyntax.validHost(t)) {
                throw new BadRequest(400, "bad request target");
            }
            return null;
        }
        if (t.charAt(0) == '/') {
            return null;
        }
        if (t.equals("*")) {
            if (!method.equals("OPTIONS")) {
                throw new BadRequest(400, "bad request target");
            }
            return null;
        }
        int schemeEnd = t.indexOf("://");
        String scheme = schemeEnd > 0 ? t.substring(0, schemeEnd) : "";
        if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
            throw new BadRequest(400, "bad request target");
        }
        int from = schemeEnd + 3;
        int end = from;
        while (end < t.length() && t.charAt(end) != '/' && t.charAt(end) != '?' && t.charAt(end) != '#') {
            end++;
        }
        String authority = t.substring(from, end);
        // A host, not just a port: RFC 9110 4.2.1 has a recipient reject an http URI with an empty one.
        if (authority.isEmpty() || authority.charAt(0) == ':' || authority.indexOf('@') >= 0
                || !HttpSyntax.validHost(authority)) {
            throw new BadRequest(400, "bad request target");
        }
        String rest = t.substring(end);
        origin = rest.startsWith("/") ? rest : "/" + rest;
        return authority;
    }

    /**
     * Parses the complete head in {@code head[0..headLen)}, which ends in CRLF CRLF and, as the
     * scan in {@link #feed} made sure, holds no NUL, and no CR that is not followed by LF.
     */
    private void parseHead() throws BadRequest {
        byte[] h = head;
        int lineEnd = indexOfCr(h, 0);
        int sp1 = indexOf(h, ' ', 0, lineEnd);
        int sp2 = sp1 < 0 ? -1 : indexOf(h, ' ', sp1 + 1, lineEnd);
        if (sp2 < 0 || indexOf(h, ' ', sp2 + 1, lineEnd) >= 0) {
            throw new BadRequest(400, "malformed request line");
        }
        if (sp1 == 0 || !HttpSyntax.isToken(h, 0, sp1)) {
            throw new BadRequest(400, "bad method");
        }
        if (sp2 == sp1 + 1 || !HttpSyntax.validTarget(h, sp1 + 1, sp2)) {
            throw new BadRequest(400, "bad request target");
        }
        method = latin1(h, 0, sp1);
        uri = latin1(h, sp1 + 1, sp2);
        version = version(h, sp2 + 1, lineEnd);
        String authority = checkTargetForm();

        Headers.Builder b = new Headers.Builder();
        int hosts = 0;
        String host = null;
        for (int start = lineEnd + 2; start < headLen - 2; start = lineEnd + 2) {
            lineEnd = indexOfCr(h, start);
            int colon = fieldColon(h, start, lineEnd, "header");
            int vs = colon + 1;
            int ve = lineEnd;
            while (vs < ve && (h[vs] == ' ' || h[vs] == '\t')) {
                vs++;
            }
            while (ve > vs && (h[ve - 1] == ' ' || h[ve - 1] == '\t')) {
                ve--;
            }
            if (HttpSyntax.hasControl(h, vs, ve)) {
                throw new BadRequest(400, "control character in a header value");
            }
            String value = latin1(h, vs, ve);
            if (colon - start == 4 && (h[start] | 0x20) == 'h' && (h[start + 1] | 0x20) == 'o'
                    && (h[start + 2] | 0x20) == 's' && (h[start + 3] | 0x20) == 't') {
                hosts++;
                host = value;
                if (authority != null) {
                    continue; // replaced below
                }
            }
            b.add(latin1(h, start, colon), value);
        }
        if (authority != null) {
            // RFC 9112 section 3.2.2: with an absolute-form target the server ignores the Host
            // field and uses the target's authority; so does the application, which reads Host.
            b.add("Host", authority);
        }
        headers = b.build();
        if (hosts > 1) {
            throw new BadRequest(400, "repeated Host");
        }
        if (hosts == 0 && version == HTTP_11) {
            throw new BadRequest(400, "missing Host");
        }
        if (host != null && !HttpSyntax.validHost(host)) {
            throw new BadRequest(400, "malformed Host");
        }
        // Every Connection field, as one list: "close" in a second field counts as in the first.
        List<String> fields = headers.all("Connection");
        String connection = fields.isEmpty() ? null : fields.size() == 1 ? fields.get(0) : String.join(",", fields);
        boolean close = HttpSyntax.hasToken(connection, "close");
        keepAlive = version == HTTP_11 ? !close : HttpSyntax.hasToken(connection, "keep-alive") && !close;
        String expect = headers.get("Expect");
        boolean wantsContinue = expect != null && expect.equalsIgnoreCase("100-continue");
        expectContinue = wantsContinue && version == HTTP_11;
        // An HTTP/1.0 client's 100-continue is ignored, as RFC 9110 section 10.1.1 requires.
        if (expect != null && !wantsContinue) {
            throw new BadRequest(417, "unsupported expectation");
        }
    }

    /** The protocol of the request line: one of the two constants, or a BadRequest. */
    private static String version(byte[] h, int from, int to) throws BadRequest {
        int n = to - from;
        if (n != 8 || h[from] != 'H' || h[from + 1] != 'T' || h[from + 2] != 'T' || h[from + 3] != 'P'
                || h[from + 4] != '/' || h[from + 6] != '.') {
            throw new BadRequest(400, "bad protocol version");
        }
        if (h[from + 5] == '1' && h[from + 7] == '1') {
            return HTTP_11;
        }
        if (h[from + 5] == '1' && h[from + 7] == '0') {
            return HTTP_10;
        }
        throw new BadRequest(505, "unsupported protocol version " + latin1(h, from, to));
    }

    /**
     * Checks the name of the field line {@code b[start..end)} ("header" or "trailer" in the
     * reasons) and returns where its colon is.
     */
    private static int fieldColon(byte[] b, int start, int end, String what) throws BadRequest {
        if (start == end) {
            throw new BadRequest(400, "empty " + what + " line");
        }
        if (b[start] == ' ' || b[start] == '\t') {
            throw new BadRequest(400, "obsolete " + what + " line folding");
        }
        int colon = indexOf(b, ':', start, end);
        if (colon <= start) {
            throw new BadRequest(400, what + " line without a name");
        }
        if (!HttpSyntax.isToken(b, start, colon)) {
            throw new BadRequest(400, "bad " + what + " name");
        }
        return colon;
    }

    /** Checks the framing headers and sets up the body read; the state stays HEAD when there is no body. */
    private void frame() throws BadRequest {
        var te = headers.all("Transfer-Encoding");
        var cl = headers.all("Content-Length");
        if (!te.isEmpty()) {
            if (!cl.isEmpty()) {
                throw new BadRequest(400, "both Content-Length and Transfer-Encoding");
            }
            if (version != HTTP_11) {
                throw new BadRequest(400, "Transfer-Encoding in an HTTP/1.0 request");
            }
            // The codings of every field, in order; empty list elements are ignored (RFC 9110 5.6.1).
            int codings = 0;
            boolean lastChunked = false;
            for (String v : te) {
                int k = 0;
                int n = v.length();
                while (k < n) {
                    int comma = v.indexOf(',', k);
                    int e = comma < 0 ? n : comma;
                    int s = k;
                    while (s < e && HttpSyntax.isOws(v.charAt(s))) {
                        s++;
                    }
                    int t = e;
                    while (t > s && HttpSyntax.isOws(v.charAt(t - 1))) {
                        t--;
                    }
                    if (t > s) {
                        codings++;
                        lastChunked = v.regionMatches(true, s, "chunked", 0, 7) && t - s == 7;
                    }
                    k = e + 1;
                }
            }
            if (!lastChunked) {
                throw new BadRequest(400, "Transfer-Encoding whose last coding is not chunked " + te);
            }
            if (codings != 1) {
                // Framed by chunked, but with codings before it this server does not decode.
                throw new BadRequest(501, "unsupported transfer coding " + te);
            }
            state = State.CHUNK_SIZE;
            if (line == null) {
                line = new byte[MAX_CHUNK_LINE];
            }
            lineLen = 0;
            lineCr = false;
            return;
        }
        if (!cl.isEmpty()) {
            long length = -1;
            for (String v : cl) {
                int k = 0;
                int n = v.length();
                do {
                    int comma = v.indexOf(',', k);
                    int e = comma < 0 ? n : comma;
                    long len = parseLength(v, k, e);
                    if (length >= 0 && len != length) {
                        throw new BadRequest(400, "conflicting Content-Length");
                    }
                    length = len;
                    k = e + 1;
                } while (k <= n);
            }
            if (length > options.maxBodyBytes() && !streaming) {
                throw new BadRequest(413, "body of " + length + " bytes over " + options.maxBodyBytes());
            }
            if (length > 0) {
                remaining = length;
                state = State.BODY;
            }
        }
    }

    /** The decimal {@code s[from..to)} with SP/HTAB around it, or a BadRequest. */
    private static long parseLength(String s, int from, int to) throws BadRequest {
        while (from < to && HttpSyntax.isOws(s.charAt(from))) {
            from++;
        }
        while (to > from && HttpSyntax.isOws(s.charAt(to - 1))) {
            to--;
        }
        if (from == to || to - from > 18) {
            throw new BadRequest(400, "bad Content-Length");
        }
        long n = 0;
        for (int k = from; k < to; k++) {
            char c = s.charAt(k);
            if (c < '0' || c > '9') {
                throw new BadRequest(400, "bad Content-Length");
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private Parsed endOfLine() throws BadRequest {
        switch (state) {
            case CHUNK_SIZE -> {
                // chunk-size [ BWS ";" chunk-ext ]: hex digits from the first byte, and SP/HTAB only before a ";".
                byte[] l = line;
                int k = 0;
                long size = 0;
                while (k < lineLen) {
                    int d = HttpSyntax.hex(l[k]);
                    if (d < 0) {
                        break;
                    }
                    if (k == 15) {
                        throw new BadRequest(400, "bad chunk size");
                    }
                    size = size * 16 + d;
                    k++;
                }
                if (k == 0) {
                    throw new BadRequest(400, "bad chunk size");
                }
                int ws = k;
                while (k < lineLen && (l[k] == ' ' || l[k] == '\t')) {
                    k++;
                }
                if (k < lineLen ? l[k] != ';' : k != ws) {
                    throw new BadRequest(400, "bad chunk size");
                }
                if (HttpSyntax.hasControl(l, k, lineLen)) {
                    throw new BadRequest(400, "control character in a chunk extension");
                }
                if (bodyLen + size > options.maxBodyBytes() && !streaming) {
                    throw new BadRequest(413, "chunked body over " + options.maxBodyBytes() + " bytes");
                }
                lineLen = 0;
                if (size == 0) {
                    state = State.TRAILERS;
                    trailerBytes = 0;
                } else {
                    remaining = size;
                    state = State.CHUNK_DATA;
                }
            }
            case CHUNK_CRLF -> {
                if (lineLen != 0) {
                    throw new BadRequest(400, "chunk data longer than its size");
                }
                state = State.CHUNK_SIZE;
            }
            case TRAILERS -> {
                if (lineLen == 0) {
                    return complete();
                }
                // A trailer field is checked like a header field, then dropped.
                int colon = fieldColon(line, 0, lineLen, "trailer");
                if (HttpSyntax.hasControl(line, colon + 1, lineLen)) {
                    throw new BadRequest(400, "control character in a trailer value");
                }
                lineLen = 0;
            }
            default -> throw new IllegalStateException(state.toString());
        }
        return null;
    }

    private Parsed complete() {
        Parsed p;
        if (streaming) {
            BodySink s = sink;
            sink = null;
            if (s != null) {
                // A body that streamed: its head went out already, its end goes to the sink.
                s.bodyEnd();
                p = null;
            } else {
                p = new Parsed(method, uri, version, headers, null, keepAlive, expectContinue, origin);
            }
        } else {
            byte[] b = bodyLen == 0 ? NO_BODY : bodyLen == body.length ? body : Arrays.copyOf(body, bodyLen);
            p = new Parsed(method, uri, version, headers, b, keepAlive, expectContinue, origin);
        }
        state = State.HEAD;
        headLen = 0;
        crlfMatch = 0;
        leading = 0;
        sawFirstLineEnd = false;
        body = NO_BODY;
        bodyLen = 0;
        remaining = 0;
        lineLen = 0;
        lineCr = false;
        return p;
    }

    private static int indexOfCr(byte[] b, int from) {
        while (b[from] != '\r') {
            from++;
        }
        return from;
    }

    private static int indexOf(byte[] b, char c, int from, int to) {
        for (int k = from; k < to; k++) {
            if (b[k] == c) {
                return k;
            }
        }
        return -1;
    }

    private static String latin1(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
