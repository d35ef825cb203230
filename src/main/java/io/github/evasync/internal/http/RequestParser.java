package io.github.evasync.internal.http;

import io.github.evasync.http.Headers;
import io.github.evasync.http.HttpServerOptions;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An incremental HTTP/1.x request parser: it is fed bytes as they arrive and never parses the
 * same bytes twice. It keeps the head (request line and headers) until the blank line, then
 * reads a Content-Length or chunked body. Anything malformed or over a limit becomes a
 * {@link BadRequest} with the status to answer; lenient parsing is how request smuggling
 * starts, so it is strict: CRLF line ends, no obsolete line folding, no NUL or bare CR, one
 * Content-Length, not both Content-Length and Transfer-Encoding.
 */
final class RequestParser {
    /** What the parser hands on once a request is complete. */
    record Parsed(String method, String uri, String version, Headers headers, byte[] body, boolean keepAlive,
                  boolean expectContinue) {
    }

    /** Told when a head is complete, before its body arrives (for 100-continue). */
    interface HeadListener {
        void onHead(boolean expectContinue);
    }

    private enum State { HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_CRLF, TRAILERS }

    private static final int MAX_CHUNK_LINE = 1024;
    private static final byte[] NO_BODY = new byte[0];

    private final HttpServerOptions options;
    private State state = State.HEAD;
    private byte[] head = new byte[1024];
    private int headLen;
    private int crlfMatch;
    private boolean sawFirstLineEnd;

    private String method;
    private String uri;
    private String version;
    private Headers headers;
    private boolean keepAlive;
    private boolean expectContinue;
    private long remaining;
    private byte[] body = NO_BODY;
    private int bodyLen;
    private final StringBuilder line = new StringBuilder();
    private int trailerBytes;

