package io.github.evasync.internal.tcp;

import io.github.evasync.EventHandler;
import io.github.evasync.SocketClosed;
import io.github.evasync.TcpEof;
import io.github.evasync.TcpTimeout;
import io.github.evasync.TlsError;
import io.github.evasync.internal.ffi.BufferEvent;
import io.github.evasync.internal.ffi.Scratch;
import io.github.evasync.internal.ffi.SockAddr;
import io.github.evasync.internal.ffi.SocketOptions;
import io.github.evasync.internal.loop.LoopClosedException;
import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.internal.loop.LoopTimer;
import io.github.evasync.tcp.ConnectCallback;
import io.github.evasync.tcp.ReadCallback;
import io.github.evasync.tcp.TcpSocket;
import io.github.evasync.tcp.WriteCallback;
import io.github.evasync.tls.TlsSession;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * A {@link TcpSocket} on a libevent socket bufferevent. It is made of layers, each a class: the
 * native side ({@link BufferEvent}, which owns the bufferevent, and through it the descriptor,
 * and frees it exactly once), the read path ({@link SocketInput}), the write queue
 * ({@link SocketOutput}) and, here, the socket's life: connecting, conditions, closing, and
 * the public methods with their thread rule. An accepted socket makes its bufferevent only when
 * it first needs one (output the kernel did not take at once, libevent reading, a write
 * timeout): until then it owns the bare descriptor. A server holding many sockets it has read
 * and not yet answered so keeps no bufferevent for them (about 1 KB of libevent memory each).
 */
public final class Connection extends SocketOutput {
    private static final Duration CLOSE_FLUSH_TIMEOUT = Duration.ofSeconds(30);
    /** How much longer than the write timeout {@link FlushWatch} waits: libevent's timeout, when it runs, comes first. */
    private static final Duration FLUSH_WATCH_SLACK = Duration.ofSeconds(1);
    /** Watches a closed socket's flush (see {@link FlushWatch}), or null. */
    private LoopTimer flushWatch;

    private final boolean incoming;
    /** A TLS socket; final, so that another thread can check it before hopping (shutdownOutput). */
    private final boolean tls;
    /** A Unix-domain socket: counted as local, no TCP options. */
    private final boolean local;
    /** Whether the peer's end of stream leaves the socket open for writing (see {@link #allowHalfOpen}). */
    private boolean halfOpen;
    /**
     * The peer ended its side and the socket was left open (half-open): nothing more is read.
     * Volatile: another thread's {@link #shutdownOutput} reads it before hopping.
     */
    private volatile boolean inputEnded;
    private EventHandler handler;
    private volatile boolean closed;
    private volatile Object data;
    /** The connect under way; null once connected, and for accepted and wrapped sockets. */
    private Connecting connecting;
    /** A TLS socket's handshake state; null on a plain socket. */
    private TlsHandshake handshake;
    /** The server that accepted this socket, told when it closes; null for outgoing ones. */
    private Listener acceptedBy;
    /** Neighbours in the accepting server's list of open connections. */
    Connection prevAccepted;
    Connection nextAccepted;

    /** An accepted descriptor, owned from the call on; its bufferevent waits until needed. */
    static Connection accepted(LoopCore core, int fd, boolean local, ReadCallback read, EventHandler handler) {
        return new Connection(core, false, fd, true, local, read, handler, null);
    }

    /**
     * An accepted descriptor, owned from the call on, that speaks TLS as a server: its OpenSSL
     * bufferevent is made now and starts the handshake; {@code afterHandshake} runs once it is done.
     */
    static Connection acceptedTls(LoopCore core, int fd, boolean local, ReadCallback read, EventHandler handler, Tls tls,
                                  Duration handshakeTimeout, ConnectCallback afterHandshake) {
        Connection c = new Connection(core, false, fd, true, local, read, handler, tls);
        c.startHandshakeTimer(new TlsHandshake(afterHandshake, handshakeTimeout));
        return c;
    }

