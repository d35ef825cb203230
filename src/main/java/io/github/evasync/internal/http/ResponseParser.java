package io.github.evasync.internal.http;

import io.github.evasync.http.Headers;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The client's incremental HTTP/1.x response parser: status line and headers, then a body
 * delimited by Content-Length, chunked coding, or the end of the connection. Interim 1xx
 * responses are skipped. Malformed input is an {@link IllegalArgumentException}.
 */
final class ResponseParser {
    record Parsed(int status, Headers headers, byte[] body, boolean keepAlive) {
    }

    private enum State { HEAD, BODY, UNTIL_CLOSE, CHUNK_SIZE, CHUNK_DATA, CHUNK_CRLF, TRAILERS, DONE }

    private static final int MAX_HEAD = 64 * 1024;
    private static final long MAX_BODY = 64L << 20;

    private final boolean headRequest;
    private State state = State.HEAD;
    private final ByteArrayOutputStream head = new ByteArrayOutputStream();
    private int crlf;
    private int status;
    private Headers headers;
    private boolean keepAlive;
    private long remaining;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final StringBuilder line = new StringBuilder();
    private boolean started;

    ResponseParser(boolean headRequest) {
        this.headRequest = headRequest;
    }

    /** Whether any byte of the response has arrived. */
    boolean started() {
        return started;
    }

    /** Consumes {@code data}; returns the response once complete, else null. */
    Parsed feed(byte[] data) {
        started |= data.length > 0;
        int i = 0;
        while (i < data.length && state != State.DONE) {
            switch (state) {
                case HEAD -> {
                    byte b = data[i++];
                    head.write(b);
                    if (head.size() > MAX_HEAD) {
                        throw new IllegalArgumentException("response head over " + MAX_HEAD + " bytes");
                    }
                    crlf = b == '\n' ? crlf + 1 : b == '\r' ? crlf : 0;
                    if (crlf == 2) {
                        crlf = 0;
                        Parsed p = parseHead();
                        if (p != null) {
                            return p;
                        }
                    }
                }
                case BODY -> {
                    int n = (int) Math.min(remaining, data.length - i);
                    body.write(data, i, n);
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        return done();
                    }
                }
                case UNTIL_CLOSE -> {
                    body.write(data, i, data.length - i);
                    i = data.length;
                    checkBody();
                }
                case CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, data.length - i);
                    body.write(data, i, n);
                    i += n;
                    remaining -= n;
                    checkBody();
                    if (remaining == 0) {
                        state = State.CHUNK_CRLF;
                    }
                }
                default -> {
                    byte b = data[i++];
                    if (b != '\n') {
                        line.append((char) (b & 0xff));
                        if (line.length() > 1024) {
                            throw new IllegalArgumentException("chunk line too long");
                        }
                        continue;
                    }
                    String l = line.toString().strip();
                    line.setLength(0);
                    if (state == State.CHUNK_SIZE) {
                        int semi = l.indexOf(';');
                        long size = Long.parseLong(semi >= 0 ? l.substring(0, semi).strip() : l, 16);
                        if (size < 0) {
                            throw new IllegalArgumentException("negative chunk size");
                        }
                        state = size == 0 ? State.TRAILERS : State.CHUNK_DATA;
                        remaining = size;
                    } else if (state == State.CHUNK_CRLF) {
                        if (!l.isEmpty()) {
                            throw new IllegalArgumentException("chunk longer than its size");
                        }
                        state = State.CHUNK_SIZE;
                    } else if (l.isEmpty()) {
                        return done();
                    }
                }
            }
        }
        return null;
    }

    /** The connection ended: a close-delimited body is complete now; anything else was cut short. */
    Parsed end() {
        if (state == State.UNTIL_CLOSE) {
            return done();
        }
        return null;
    }

    private void checkBody() {
        if (body.size() > MAX_BODY) {
            throw new IllegalArgumentException("response body over " + MAX_BODY + " bytes");
        }
    }

    private Parsed parseHead() {
        String text = head.toString(StandardCharsets.ISO_8859_1);
        head.reset();
        String[] lines = text.split("\r?\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.") || statusLine[1].length() != 3) {
            throw new IllegalArgumentException("malformed status line: " + lines[0]);
        }
        status = Integer.parseInt(statusLine[1]);
        Headers.Builder b = new Headers.Builder();
        for (int k = 1; k < lines.length; k++) {
            int colon = lines[k].indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("malformed header line");
            }
            b.add(lines[k].substring(0, colon).strip(), lines[k].substring(colon + 1).strip());
        }
        headers = b.build();
        if (status >= 100 && status < 200) {
            // An interim answer (100 Continue): the real one follows.
            return null;
        }
        String connection = headers.get("Connection");
        boolean http11 = statusLine[0].equals("HTTP/1.1");
        keepAlive = connection == null ? http11 : !connection.toLowerCase().contains("close")
                && (http11 || connection.toLowerCase().contains("keep-alive"));
        String te = headers.get("Transfer-Encoding");
        String cl = headers.get("Content-Length");
        if (headRequest || status == 204 || status == 304) {
            return done();
        }
        if (te != null && te.toLowerCase().contains("chunked")) {
            state = State.CHUNK_SIZE;
        } else if (cl != null) {
            remaining = Long.parseLong(cl.strip());
            if (remaining < 0 || remaining > MAX_BODY) {
                throw new IllegalArgumentException("bad Content-Length " + cl);
            }
            if (remaining == 0) {
                return done();
            }
            state = State.BODY;
        } else {
            state = State.UNTIL_CLOSE;
            keepAlive = false;
        }
        return null;
    }

    private Parsed done() {
        state = State.DONE;
        return new Parsed(status, headers, body.toByteArray(), keepAlive);
    }
}
