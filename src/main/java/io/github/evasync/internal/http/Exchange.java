package io.github.evasync.internal.http;

import io.github.evasync.HttpError;
import io.github.evasync.EventHandler;
import io.github.evasync.http.BodyCallback;
import io.github.evasync.http.Headers;
import io.github.evasync.http.HttpRequest;
import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.tcp.ReadCallback;
import io.github.evasync.tcp.TcpSocket;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One request and its answer. The answer's bytes go to the connection, which sends them at once
 * when this exchange is first in line and holds them until then otherwise.
 *
 * <p>Thread rule: the application may call any public method from any thread. Each one that
 * acts does its work on the loop thread through {@link LoopCore#run} (at once on the loop,
 * waited for from a plain thread, queued from another loop's) or, when it answers,
 * {@link LoopCore#call}; its arguments are checked on the caller's thread first. {@link #chunk}
 * alone treats another loop's thread its own way. The ones that only read what the request
 * said do not hop; the rest of this class runs on the loop.
 */
final class Exchange implements HttpRequest, RequestParser.BodySink {
    private enum Answer { NONE, STREAMING, DONE }

    /** Small bodies are sent with their head in one write; larger ones in a second. */
    private static final int COMBINE_LIMIT = 16 * 1024;
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final HttpConnection connection;
    private final LoopCore core;
    private final RequestParser.Parsed request;
    private final String resource;
    private final String query;
    private Answer answer = Answer.NONE;
    private boolean chunkedOut;
    /** Whether the connection closes after this answer. */
    boolean closeAfter;
    /** Output held while an earlier exchange on the connection is unanswered. */
    final List<byte[]> held = new ArrayList<>(2);
    /** How many bytes {@link #held} holds. */
    long heldBytes;
    private Runnable onDrain;
    private boolean drainWanted;
    /** A streamed body's receiver, and the pieces that came before it was set. */
    private BodyCallback onBody;
    private List<byte[]> early;
    private long earlyBytes;
    private boolean bodyEnded;
    private boolean bodyDelivered;
    /** Why a streamed body will never be complete, once it is known; then answers are dropped. */
    private String aborted;

    Exchange(HttpConnection connection, RequestParser.Parsed request) {
        this.connection = connection;
        this.core = connection.core();
        this.request = request;
        String u = request.origin();
        int q = u.indexOf('?');
        this.resource = q >= 0 ? u.substring(0, q) : u;
        this.query = q >= 0 ? u.substring(q + 1) : null;
        this.closeAfter = !request.keepAlive();
    }

    @Override
    public String method() {
        return request.method();
    }

    @Override
    public String uri() {
        return request.uri();
    }

    @Override
    public String resource() {
        return resource;
    }

    @Override
    public String queryString() {
        return query;
    }

    @Override
    public String version() {
        return request.version();
    }

    @Override
    public Headers headers() {
        return request.headers();
    }

    @Override
    public byte[] body() {
        if (request.streamed()) {
            throw new IllegalStateException("the server streams request bodies (streamRequestBodies): use onBody()");
        }
        return request.body();
    }

    @Override
    public void onBody(BodyCallback callback) {
        Objects.requireNonNull(callback, "callback");
        // Before the hop, so that a caller on another loop's thread hears of it.
        if (!request.streamed()) {
            throw new IllegalStateException("onBody() needs streamRequestBodies(true); the body is in body()");
        }
        if (!core.inLoop()) {
            core.run(() -> onBody(callback));
            return;
        }
        onBody = callback;
        List<byte[]> held = early;
        early = null;
        earlyBytes = 0;
        if (held != null) {
            for (byte[] b : held) {
                deliver(b, false);
            }
        }
        if (bodyEnded) {
            deliver(new byte[0], true);
        } else if (aborted != null) {
            deliverAbort();
            return;
        }
        connection.bodyRoom();
    }

    @Override
    public void bodyPiece(byte[] bytes) {
        if (onBody != null) {
            deliver(bytes, false);
            return;
        }
        if (early == null) {
            early = new ArrayList<>(4);
        }
        early.add(bytes);
        earlyBytes += bytes.length;
    }

    @Override
    public void bodyEnd() {
        bodyEnded = true;
        if (onBody != null) {
            deliver(new byte[0], true);
        }
    }

    /** {@return whether a streamed body is still to come: neither ended nor cut short} */
    boolean bodyArriving() {
        return !bodyEnded && aborted == null;
    }

    /**
     * The streamed body will never be complete: its receiver is told now, or when it is set, and
     * the application's answer is dropped from now on (the server answers, or nobody listens).
     */
    void abortBody(String why) {
        if (bodyEnded || aborted != null) {
            return;
        }
        aborted = why;
        early = null;
        earlyBytes = 0;
        if (onBody != null) {
            deliverAbort();
        }
    }

    private void deliverAbort() {
        if (bodyDelivered) {
            return;
        }
        bodyDelivered = true;
        HttpError error = new HttpError(-1, aborted);
        // Called, not wrapped in a lambda: onBody() delivers on the loop thread inside the API
        // call (see LoopCore#call).
        try {
            onBody.onAbort(error);
        } catch (Throwable t) {
            connection.appFailed(t);
        }
    }

    /**
     * The server answers an aborted request with {@code status} and closes after it; returns
     * false when the application had begun an answer already.
     */
    boolean answerFromServer(int status, String text) {
        if (answer != Answer.NONE || connection.isClosed()) {
            return false;
        }
        closeAfter = true;
        send(status, Map.of("Content-Type", "text/plain"), text.getBytes(StandardCharsets.UTF_8));
        return true;
    }

    private void deliver(byte[] piece, boolean last) {
        if (bodyDelivered) {
            return;
        }
        if (last) {
            bodyDelivered = true;
        }
        // Called, not wrapped in a lambda: onBody() delivers the pieces that came early on the
        // loop thread inside the API call (see LoopCore#call).
        try {
            onBody.onBody(piece, last);
        } catch (Throwable t) {
            // As for a handler that throws: a 500 if nothing was answered, else the request would
            // wait for an answer for ever; the rest of the body then goes to nobody.
            bodyDelivered = true;
            if (answer == Answer.NONE && !connection.isClosed()) {
                try {
                    respond(500, Map.of("Content-Type", "text/plain"), "500 Internal Server Error\n");
                } catch (RuntimeException ignored) {
                    // answered meanwhile, or the connection went
                }
            }
            connection.appFailed(t);
        }
    }

    /** Whether the application set {@link #onBody}. */
    boolean bodyClaimed() {
        return onBody != null;
    }

    /** How much streamed body waits for {@link #onBody} to be set. */
    long bodyWaiting() {
        return earlyBytes;
    }

    /** A streamed request that has no body: its one, empty, last piece. */
    void noBody() {
        bodyEnd();
    }

    @Override
    public void pause() {
        if (!core.inLoop()) {
            core.run(this::pause);
            return;
        }
        connection.pauseBody(true);
    }

    @Override
    public void resume() {
        if (!core.inLoop()) {
            core.run(this::resume);
            return;
        }
        connection.pauseBody(false);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return connection.remoteAddress();
    }

    @Override
    public boolean isAnswered() {
        return answer == Answer.DONE;
    }

    @Override
    public void respond(int status, Map<String, String> headers, String body) {
        respond(status, headers, Objects.requireNonNull(body, "body").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void respond(int status, Map<String, String> headers, byte[] body) {
        Objects.requireNonNull(body, "body");
        refuse101(status);
        if (!core.inLoop()) {
            checkAnswer(status, headers);
            core.run(() -> respond(status, headers, body));
            return;
        }
        if (begin()) {
            send(status, headers, body);
        }
    }

    private static void checkStatus(int status) {
        if ((status < 200 && status != 101) || status > 999) {
            throw new IllegalArgumentException("status must be 200-999: " + status);
        }
    }

    /**
     * The argument checks of an answer, made before a call from another thread hops to the
     * loop: from another loop's thread the hop does not wait, and a bad argument found on this
     * loop would reach its uncaught handler instead of the caller, leaving the request
     * unanswered.
     */
    private static void checkAnswer(int status, Map<String, String> headers) {
        checkStatus(status);
        FieldChecks.fields(headers);
    }

    /** Writes a whole answer; the caller checked that one may begin. */
    private void send(int status, Map<String, String> headers, byte[] body) {
        boolean bodiless = status == 204 || status == 304;
        boolean sendBody = !bodiless && !method().equals("HEAD");
        // HEAD gets the Content-Length a GET would have had.
        byte[] head = head(status, headers, bodiless ? -1 : body.length, false);
        long before = connection.handedOut;
        answer = Answer.DONE;
        try {
            if (!sendBody || body.length == 0) {
                connection.send(this, head);
            } else if (body.length <= COMBINE_LIMIT) {
                byte[] all = new byte[head.length + body.length];
                System.arraycopy(head, 0, all, 0, head.length);
                System.arraycopy(body, 0, all, head.length, body.length);
                connection.send(this, all);
            } else {
                connection.send(this, head);
                connection.send(this, body);
            }
            connection.answered(this);
        } catch (Throwable t) {
            // Cut short (at the stack's edge a StackOverflowError can strike anywhere): with
            // nothing handed on, the call had no effect and the request may be answered again;
            // with something, the answer may be partial and the connection must go.
            if (connection.handedOut == before) {
                answer = Answer.NONE;
            } else {
                connection.cutShort = true;
                try {
                    connection.answerCutShort();
                } catch (Throwable again) {
                    // Still at the edge: the request or body callback that answered closes it
                    // when it returns.
                }
            }
            throw t;
        }
    }

    @Override
    public void startChunked(int status, Map<String, String> headers) {
        refuse101(status);
        if (status == 204 || status == 304) {
            // A chunked body after a bodiless status is read by the client as the next answer.
            // Checked before the hop to the loop, so a caller on another thread hears of it.
            throw new IllegalArgumentException("status " + status + " has no body: answer with respond()");
        }
        if (!core.inLoop()) {
            checkAnswer(status, headers);
            core.run(() -> startChunked(status, headers));
            return;
        }
        if (!begin()) {
            return;
        }
        // HTTP/1.0 has no chunked coding: the body runs until the connection closes.
        boolean chunked = version().equals("HTTP/1.1");
        // The head first: a bad header refused there must leave the request unanswered (a 500
        // can follow), not streaming with no status line sent.
        byte[] head = head(status, headers, -1, chunked);
        answer = Answer.STREAMING;
        chunkedOut = chunked;
        if (!chunkedOut) {
            closeAfter = true;
        }
        connection.send(this, head);
    }

    @Override
    public boolean chunk(byte[] data) {
        Objects.requireNonNull(data, "data");
        if (core.inLoop()) {
            return sendChunk(data);
        }
        if (core.onOtherLoop()) {
            // Another loop's thread must not wait for this loop (LoopCore.call refuses): the chunk
            // is queued, a copy since the caller may reuse its array at once, and the answer is
            // the drain state last seen.
            byte[] copy = data.clone();
            core.run(() -> sendChunk(copy));
            return !drainWanted;
        }
        return core.call(() -> sendChunk(data));
    }

    private boolean sendChunk(byte[] data) {
        if (connection.isClosed() || aborted != null) {
            return true; // the client is gone, or its body was aborted: nothing piles up
        }
        if (answer != Answer.STREAMING) {
            throw new IllegalStateException("chunk() needs startChunked() first, and not after end()");
        }
        if (data.length == 0 || method().equals("HEAD")) {
            return !drainWanted;
        }
        if (chunkedOut) {
            byte[] size = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream out = new ByteArrayOutputStream(size.length + data.length + 2);
            out.writeBytes(size);
            out.writeBytes(data);
            out.write('\r');
            out.write('\n');
            connection.send(this, out.toByteArray());
        } else {
            connection.send(this, data.clone());
        }
        if (connection.belowHighWatermark(this)) {
            return true;
        }
        drainWanted = true;
        return false;
    }

    @Override
    public void onDrain(Runnable onDrain) {
        if (!core.inLoop()) {
            core.run(() -> onDrain(onDrain));
            return;
        }
        this.onDrain = onDrain;
    }

    /** The output this answer waits behind fell below half the high watermark. */
    void drained() {
        if (drainWanted && connection.belowHighWatermark(this)) {
            drainWanted = false;
            Runnable r = onDrain;
            if (r != null && answer == Answer.STREAMING) {
                connection.runApp(r);
            }
        }
    }

    @Override
    public TcpSocket upgrade(Headers headers, ReadCallback read, EventHandler handler) {
        if (!core.inLoop()) {
            return core.call(() -> upgrade(headers, read, handler));
        }
        if (answer != Answer.NONE) {
            throw new IllegalStateException("the request was already answered");
        }
        if (!version().equals("HTTP/1.1")) {
            throw new IllegalStateException("only an HTTP/1.1 request can be upgraded, not " + version());
        }
        if (connection.isClosed()) {
            throw new IllegalStateException("the client has gone");
        }
        byte[] head = head(101, headers, -1, false);
        // Refused (other requests wait on the connection) before anything changes: the request
        // stays unanswered, so the application, or the server's 500, can still answer it.
        connection.checkUpgrade(this);
        answer = Answer.DONE;
        return connection.upgrade(this, head, read, handler);
    }

    private static void refuse101(int status) {
        if (status == 101) {
            throw new IllegalArgumentException("status 101 switches protocols: answer with upgrade(), which hands the"
                    + " connection over");
        }
    }

    /** Whether the client asked to switch protocols: then nothing more is parsed until the answer. */
    boolean wantsUpgrade() {
        return version().equals("HTTP/1.1") && headers().contains("Upgrade");
    }

    @Override
    public void end() {
        if (!core.inLoop()) {
            core.run(this::end);
            return;
        }
        if (aborted != null || (connection.isClosed() && answer == Answer.DONE)) {
            return;
        }
        if (answer != Answer.STREAMING) {
            throw new IllegalStateException("end() needs startChunked() first, and only once");
        }
        answer = Answer.DONE;
        if (chunkedOut && !method().equals("HEAD")) {
            connection.send(this, LAST_CHUNK);
        }
        connection.answered(this);
    }

    /**
     * Whether an answer may start. A second answer is a bug and throws; an answer to a client
     * that has gone is dropped quietly, since a late answer (cl-async's delayed response) cannot
     * know.
     */
    private boolean begin() {
        if (aborted != null) {
            return false; // the server answers an aborted body, or nobody listens any more
        }
        if (answer != Answer.NONE) {
            throw new IllegalStateException("the request was already answered");
        }
        if (connection.isClosed()) {
            answer = Answer.DONE;
            return false;
        }
        return true;
    }

    /** The status line and headers; {@code length} -1 for none. */
    private byte[] head(int status, Map<String, String> headers, long length, boolean chunked) {
        checkStatus(status);
        StringBuilder sb = new StringBuilder(128);
        sb.append("HTTP/1.1 ").append(status).append(' ').append(Status.reason(status)).append("\r\n");
        if (headers != null) {
            for (Map.Entry<String, String> h : FieldChecks.entries(headers)) {
                String name = FieldChecks.name(h.getKey());
                String value = FieldChecks.value(name, h.getValue());
                String lower = name.toLowerCase(Locale.ROOT);
                if (lower.equals("content-length") || lower.equals("transfer-encoding") || lower.equals("date")) {
                    continue;
                }
                if (lower.equals("connection")) {
                    if (value.toLowerCase(Locale.ROOT).contains("close")) {
                        closeAfter = true;
                    }
                    continue;
                }
                sb.append(name).append(": ").append(value).append("\r\n");
            }
        }
        if (length >= 0) {
            sb.append("Content-Length: ").append(length).append("\r\n");
        }
        if (chunked) {
            sb.append("Transfer-Encoding: chunked\r\n");
        }
        if (status == 101) {
            sb.append("Connection: Upgrade\r\n"); // the application's Upgrade field says to what
        } else if (closeAfter) {
            sb.append("Connection: close\r\n");
        } else if (version().equals("HTTP/1.0")) {
            sb.append("Connection: keep-alive\r\n");
        }
        byte[] date = connection.dateLine();
        byte[] start = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[start.length + date.length + 2];
        System.arraycopy(start, 0, all, 0, start.length);
        System.arraycopy(date, 0, all, start.length, date.length);
        all[all.length - 2] = '\r';
        all[all.length - 1] = '\n';
        return all;
    }
}