    /**
     * A socket to connect (see {@link #connect}), with its bufferevent on no descriptor yet; with
     * {@code tls} not null, a TLS client whose handshake must end within {@code handshakeTimeout};
     * {@code local} for a Unix-domain socket ({@link #connectUnix}).
     */
    static Connection outgoing(LoopCore core, boolean local, ReadCallback read, EventHandler handler, Tls tls,
                               Duration handshakeTimeout) {
        Connection c = new Connection(core, true, -1, false, local, read, handler, tls);
        c.enableEvents((short) (READ | WRITE));
        if (tls != null) {
            c.startHandshakeTimer(new TlsHandshake(null, handshakeTimeout));
        }
        return c;
    }

    /** A connected descriptor the application hands over (made non-blocking already), read from now. */
    static Connection wrapped(LoopCore core, int fd, ReadCallback read, EventHandler handler) {
        Connection c = new Connection(core, true, fd, false, false, read, handler, null);
        c.enableEvents(WRITE);
        c.startReading(true);
        return c;
    }

    private Connection(LoopCore core, boolean bufferNow, int fd, boolean incoming, boolean local, ReadCallback read,
                       EventHandler handler, Tls tls) {
        // Counted in the stats together with the handle: free() undoes both.
        super(core, local ? core.counts().localSocketCount(incoming) : core.counts().socketCount(incoming),
                bufferNow, fd, read, tls);
        this.incoming = incoming;
        this.tls = tls != null;
        this.local = local;
        this.handler = handler;
    }

    private void startHandshakeTimer(TlsHandshake h) {
        handshake = h;
        try {
            h.start(core, this::handshakeTimedOut);
        } catch (RuntimeException e) {
            free();
            throw e;
        }
    }

    /** The handshake outlived its timeout: a {@code TcpTimeout}, and the socket closes. */
    private void handshakeTimedOut() {
        TlsHandshake h = handshake;
        if (isFreed() || h == null || h.isDone()) {
            return;
        }
        tlsFailed();
        if (closed) {
            // Closed with output waiting, as a failed flush: the socket goes without a word.
            free();
            return;
        }
        Exception condition = new TcpTimeout(this, -1, "TLS handshake timed out after " + h.timeout().toMillis() + " ms");
        free();
        report(condition);
    }

    private void report(Exception condition) {
        if (incoming) {
            // Any peer can connect and reset: with no handler, that must not end the loop.
            core.errors().reportTransient(condition, handler);
        } else {
            core.errors().deliver(condition, handler);
        }
    }

    void acceptedBy(Listener server) {
        acceptedBy = server;
    }

    /**
     * The peer's end of stream leaves this socket open: it is reported ({@link TcpEof}) and
     * reading stops, but the application may go on writing until it closes the socket.
     */
    void allowHalfOpen(boolean allow) {
        halfOpen = allow;
    }

    /** Starts connecting to {@code host}, a name or an address literal. */
    void connect(String host, int port, ConnectCallback callback, boolean noDelay, int keepAliveSeconds) {
        InetAddress literal = SockAddr.literal(host);
        Connecting k = new Connecting(core, literal == null ? host : null, callback, noDelay, keepAliveSeconds);
        connecting = k;
        ConnectCall call;
        if (literal != null) {
            call = connect(core.scratch(), literal, port);
            k.callErrno(call.errno());
        } else {
            // The resolver is made now, so that a configuration libevent refuses is this call's
            // exception; the lookup starts on a later turn (ConnectByName says why).
            core.resolver().base();
            core.execute(new ConnectByName(host, port));
            return;
        }
        if (call.failed()) {
            failSoon(call.errno());
        }
    }

    /**
     * Starts the lookup and connect of a host name at the loop's own depth. libevent answers a
     * name from /etc/hosts inside the call, and a lookup or connect that then fails at once
     * reports through our event callback before the call returns: made inside the tcpConnect
     * call, that upcall could begin where the caller's stack is nearly used up, and a
     * StackOverflowError at its very start, before any guard of ours runs, makes the JVM exit.
     */
    private final class ConnectByName implements Runnable {
        private final String host;
        private final int port;

        ConnectByName(String host, int port) {
            this.host = host;
            this.port = port;
        }

