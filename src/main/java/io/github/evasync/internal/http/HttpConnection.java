package io.github.evasync.internal.http;

import io.github.evasync.EventHandler;
import io.github.evasync.internal.tcp.Connection;
import io.github.evasync.tcp.ReadCallback;
import io.github.evasync.http.HttpServerOptions;
import io.github.evasync.internal.ffi.Scratch;
import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.internal.loop.LoopTimer;
import io.github.evasync.tcp.TcpSocket;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;

/**
 * One client connection of an HTTP server: feeds arriving bytes to its {@link RequestParser},
 * queues the requests it yields (pipelining), sends their answers in order, and enforces the
 * header and keep-alive timeouts with one timer.
 */
final class HttpConnection {
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** The most output left waiting unsent in the kernel; enough to keep a fast link busy. */
    private static final long KERNEL_UNSENT_MAX = 128 * 1024;
    /** The least: below it each writable wakeup would move too little. */
    private static final long KERNEL_UNSENT_MIN = 4 * 1024;

    private final HttpServerImpl server;
    private final LoopCore core;
    private final TcpSocket socket;
    /**
     * {@link #headComplete}, for the parser. An anonymous class rather than a method reference:
     * a parse also runs inside API calls on the loop thread (onBody() or an answer's end resumes
     * a paused connection; see LoopCore#call).
     */
    private final RequestParser.HeadListener onHead = new RequestParser.HeadListener() {
        @Override
        public void onHead(boolean expectContinue) {
            headComplete(expectContinue);
        }
    };
    private final RequestParser parser;
    private final ArrayDeque<Exchange> queue = new ArrayDeque<>();
    private final LoopTimer timer;
    private boolean closing;
    private boolean closed;
    private boolean paused;
    /** Set by {@link #upgrade} until the new owner of the socket has the bytes read already. */
    private Upgraded upgraded;
    /** The server is shutting down: the next request read is the last. */
    private boolean draining;
    /** Unsent output is above the high watermark: nothing more is read until it drains. */
    private boolean outputFull;
    /** The application paused a streamed body, or too much of one waits for its onBody. */
    private boolean bodyPaused;
    /** Whether {@link #process} is running, so that nothing starts a second one inside it. */
    private boolean processing;
    /** The exchange whose streamed body is arriving, or null. */
    private Exchange streaming;
    private boolean fresh = true;
    /**
     * A request asked for {@code 100 Continue} while earlier answers were still owed: it goes
     * out when they are all sent (or ahead of the request's own answer once it is dispatched), as
     * written at once it fell into an earlier answer, or before it, for the client to misread.
     */
    private boolean continueOwed;
    /** The exchange whose held output begins with a {@code 100 Continue} not yet sent, or null. */
    private Exchange continueIn;
    private byte[] leftover;
    /** When the current timeout is due (System.nanoTime()), or 0 when none is. */
    private long deadline;
    /** When the libevent timer will fire, or 0 when it is not pending. */
    private long firesAt;
    /**
     * How many pieces of answer were handed to {@link #send}, counted before each is passed on.
     * Read as a field by {@link Exchange}: a getter is one more call at the stack's edge.
     */
    long handedOut;
    /**
     * An answer was cut short after part of it was handed on: nothing more is sent, and the
     * connection closes at the next normal depth. Set by a field write, as no call is safe at
     * the stack's edge where this happens.
     */
    boolean cutShort;
    private final Runnable closeIfCutShort = this::closeIfCutShort;