    RequestParser(HttpServerOptions options) {
        this.options = options;
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
                            onHead.onHead(expectContinue);
                            Parsed p = afterHead();
                            if (p != null) {
                                consumed = i - off;
                                return p;
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
                        if (b == '\n') {
                            if (line.isEmpty() || line.charAt(line.length() - 1) != '\r') {
                                throw new BadRequest(400, "bare LF in chunked body");
                            }
                            line.setLength(line.length() - 1);
                            Parsed p = endOfLine();
                            if (p != null) {
                                consumed = i - off;
                                return p;
                            }
                        } else {
                            if (b == 0) {
                                throw new BadRequest(400, "NUL in chunked body framing");
                            }
                            line.append((char) (b & 0xff));
                            if (line.length() > MAX_CHUNK_LINE) {
                                throw new BadRequest(400, "chunk line too long");
                            }
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
        if ((long) bodyLen + n > options.maxBodyBytes()) {
            throw new BadRequest(413, "body over " + options.maxBodyBytes() + " bytes");
        }
        if (bodyLen + n > body.length) {
            body = Arrays.copyOf(body, Math.min(options.maxBodyBytes(), Math.max(Math.max(body.length * 2, 256), bodyLen + n)));
        }
        System.arraycopy(data, off, body, bodyLen, n);
        bodyLen += n;
    }

    private void parseHead() throws BadRequest {
        String text = new String(head, 0, headLen - 4, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n", -1);
        String[] requestLine = lines[0].split(" ", -1);
        if (requestLine.length != 3) {
            throw new BadRequest(400, "malformed request line");
        }
        method = requestLine[0];
        uri = requestLine[1];
        version = requestLine[2];
        if (method.isEmpty() || !isToken(method)) {
            throw new BadRequest(400, "bad method");
        }
        if (uri.isEmpty() || !validTarget(uri)) {
            throw new BadRequest(400, "bad request target");
        }
        if (!version.startsWith("HTTP/") || version.length() != 8 || version.charAt(6) != '.') {
            throw new BadRequest(400, "bad protocol version");
        }
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw new BadRequest(505, "unsupported protocol version " + version);
        }
        Headers.Builder b = new Headers.Builder();
        for (int k = 1; k < lines.length; k++) {
            String l = lines[k];
            if (l.isEmpty()) {
                throw new BadRequest(400, "empty header line");
            }
            if (l.charAt(0) == ' ' || l.charAt(0) == '\t') {
                throw new BadRequest(400, "obsolete header line folding");
            }
            int colon = l.indexOf(':');
            if (colon <= 0) {
                throw new BadRequest(400, "header line without a name");
            }
            String name = l.substring(0, colon);
            if (!isToken(name)) {
                throw new BadRequest(400, "bad header name");
            }
            b.add(name, l.substring(colon + 1).strip());
        }
        headers = b.build();
        String connection = headers.get("Connection");
        boolean close = hasToken(connection, "close");
        keepAlive = version.equals("HTTP/1.1") ? !close : hasToken(connection, "keep-alive") && !close;
        String expect = headers.get("Expect");
        expectContinue = expect != null && expect.equalsIgnoreCase("100-continue") && version.equals("HTTP/1.1");
        if (expect != null && !expectContinue) {
            throw new BadRequest(417, "unsupported expectation");
        }
    }

    /** Sets up the body read; returns the request at once when it has no body. */
    private Parsed afterHead() throws BadRequest {
        var te = headers.all("Transfer-Encoding");
        var cl = headers.all("Content-Length");
        if (!te.isEmpty()) {
            if (!cl.isEmpty()) {
                throw new BadRequest(400, "both Content-Length and Transfer-Encoding");
            }
            String last = te.get(te.size() - 1);
            String[] codings = last.split(",");
            if (te.size() != 1 || codings.length != 1 || !codings[0].strip().equalsIgnoreCase("chunked")) {
                throw new BadRequest(501, "unsupported transfer coding " + te);
            }
            state = State.CHUNK_SIZE;
            line.setLength(0);
            return null;
        }
        if (!cl.isEmpty()) {
            long length = -1;
            for (String v : cl) {
                for (String part : v.split(",")) {
                    long n = parseLength(part.strip());
                    if (length >= 0 && n != length) {
                        throw new BadRequest(400, "conflicting Content-Length");
                    }
                    length = n;
                }
            }
            if (length > options.maxBodyBytes()) {
                throw new BadRequest(413, "body of " + length + " bytes over " + options.maxBodyBytes());
            }
            if (length > 0) {
                remaining = length;
                state = State.BODY;
                return null;
            }
        }
        return complete();
    }

    private static long parseLength(String s) throws BadRequest {
        if (s.isEmpty() || s.length() > 18) {
            throw new BadRequest(400, "bad Content-Length");
        }
        long n = 0;
        for (int k = 0; k < s.length(); k++) {
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
                String s = line.toString();
                int semi = s.indexOf(';');
                String hex = (semi >= 0 ? s.substring(0, semi) : s).strip();
                if (hex.isEmpty() || hex.length() > 15) {
                    throw new BadRequest(400, "bad chunk size");
                }
                long size = 0;
                for (int k = 0; k < hex.length(); k++) {
                    int d = Character.digit(hex.charAt(k), 16);
                    if (d < 0) {
                        throw new BadRequest(400, "bad chunk size");
                    }
                    size = size * 16 + d;
                }
                if (bodyLen + size > options.maxBodyBytes()) {
                    throw new BadRequest(413, "chunked body over " + options.maxBodyBytes() + " bytes");
                }
                line.setLength(0);
                if (size == 0) {
                    state = State.TRAILERS;
                    trailerBytes = 0;
                } else {
                    remaining = size;
                    state = State.CHUNK_DATA;
                }
            }
            case CHUNK_CRLF -> {
                if (!line.isEmpty()) {
                    throw new BadRequest(400, "chunk data longer than its size");
                }
                state = State.CHUNK_SIZE;
            }
            case TRAILERS -> {
                if (line.isEmpty()) {
                    return complete();
                }
                line.setLength(0);
            }
            default -> throw new IllegalStateException(state.toString());
        }
        return null;
    }

    private Parsed complete() {
        byte[] b = bodyLen == 0 ? NO_BODY : bodyLen == body.length ? body : Arrays.copyOf(body, bodyLen);
        Parsed p = new Parsed(method, uri, version, headers, b, keepAlive, expectContinue);
        state = State.HEAD;
        headLen = 0;
        crlfMatch = 0;
        sawFirstLineEnd = false;
        body = NO_BODY;
        bodyLen = 0;
        remaining = 0;
        line.setLength(0);
        return p;
    }

    static boolean isToken(String s) {
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c <= 32 || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    private static boolean validTarget(String s) {
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c <= 32 || c >= 127) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasToken(String headerValue, String token) {
        if (headerValue == null) {
            return false;
        }
        for (String part : headerValue.split(",")) {
            if (part.strip().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }
}