        @Override
        public void run() {
            // Closed but not freed: closed with output waiting, which the connect must carry.
            if (isFreed() || core.stopping() || !core.isOpen()) {
                return;
            }
            ConnectCall call = connect(core.resolver().base(), core.scratch(), host, port);
            if (call.failed()) {
                failSoon(call.errno());
            }
        }
    }

    /** Starts connecting to the Unix-domain socket file {@code path} (its bytes). */
    void connectUnix(byte[] path, ConnectCallback callback) {
        Connecting k = new Connecting(core, null, callback, false, 0);
        connecting = k;
        ConnectCall call = connectUnix(core.scratch(), path);
        k.callErrno(call.errno());
        if (call.failed()) {
            failSoon(call.errno());
        }
    }

    private void resolved() {
        Connecting k = connecting;
        if (k != null) {
            k.resolved(core);
        }
    }

    // ---- libevent callbacks ----------------------------------------------------------------

    @Override
    void callbackThrew(Throwable t) {
        core.errors().callbackFailed(t, handler);
    }

    @Override
    protected void socketEvent(short what, int errno) {
        if (isFreed()) {
            return;
        }
        resolved();
        if ((what & CONNECTED) != 0) {
            Connecting k = connecting;
            connecting = null;
            connected();
            if (k != null && !local) {
                k.applyOptions(core.scratch(), fd());
            }
            connectedReading();
            shutIfFlushed();
            TlsHandshake h = handshake;
            if (h != null) {
                // An OpenSSL bufferevent reports CONNECTED once the handshake is done.
                h.finished();
                if (h.afterAccept != null && !closed) {
                    try {
                        h.afterAccept.onConnect(this);
                    } catch (Throwable t) {
                        core.errors().callbackFailed(t, handler);
                    }
                }
            }
            if (k != null && k.callback != null && !closed) {
                try {
                    k.callback.onConnect(this);
                } catch (Throwable t) {
                    core.errors().callbackFailed(t, handler);
                }
            }
            return;
        }
        if (closed) {
            // The application closed it and we were flushing: the peer is gone or too slow.
            free();
            return;
        }
        Exception condition;
        if ((what & EOF) != 0) {
            condition = new TcpEof(this);
            if (halfOpen && !outputShut()) {
                // Node's allowHalfOpen: 'end', and the socket stays writable until the application closes it.
                inputEnded = true;
                pauseReading();
                disableEvents(READ);
                report(condition);
                return;
            }
            close();
        } else if ((what & TIMEOUT) != 0) {
            condition = new TcpTimeout(this, -1, (what & READING) != 0 ? "read timed out" : "write timed out");
            closeNow();
        } else {
            condition = isTls() ? tlsCondition(errno) : errorCondition(errno);
            closeNow();
        }
        report(condition);
    }

    /**
     * A TLS socket's error: OpenSSL's reason, recorded for this socket alone, as a
     * {@link TlsError}; else the socket's own (a refused connect, a reset) as on a plain socket,
     * and, with neither, a peer that closed the connection without {@code close_notify}.
     */
    private Exception tlsCondition(int errno) {
        TlsFailure f = tlsFailure();
        if (f != null) {
            return new TlsError(this, f.code(), f.text());
        }
        if (errno != 0) {
            return errorCondition(errno);
        }
        return new TlsError(this, -1, "the peer closed the connection without a TLS close_notify");
    }

    private Exception errorCondition(int errno) {
        Connecting k = connecting;
        if (k == null) {
            return SocketErrors.failed(this, errno);
        }
        if (k.host != null) {
            int dnsError = dnsError();
            if (dnsError != 0) {
                return SocketErrors.lookupFailed(k.host, dnsError);
            }
        }
        return SocketErrors.connectFailed(this, k.errno(errno));
    }

    /** Reports a connect that failed before libevent took it, on the loop's next turn. */
    void failSoon(int errno) {
        // A class rather than a lambda: this runs inside the tcpConnect call on the loop thread
        // (see LoopCore#call).
        core.execute(new FailSoon(errno));
    }

    private final class FailSoon implements Runnable {
        private final int errno;

        FailSoon(int errno) {
            this.errno = errno;
        }