    HttpConnection(HttpServerImpl server, LoopCore core, TcpSocket socket) {
        this.server = server;
        this.core = core;
        this.socket = socket;
        this.parser = new RequestParser(server.options());
        this.timer = core.timer(this::timedOut);
        core.counts().http(true, 1);
        HttpServerOptions o = server.options();
        // libevent's write timeout counts only while output waits: an answer that makes no
        // progress for that long closes the connection (a client that never reads).
        socket.setTimeouts(null, o.writeTimeout());
        // Answers waiting unsent in the kernel are unsent output too. Without a cap, Linux lets a
        // send buffer grow to megabytes, all work done for a client that may never read; with
        // one, the kernel holds at most a quarter of the bound (128 KiB at most) and our buffer
        // the rest, so both together stay within it (a bound under 16 KiB gets 4 KiB on top).
        long bound = o.outputHighWatermark();
        long inKernel = Math.max(KERNEL_UNSENT_MIN, Math.min(bound / 4, KERNEL_UNSENT_MAX));
        long counted = bound / 4 >= KERNEL_UNSENT_MIN ? inKernel : 0;
        socket.setWriteWatermarks(bound / 2 - counted, bound - counted);
        if (socket instanceof Connection c) {
            c.limitUnsentInKernel((int) inKernel);
        }
        socket.onDrain(this::outputDrained);
        armWaitForRequest();
    }

    /** The loop this connection lives on; its exchanges' public methods hop to it. */
    LoopCore core() {
        return core;
    }