        @Override
        public void run() {
            if (!isFreed() && !closed) {
                Exception c = errorCondition(errno);
                closeNow();
                core.errors().deliver(c, handler);
            }
        }
    }

    // ---- writing ---------------------------------------------------------------------------

    @Override
    public boolean write(byte[] data) {
        return write(data, (WriteCallback) null);
    }

    @Override
    public boolean write(String data) {
        return write(data, (WriteCallback) null);
    }

    @Override
    public boolean write(ByteBuffer data) {
        return write(data, (WriteCallback) null);
    }

    @Override
    public boolean write(String data, WriteCallback callback) {
        Objects.requireNonNull(data, "data");
        return write(data.getBytes(StandardCharsets.UTF_8), callback);
    }

    @Override
    public boolean write(byte[] data, WriteCallback callback) {
        Objects.requireNonNull(data, "data");
        return inLoopAndOpen() ? writeNow(data, callback) : writeElsewhere(data, null, callback);
    }

    @Override
    public boolean write(ByteBuffer data, WriteCallback callback) {
        Objects.requireNonNull(data, "data");
        return inLoopAndOpen() ? writeNow(data, callback) : writeElsewhere(null, data, callback);
    }

    /**
     * The writes' thread rule for the loop thread, kept apart from {@link #writeElsewhere} and
     * free of lambdas because that path is hot (the HTTP server answers every request through
     * it): true on the loop thread, once the socket is seen open.
     */
    private boolean inLoopAndOpen() {
        if (!core.inLoop()) {
            return false;
        }
        checkOpen();
        return true;
    }

    /**
     * A write ({@code array} or else {@code buffer}) from a thread other than the loop's. From
     * another loop's thread it is queued on this loop so that neither waits for the other
     * (API.md, "Loops calling loops"): the bytes are copied now, and the answer is the
     * flow-control state as last seen, false while the output is above the high watermark and
     * has not drained yet. From a thread that runs no loop it is carried over and waited for.
     */
    private boolean writeElsewhere(byte[] array, ByteBuffer buffer, WriteCallback callback) {
        if (core.onOtherLoop()) {
            // Refused here, where the caller hears of it, not inside this loop once queued.
            checkWritable();
            byte[] copy;
            if (array != null) {
                copy = array.clone();
            } else {
                copy = new byte[buffer.remaining()];
                buffer.get(copy);
            }
            hopRun(new QueuedWrite(copy, callback));
            return belowHighWatermark();
        }
        return hop(() -> array != null ? write(array, callback) : write(buffer, callback));
    }

    /**
     * A write from another loop, queued on this one. The caller checked that the output was not
     * shut, but this loop may have shut it since: then the write is dropped, as one that finds
     * the socket closed meanwhile is ({@link LoopCore#run}): no bytes, no callback, no error
     * inside this loop, as if the write had come just before the shutdown and been lost with it.
     */
    private final class QueuedWrite implements Runnable {
        private final byte[] bytes;
        private final WriteCallback callback;

        QueuedWrite(byte[] bytes, WriteCallback callback) {
            this.bytes = bytes;
            this.callback = callback;
        }

        @Override
        public void run() {
            if (!outputShut()) {
                write(bytes, callback);
            }
        }
    }

    @Override
    public long outputBufferLength() {
        if (!core.inLoop()) {
            return hop(this::outputBufferLength);
        }
        checkOpen();
        return outputLength();
    }

    @Override
    public void setWriteWatermarks(long low, long high) {
        if (low < 0 || high < low) {
            throw new IllegalArgumentException("watermarks must satisfy 0 <= low <= high: low=" + low + ", high=" + high);
        }
        if (!core.inLoop()) {
            hopRun(() -> setWriteWatermarks(low, high));
            return;
        }
        checkOpen();
        watermarks(low, high);
    }

    /**
     * Keeps at most {@code bytes} of this socket's output waiting unsent in the kernel (see
     * {@link SocketOptions#notSentLowat}); loop thread, open socket. Output beyond it waits in the
     * bufferevent, where the watermarks count it.
     */
    public void limitUnsentInKernel(int bytes) {
        checkOpen();
        if (fd() >= 0) {
            SocketOptions.notSentLowat(core.scratch(), fd(), bytes);
        }
    }

    @Override
    public void onDrain(Runnable onDrain) {
        if (!core.inLoop()) {
            hopRun(() -> onDrain(onDrain));
            return;
        }
        checkOpen();
        drainCallback(onDrain);
    }

    // ---- control ---------------------------------------------------------------------------

    @Override
    public void setTimeouts(Duration read, Duration write) {
        checkTimeout(read, "read");
        checkTimeout(write, "write");
        if (!core.inLoop()) {
            hopRun(() -> setTimeouts(read, write));
            return;
        }
        checkOpen();
        applyTimeouts(read, write);
    }

    private static void checkTimeout(Duration d, String name) {
        if (d != null && (d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException(name + " timeout must be positive: " + d);
        }
    }

    @Override
    public void shutdownOutput() {
        if (tls && !inputEnded) {
            // Refused before any hop: queued on this loop from another, it would fail in here.
            // After the peer's end it closes instead (below), as on a plain socket.
            checkOpen();
            throw new UnsupportedOperationException("shutdownOutput on a TLS socket: TLS has no half-close "
                    + "(a close_notify ends the session both ways); close() the socket instead");
        }
        if (!core.inLoop()) {
            hopRun(this::shutdownOutput);
            return;
        }
        checkOpen();
        if (inputEnded) {
            // Both sides have ended (Node destroys such a socket): send what waits, then close.
            close();
            return;
        }
        shutdownOutputWhenFlushed();
    }

    @Override
    public void enable(boolean read, boolean write) {
        if (!core.inLoop()) {
            hopRun(() -> enable(read, write));
            return;
        }
        checkOpen();
        if (read) {
            readingChosen();
        }
        boolean reads = read && !inputEnded; // after the peer's end there is nothing to read
        boolean ours = reads && resumeReading();
        enableEvents((short) ((reads && !ours ? READ : 0) | (write ? WRITE : 0)));
        if (write) {
            writesEnabled(true);
        }
    }

    @Override
    public void disable(boolean read, boolean write) {
        if (!core.inLoop()) {
            hopRun(() -> disable(read, write));
            return;
        }
        checkOpen();
        if (read) {
            readingChosen();
        }
        boolean ours = read && pauseReading();
        disableEvents((short) ((read && !ours ? READ : 0) | (write ? WRITE : 0)));
        if (write) {
            writesEnabled(false);
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (!core.inLoop()) {
            if (!closed) {
                core.runUnlessClosed(this::close);
            }
            return;
        }
        if (closed || isFreed()) {
            return;
        }
        closed = true;
        disableEvents(READ);
        pauseReading();
        if (outputLength() == 0) {
            free();
            return;
        }
        if (writeTimeout() == null) {
            // A peer that never reads must not hold the socket open for ever.
            applyTimeouts(null, CLOSE_FLUSH_TIMEOUT);
        }
        updateWriteCallback();
        if (!core.stopping()) { // a stopping loop frees every socket itself
            FlushWatch w = new FlushWatch(Scratch.clamp(writeTimeout().plus(FLUSH_WATCH_SLACK)), outputLength());
            flushWatch = core.delay(w.period, w);
        }
    }

    /**
     * Frees a closed socket whose output made no progress for a whole write timeout (plus
     * {@link #FLUSH_WATCH_SLACK}) once it is connected and its handshake done, whatever libevent
     * does. libevent's own write timeout counts only while its write event is added, and a TLS
     * socket can be left with neither that event nor a read event added and its output still
     * queued: a storm of accepted TLS sockets closed from another thread while echoing left about
     * one in a thousand so, never freed (descriptor, SSL, registry slot) until the loop closed.
     */
    private final class FlushWatch implements Runnable {
        final Duration period;
        private long last;

        FlushWatch(Duration period, long queued) {
            this.period = period;
            this.last = queued;
        }

        @Override
        public void run() {
            flushWatch = null;
            if (isFreed()) {
                return;
            }
            long out = outputLength();
            TlsHandshake h = handshake;
            // While connecting, looking the name up or handshaking nothing can be sent, and those
            // phases have timeouts of their own: the count starts after them.
            boolean sending = connecting == null && (h == null || h.isDone());
            if (sending && out >= last) {
                free();
                return;
            }
            last = out;
            flushWatch = core.delay(period, this);
        }
    }

    @Override
    public void closeNow() {
        if (!core.inLoop()) {
            if (!isFreed()) {
                core.runUnlessClosed(this::closeNow);
            }
            return;
        }
        free();
    }

    /**
     * As the socket is freed ({@link #free()}, exactly once, whatever calls it): it is closed,
     * the input stream keeps what arrived unread, reading and waiting writes end. Also runs when
     * making the bufferevent failed inside the constructor, before this class's fields are set.
     */
    @Override
    protected void beforeNativeFree() {
        closed = true;
        endReading();
        dropWrites();
        resolved();
        connecting = null;
        if (handshake != null) {
            handshake.stopTimer();
        }
        LoopTimer w = flushWatch;
        if (w != null) {
            flushWatch = null;
            w.free();
        }
    }

    /** Tells the server that accepted this socket that it is gone. */
    @Override
    protected void afterNativeFree() {
        Listener server = acceptedBy;
        if (server != null) {
            acceptedBy = null;
            server.ended(this);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new SocketClosed(this);
        }
    }

    /**
     * Carries a method with a result over from a thread other than the loop's
     * ({@link LoopCore#call}): waited for from a thread that runs no loop. {@code call}
     * re-enters the method on the loop thread, so the socket must be open as it is called and
     * again as it runs there; a socket of a closed loop is closed, and says so with
     * {@link SocketClosed} like any other closed socket.
     */
    private <T> T hop(Callable<T> call) {
        checkOpen();
        try {
            return core.call(call);
        } catch (LoopClosedException e) {
            throw new SocketClosed(this);
        }
    }

    /**
     * {@link #hop} for a method without a result ({@link LoopCore#run}): from another loop's
     * thread it is queued, and dropped if the socket has closed by the time it runs.
     */
    private void hopRun(Runnable call) {
        checkOpen();
        try {
            core.run(call);
        } catch (LoopClosedException e) {
            throw new SocketClosed(this);
        }
    }

    // ---- data, streams, addresses ----------------------------------------------------------

    @Override
    public Object data() {
        return data;
    }

    @Override
    public void setData(Object data) {
        this.data = data;
    }

    @Override
    public InputStream inputStream() {
        if (!core.inLoop()) {
            return hop(this::inputStream);
        }
        checkOpen();
        return stream();
    }

    @Override
    public OutputStream outputStream() {
        checkOpen();
        return new SocketStreams.Out(this);
    }

    /**
     * Hands the socket to new callbacks (an HTTP protocol upgrade): from now on arriving bytes go
     * to {@code newRead} and conditions to {@code newHandler}. Flow control and timeouts go back
     * to a plain socket's defaults. Loop thread only.
     */
    public void handOver(ReadCallback newRead, EventHandler newHandler) {
        checkOpen();
        handler = newHandler;
        resetFlowControl();
        applyTimeouts(null, null);
        readTo(newRead);
    }

    @Override
    public TlsSession tlsSession() {
        if (handshake == null) {
            return null;
        }
        if (!core.inLoop()) {
            return hop(this::tlsSession);
        }
        checkOpen();
        TlsHandshake h = handshake;
        if (!h.isDone()) {
            return null;
        }
        if (h.session() == null) {
            h.session(TlsSessions.of(tlsState()));
        }
        return h.session();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return address(true);
    }

    @Override
    public InetSocketAddress localAddress() {
        return address(false);
    }

    private InetSocketAddress address(boolean peer) {
        if (!core.inLoop()) {
            return hop(() -> address(peer));
        }
        checkOpen();
        return address(core.scratch(), peer);
    }

    @Override
    public String toString() {
        return "TcpSocket[" + (incoming ? "incoming" : "outgoing") + (local ? ", unix" : "") + (closed ? ", closed" : "") + "]";
    }
}