    /** Runs an application callback of an exchange, its exceptions going by the error rules. */
    void runApp(Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            appFailed(t);
        }
        closeIfCutShort();
    }

    /** What application code run for this connection threw goes to the server's handler. */
    void appFailed(Throwable t) {
        core.errors().callbackFailed(t, server.eventHandler());
    }

    /**
     * Whether {@code e} may send more: the socket's unsent output is below the high watermark
     * when {@code e} is first in line, or what {@code e} holds behind earlier answers is.
     */
    boolean belowHighWatermark(Exchange e) {
        return queue.peekFirst() == e ? !outputFull : e.heldBytes <= server.options().outputHighWatermark();
    }

    boolean isClosed() {
        return closed;
    }

    byte[] dateLine() {
        return server.dateLine();
    }

    InetSocketAddress remoteAddress() {
        return closed ? null : socket.remoteAddress();
    }

    // ---- input -----------------------------------------------------------------------------

    void onData(byte[] data) {
        if (closed || cutShort || (closing && streaming == null)) {
            return; // after the last request nothing more is read, but for its streamed body
        }
        if (paused) {
            leftover = leftover == null ? data : concat(leftover, data);
            return;
        }
        process(data, 0, data.length);
        // An answer made inside (from an onBody callback, say) may have been cut short.
        closeIfCutShort();
    }

    private void process(byte[] data, int off, int end) {
        processing = true;
        try {
            parse(data, off, end);
        } finally {
            processing = false;
        }
    }

    private void parse(byte[] data, int off, int end) {
        while (off < end && !closed && (!closing || streaming != null)) {
            if (outputFull || bodyHeld() || tooManyWaiting()) {
                // Answers are piling up unread, or too many requests wait: the rest waits in
                // the kernel, which pushes back on the client.
                pause(Arrays.copyOfRange(data, off, end));
                return;
            }
            boolean wasIdle = parser.idle();
            RequestParser.Parsed p;
            try {
                p = parser.feed(data, off, end, onHead);
            } catch (BadRequest e) {
                if (streaming != null) {
                    endStreamedBody(e.status, e.getMessage());
                } else {
                    fail(e.status, e.getMessage());
                }
                return;
            }
            off += parser.consumed();
            if (upgraded != null && p == null) {
                // Upgraded from inside the feed (onBody's last piece): the rest of this read is
                // the new protocol's.
                handOverRest(data, off, end);
                return;
            }
            if (wasIdle && !parser.idle() && !parser.inBody()) {
                // The first byte of a request: from now on the header timeout counts.
                arm(server.options().headerTimeout());
            } else if (parser.inBody()) {
                // Body bytes arrived (or the head just ended): the body timeout starts again.
                arm(server.options().bodyTimeout());
            }
            if (streaming != null && !parser.inBody()) {
                Exchange ended = streaming;
                streaming = null; // its body ended in this feed, and with it any pause of it
                bodyPaused = false;
                if (closing && queue.isEmpty()) {
                    // Draining, and the body of a request answered early has ended: nothing is left.
                    close(null);
                    return;
                }
                if (ended.wantsUpgrade() && !ended.isAnswered() && !closed && upgraded == null) {
                    // Only now may another protocol's bytes follow (see below).
                    pause(Arrays.copyOfRange(data, off, end));
                    return;
                }
            }
            if (p != null) {
                Exchange e = dispatch(p);
                if (p.streamed()) {
                    if (parser.inBody()) {
                        streaming = e;
                        bodyPaused = false;
                        parser.sink(e);
                    } else {
                        e.noBody();
                    }
                }
                if (upgraded != null) {
                    // The handler upgraded at once: the rest of this read is the new protocol's.
                    handOverRest(data, off, end);
                    return;
                }
                if (e.wantsUpgrade() && !e.isAnswered() && !closed && streaming != e) {
                    // What follows may be another protocol's bytes: hold them until the answer
                    // says whether they are (upgrade) or are more HTTP (any other answer). Not
                    // while its streamed body comes: those bytes are the body, which its handler
                    // may wait for before it answers (held, they never came).
                    pause(Arrays.copyOfRange(data, off, end));
                    return;
                }
            }
        }
    }

    /** Gives {@code data[off, end)} to the upgraded socket's new owner, after what it holds already. */
    private void handOverRest(byte[] data, int off, int end) {
        Upgraded u = upgraded;
        byte[] more = Arrays.copyOfRange(data, off, end);
        u.rest = u.rest == null ? more : concat(u.rest, more);
    }

    private void headComplete(boolean expectContinue) {
        deadline = 0; // the pending timer, if any, will fire and find nothing due
        if (expectContinue) {
            if (queue.isEmpty()) {
                socket.write(CONTINUE);
            } else {
                continueOwed = true;
            }
        }
    }

    private Exchange dispatch(RequestParser.Parsed p) {
        fresh = false;
        Exchange e = new Exchange(this, p);
        queue.addLast(e);
        if (continueOwed) {
            // Still behind earlier answers: first in what this exchange holds.
            continueOwed = false;
            continueIn = e;
            e.held.add(CONTINUE);
            e.heldBytes += CONTINUE.length;
        }
        if (draining) {
            e.closeAfter = true;
        }
        if (!p.keepAlive() || draining) {
            closing = true;
        }
        try {
            server.handler().onRequest(e);
        } catch (Throwable t) {
            if (!e.isAnswered() && !closed) {
                try {
                    e.respond(500, Map.of("Content-Type", "text/plain"), "500 Internal Server Error\n");
                } catch (IllegalStateException alreadyStreaming) {
                    closeNow("the request's handler failed");
                }
            }
            core.errors().callbackFailed(t, server.eventHandler());
        }
        closeIfCutShort();
        if (!closed && !closing && parser.idle() && queue.isEmpty()) {
            armWaitForRequest();
        }
        return e;
    }

    private void fail(int status, String why) {
        closing = true;
        continueOwed = false;
        Exchange e = new Exchange(this, new RequestParser.Parsed("GET", "/", "HTTP/1.1",
                io.github.evasync.http.Headers.empty(), new byte[0], false, false));
        queue.addLast(e);
        e.respond(status, Map.of("Content-Type", "text/plain"), status + " " + Status.reason(status) + ": " + why + "\n");
    }

    private void pause(byte[] rest) {
        paused = true;
        leftover = rest;
        socket.disable(true, false);
    }

    private void resume() {
        paused = false;
        byte[] rest = leftover;
        leftover = null;
        if (!closed) {
            socket.enable(true, false);
        }
        if (rest != null) {
            process(rest, 0, rest.length);
        }
    }

    private void armWaitForRequest() {
        arm(fresh ? server.options().headerTimeout() : server.options().keepAliveTimeout());
    }

    /**
     * Sets the timeout due {@code d} from now. The timeouts move on with every request, so the
     * libevent timer is only re-added when it would fire too late; when it fires early it
     * re-adds itself for what is left (see {@link #timedOut()}). Most requests then cost no
     * libevent call at all, where removing and re-adding it cost three.
     */
    private void arm(Duration d) {
        long due = System.nanoTime() + Scratch.clamp(d).toNanos();
        deadline = due;
        if (firesAt == 0 || firesAt - due > 0) {
            timer.start(d);
            firesAt = due;
        }
    }

    private void timedOut() {
        firesAt = 0;
        if (closed || deadline == 0) {
            return;
        }
        long left = deadline - System.nanoTime();
        if (left > 0) {
            timer.start(Duration.ofNanos(left));
            firesAt = deadline;
            return;
        }
        deadline = 0;
        if (paused && parser.inBody()) {
            Exchange s = streaming;
            if (s != null && s.isAnswered() && !s.bodyClaimed()) {
                // Answered, and a high watermark of its body waits for an onBody that never
                // came: nothing would resume the connection, nor see the client go.
                closeNow("the answered request's body was never read");
            }
            return; // we stopped reading the body, not the client: its timeout starts again on resume
        }
        if ((continueOwed || continueIn != null) && parser.inBody()) {
            return; // the client waits for our 100 Continue: its body's timeout starts when it goes out
        }
        if (streaming != null && parser.inBody()) {
            endStreamedBody(408, "the request body stopped arriving");
            return;
        }
        if (!parser.idle() && queue.isEmpty()) {
            fail(408, parser.inBody() ? "the request body stopped arriving" : "the request headers took too long");
        } else if (!parser.idle()) {
            // A pipelined request stalled behind answers still owed: nothing good can follow.
            closeNow(null);
        } else if (queue.isEmpty()) {
            close(null);
        }
    }

    // ---- output ----------------------------------------------------------------------------

    /** Sends {@code bytes} of {@code e}'s answer now if {@code e} is first in line, else later. */
    void send(Exchange e, byte[] bytes) {
        if (closed || cutShort) {
            return;
        }
        handedOut++;
        if (queue.peekFirst() == e) {
            write(bytes);
        } else {
            e.held.add(bytes);
            e.heldBytes += bytes.length;
        }
    }

    /**
     * An answer was cut short after some of it was handed on (a StackOverflowError can strike
     * anywhere at the stack's edge): the client may hold part of it, and only closing the
     * connection keeps it from taking that part, or the next answer, for a whole one. The close
     * waits for the end of the turn, or for the application's callback to return if sooner, as
     * closing here at the edge could itself be cut short.
     */
    void answerCutShort() {
        core.afterTurn(closeIfCutShort);
    }

    private void closeIfCutShort() {
        if (!cutShort) {
            return;
        }
        if (!closed) {
            close("the answer was cut short");
        } else {
            // Cut inside this connection's own close (an answer that ends it): its state may
            // say closed with the socket still open. Closing a closed socket again does nothing.
            socket.closeNow();
        }
    }

    /** {@code e}'s answer is complete: retire every finished exchange at the head of the line. */
    void answered(Exchange e) {
        if (cutShort) {
            return; // what is held behind the cut answer must not follow it
        }
        while (!closed && !queue.isEmpty() && queue.peekFirst().isAnswered()) {
            Exchange done = queue.pollFirst();
            if (done.closeAfter) {
                close(null);
                return;
            }
            Exchange next = queue.peekFirst();
            if (next != null) {
                for (byte[] b : next.held) {
                    write(b);
                }
                if (next == continueIn) {
                    continueIn = null;
                    rearmAfterContinue();
                }
                next.held.clear();
                next.heldBytes = 0;
                if (!outputFull) {
                    next.drained();
                }
            }
        }
        if (streaming != null && streaming.isAnswered()) {
            // Answered before its body ended: its pause no longer holds the connection; the rest
            // of the body is read (and handed on) so that the next request can follow.
            bodyPaused = false;
        }
        if (!closed && queue.isEmpty()) {
            if (continueOwed) {
                // The request that asked waits for its body, not yet dispatched: its turn has come.
                continueOwed = false;
                write(CONTINUE);
                rearmAfterContinue();
            }
            maybeResume();
            if (!closed && !closing && parser.idle() && queue.isEmpty()) {
                armWaitForRequest();
            }
        }
    }

    private void write(byte[] bytes) {
        if (!socket.write(bytes)) {
            outputFull = true;
        }
    }

    /** The socket's output fell below half the high watermark. */
    private void outputDrained() {
        if (cutShort) {
            return;
        }
        outputFull = false;
        Exchange first = queue.peekFirst();
        if (first != null) {
            first.drained();
        }
        if (!closed) {
            maybeResume();
        }
    }

    private void maybeResume() {
        if (cutShort) {
            return;
        }
        // Inside process() (a handler resumed, say) the running parse goes on by itself.
        if (paused && !processing && !closed && !outputFull && !bodyHeld() && !tooManyWaiting()) {
            resume();
        }
    }

    /** A held 100 Continue went out: the timeout its wait suppressed counts again, for what is read now. */
    private void rearmAfterContinue() {
        if (parser.inBody()) {
            arm(server.options().bodyTimeout());
        } else if (!parser.idle()) {
            arm(server.options().headerTimeout());
        }
    }

    /**
     * Whether {@code maxPipelined} requests wait, so no more is read. Not while a waiting
     * request's streamed body comes: it is part of a request counted already, and its handler may
     * wait for it to answer, so held back it kept the queue full for good.
     */
    private boolean tooManyWaiting() {
        return queue.size() >= server.options().maxPipelined() && !(streaming != null && parser.inBody());
    }

    /** Whether a streamed body must wait: paused by the application, or too much of it unclaimed. */
    private boolean bodyHeld() {
        Exchange s = streaming;
        return s != null && (bodyPaused || s.bodyWaiting() > server.options().outputHighWatermark());
    }

    /** The application paused or resumed its streamed body. */
    void pauseBody(boolean pause) {
        if (closed) {
            return;
        }
        bodyPaused = pause;
        if (pause) {
            // Inside process() the parse loop pauses itself at its next turn (bodyHeld), keeping
            // the rest of the read; a pause and a resume in one callback then cancel out.
            if (!paused && !processing) {
                pause(null);
            }
        } else {
            bodyRoom();
        }
    }

    /** A streamed body may have room again (resumed, or its onBody set). */
    void bodyRoom() {
        if (!closed) {
            maybeResume();
            if (!paused && parser.inBody()) {
                arm(server.options().bodyTimeout()); // the client may send again
            }
        }
    }

    // ---- closing ---------------------------------------------------------------------------

    /**
     * A streamed body will never be complete ({@code why}): its receiver hears of it; an
     * unanswered request is answered {@code status} and the connection closes after it; an
     * answer still streaming cannot end well, so the connection closes at once.
     */
    private void endStreamedBody(int status, String why) {
        Exchange s = streaming;
        streaming = null;
        bodyPaused = false;
        closing = true;
        deadline = 0;
        pause(null); // nothing after a broken body can be trusted
        s.abortBody(why);
        if (closed) {
            return;
        }
        if (s.answerFromServer(status, status + " " + Status.reason(status) + ": " + why + "\n")) {
            return;
        }
        if (s.isAnswered()) {
            // Its answer is complete: out already (close once it is flushed), or waiting behind
            // earlier answers (close after it).
            if (queue.isEmpty()) {
                close(null);
            } else {
                queue.peekLast().closeAfter = true;
            }
        } else {
            closeNow(null);
        }
    }

    /** The socket reported EOF, a timeout or an error: it is closed already. */
    void socketEnded() {
        end(null, CLOSED_ALREADY);
    }

    /** {@code why}: what a streamed body cut short by this close is told, or null for the generic text. */
    private void close(String why) {
        end(why, CLOSE);
    }

    private void closeNow(String why) {
        end(why, CLOSE_NOW);
    }

    // How end() closes the socket: constants rather than method references, as end() runs inside
    // API calls on the loop thread (an answer's end, a shutdown; see LoopCore#call).
    private static final int CLOSED_ALREADY = 0;
    private static final int CLOSE = 1;
    private static final int CLOSE_NOW = 2;

    /**
     * Ends the connection: its state first, then the socket ({@code closeSocket}: {@link #CLOSE},
     * {@link #CLOSE_NOW}, or {@link #CLOSED_ALREADY} when it closed already), and only then a streamed body cut short hears of it, so that whatever its
     * onAbort does (ask the address, answer, end a streamed answer) finds the connection closed.
     */
    private void end(String why, int closeSocket) {
        if (closed) {
            return;
        }
        Exchange cut = streaming;
        finish();
        if (closeSocket == CLOSE) {
            socket.close();
        } else if (closeSocket == CLOSE_NOW) {
            socket.closeNow();
        }
        if (cut != null) {
            cut.abortBody(why != null ? why : "the connection closed before the request body was complete");
        }
    }

    private void finish() {
        streaming = null;
        closed = true;
        closing = true;
        timer.free();
        queue.clear();
        leftover = null;
        core.counts().http(true, -1);
        server.closed(this);
    }

    /**
     * The server shuts down: an idle connection closes now; otherwise the requests already read
     * are answered, the last answer says {@code Connection: close}, and nothing more is read.
     */
    void drain() {
        if (closed) {
            return;
        }
        draining = true;
        if (parser.idle() && queue.isEmpty()) {
            close(null);
        } else if (!queue.isEmpty()) {
            queue.peekLast().closeAfter = true;
            closing = true;
        } else if (streaming != null) {
            // Answered already, its streamed body still arriving: the body is read to its end
            // (its receiver hears it), then the connection closes (see feed), serving nothing more.
            closing = true;
        }
        // Otherwise a request is half-read: it is answered, and its answer closes (dispatch).
    }

    /**
     * Refuses an upgrade the connection cannot hand over whole: while other requests wait on
     * it; for a request that did not ask for one (RFC 9110 15.2.2: no 101 without an
     * {@code Upgrade} field; and the bytes after such a head are parsed as the next request, so
     * the new owner would miss them); while its streamed body is still arriving (the body's
     * receiver would never hear its end, and the rest would reach the new protocol).
     */
    void checkUpgrade(Exchange e) {
        if (queue.peekFirst() != e || queue.size() != 1) {
            throw new IllegalStateException("upgrade() needs its request to be the only one waiting on the connection");
        }
        if (!e.wantsUpgrade()) {
            throw new IllegalStateException("upgrade() of a request with no Upgrade field: a server may switch"
                    + " protocols only when the client asked to (RFC 9110 15.2.2)");
        }
        // From its handler the request's streamed body is not yet the connection's 'streaming'
        // (that is set once the handler returns), but the parser is inside it.
        boolean bodyToCome = streaming == e ? e.bodyArriving() : streaming == null && parser.inBody();
        if (bodyToCome) {
            throw new IllegalStateException("upgrade() while the request's body is still arriving: upgrade from"
                    + " onBody's last piece, or answer the request instead");
        }
    }

    /**
     * Answers {@code e} with its 101 and hands the socket over (see {@code HttpRequest.upgrade}):
     * this connection lets go of it without closing it, and the bytes held past the request's
     * head go to {@code read} before anything newer.
     */
    TcpSocket upgrade(Exchange e, byte[] head, ReadCallback read, EventHandler handler) {
        checkUpgrade(e);
        socket.write(head);
        byte[] held = leftover;
        boolean wasPaused = paused;
        finish(); // no longer an HTTP connection; the socket stays open
        socket.setData(null);
        Connection raw = (Connection) socket;
        raw.handOver(read, handler);
        if (!wasPaused) {
            // Called from inside the handler: the bytes behind the head are still in process().
            raw.disable(true, false);
        }
        upgraded = new Upgraded(raw, read, handler, held);
        // Reading resumes after the held bytes are delivered, so nothing newer overtakes them.
        core.execute(this::finishUpgrade);
        return socket;
    }

    private void finishUpgrade() {
        Upgraded u = upgraded;
        upgraded = null;
        u.deliverAndRead(core);
    }

    /** The server's grace ran out: close at once, answered or not. */
    void abort() {
        closeNow("the server shut down before the request body was complete");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
