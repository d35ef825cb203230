package io.github.evasync.internal.tcp;

import io.github.evasync.DnsError;
import io.github.evasync.EventHandler;
import io.github.evasync.SocketClosed;
import io.github.evasync.TcpEof;
import io.github.evasync.TcpError;
import io.github.evasync.TcpRefused;
import io.github.evasync.TcpTimeout;
import io.github.evasync.internal.ffi.BufferEvent;
import io.github.evasync.internal.ffi.LibC;
import io.github.evasync.internal.ffi.SockAddr;
import io.github.evasync.internal.ffi.SocketOptions;
import io.github.evasync.internal.loop.LoopClosedException;
import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.internal.loop.LoopCounts;
import io.github.evasync.tcp.ConnectCallback;
import io.github.evasync.tcp.ReadCallback;
import io.github.evasync.tcp.TcpSocket;
import io.github.evasync.tcp.WriteCallback;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * A {@link TcpSocket} on a libevent socket bufferevent: the native side is the {@link BufferEvent}
 * this class extends, which owns the bufferevent (and through it the descriptor) and frees it
 * exactly once. An accepted socket makes its bufferevent only when it first needs one (output
 * the kernel did not take at once, libevent reading, a write timeout): until then it owns the
 * bare descriptor. A server holding many sockets it has read and not yet answered so keeps no
 * bufferevent for them (about 1 KB of libevent memory each).
 */
public final class Connection extends BufferEvent implements TcpSocket {
    private static final byte[] EMPTY = new byte[0];
    static final long DEFAULT_LOW_WATERMARK = 32 * 1024;
    static final long DEFAULT_HIGH_WATERMARK = 64 * 1024;
    private static final Duration CLOSE_FLUSH_TIMEOUT = Duration.ofSeconds(30);

    private record PendingWrite(long end, WriteCallback callback) {
    }

    private final LoopCore core;
    private final boolean incoming;
    /** Where arriving bytes go; replaced once when a protocol upgrade hands the socket over. */
    private ReadCallback read;
    private EventHandler handler;
    private volatile boolean closed;
    private volatile Object data;
    /** The connect under way; null once connected, and for accepted and wrapped sockets. */
    private Connecting connecting;
    private boolean writeDisabled;
    private Duration writeTimeout;
    private long queued;
    /** Write callbacks waiting for their bytes to leave; made on first need (memory per socket). */
    private ArrayDeque<PendingWrite> pendingWrites;
    private long lowWatermark = DEFAULT_LOW_WATERMARK;
    private long highWatermark = DEFAULT_HIGH_WATERMARK;
    private Runnable onDrain;
    /** Output above the high watermark, not yet drained to the low one; read by other loops' writes. */
    private volatile boolean drainWanted;
    private SocketStreams.In stream;
    /** Our own read event, once connected, for byte-array reads; null while libevent reads. */
    private DirectRead direct;
    private Duration readTimeout;
    /** The server that accepted this socket, told when it closes; null for outgoing ones. */
    private Listener acceptedBy;
    /** Neighbours in the accepting server's list of open connections. */
    Connection prevAccepted;
    Connection nextAccepted;

    /** An accepted descriptor, owned from the call on; its bufferevent waits until needed. */
    static Connection accepted(LoopCore core, int fd, ReadCallback read, EventHandler handler) {
        return new Connection(core, false, fd, true, read, handler);
    }

    /** A socket to connect (see {@link #connect}), with its bufferevent on no descriptor yet. */
    static Connection outgoing(LoopCore core, ReadCallback read, EventHandler handler) {
        Connection c = new Connection(core, true, -1, false, read, handler);
        c.enableEvents((short) (READ | WRITE));
        return c;
    }

    /** A connected descriptor the application hands over (made non-blocking already), read from now. */
    static Connection wrapped(LoopCore core, int fd, ReadCallback read, EventHandler handler) {
        Connection c = new Connection(core, true, fd, false, read, handler);
        c.enableEvents(WRITE);
        c.startReading(true);
        return c;
    }

    private Connection(LoopCore core, boolean bufferNow, int fd, boolean incoming, ReadCallback read,
                       EventHandler handler) {
        // Counted in the stats together with the handle: free() undoes both.
        super(core.handles(), Counters.of(core, incoming), bufferNow ? core.base() : null, fd, DEFAULT_LOW_WATERMARK);
        this.core = core;
        this.incoming = incoming;
        this.read = read;
        this.handler = handler;
    }

    /** A socket's stats counts, one per loop and direction: a socket keeps no counter of its own. */
    private record Counters(IntConsumer incoming, IntConsumer outgoing) {
        static IntConsumer of(LoopCore core, boolean incoming) {
            Counters c = core.attachment(Counters.class, () -> new Counters(counter(core.counts(), true),
                    counter(core.counts(), false)));
            return incoming ? c.incoming : c.outgoing;
        }

        private static IntConsumer counter(LoopCounts counts, boolean incoming) {
            return delta -> {
                counts.nativeObjects(delta);
                counts.tcp(incoming, delta);
            };
        }
    }

    /**
     * The bufferevent, made now for an accepted socket that has done without one so far, in the
     * state the socket's settings call for: its write side enabled unless disabled, reading off
     * (we read, or the caller enables it), the timeouts applied. Open sockets only.
     */
    @Override
    protected void needBufferevent() {
        if (hasBufferevent()) {
            return;
        }
        if (!makeBufferevent(core.base(), lowWatermark)) {
            throw new TcpError(this, -1, "bufferevent_socket_new failed (out of memory?)");
        }
        if (writeDisabled) {
            disableEvents(WRITE);
        }
        if (readTimeout != null || writeTimeout != null) {
            setTimeouts(core.scratch(), readTimeout, writeTimeout);
        }
    }

    void acceptedBy(Listener server) {
        acceptedBy = server;
    }

    /** Starts connecting to {@code host}, a name or an address literal. */
    void connect(String host, int port, ConnectCallback callback) {
        InetAddress literal = SockAddr.literal(host);
        Connecting k = new Connecting(core, literal == null ? host : null, callback);
        connecting = k;
        ConnectCall call;
        if (literal != null) {
            call = connect(core.scratch(), literal, port);
            k.callErrno(call.errno());
        } else {
            call = connect(core.dnsBase(), core.scratch(), host, port);
        }
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
    protected void inputArrived(long n) {
        if (closed || read == null) {
            // Closed by the application: nothing more is delivered.
            drainInput(n);
            return;
        }
        try {
            if (stream != null) {
                read.onRead(this, EMPTY);
            } else if (read.zeroCopy()) {
                try {
                    read.onRead(this, openView(n));
                } finally {
                    closeView();
                    drainInput(n);
                }
            } else {
                int len = (int) Math.min(n, Integer.MAX_VALUE - 8);
                byte[] bytes = new byte[len];
                removeInput(bytes, 0, len);
                read.onRead(this, bytes);
            }
        } catch (Throwable t) {
            core.callbackFailed(t, handler);
        }
    }

    /**
     * Starts reading once the socket is connected: with our own read event (see
     * {@link DirectRead}) when the data goes to a byte array, else through the bufferevent.
     *
     * @param wanted whether the socket is to be read now (not disabled by the application)
     */
    void startReading(boolean wanted) {
        if (isFreed() || closed || direct != null) {
            return;
        }
        if (!readsDirectly()) {
            needBufferevent();
            if (wanted) {
                enableEvents(READ);
            }
            return;
        }
        direct = new DirectRead(core, fd(), handle(), wanted, readTimeout);
    }

    /** Whether this socket's data goes to a byte array, so that we read it rather than libevent. */
    private boolean readsDirectly() {
        return fd() >= 0 && stream == null && (read == null || !read.zeroCopy());
    }

    /** Our read event fired: one recv, then the data, the end of stream or the error. */
    @Override
    protected void readEvent(boolean timedOut) {
        DirectRead d = direct;
        if (d == null) {
            return;
        }
        if (timedOut) {
            socketEvent((short) (READING | TIMEOUT), 0);
            return;
        }
        long n = d.recv();
        if (n == DirectRead.NOTHING) {
            return;
        }
        if (n == 0) {
            socketEvent((short) (READING | EOF), 0);
        } else if (n < 0) {
            socketEvent((short) (READING | ERROR), (int) -n);
        } else if (!closed && read != null) {
            byte[] bytes = Arrays.copyOf(core.readAheadBuffer(), (int) n);
            try {
                read.onRead(this, bytes);
            } catch (Throwable t) {
                core.callbackFailed(t, handler);
            }
        }
    }

    @Override
    protected void outputLow() {
        long out = outputLength();
        long flushed = queued - out;
        while (pendingWrites != null && !pendingWrites.isEmpty() && pendingWrites.peekFirst().end() <= flushed) {
            runWriteCallback(pendingWrites.pollFirst().callback());
            if (isFreed()) {
                return;
            }
        }
        if (drainWanted && out <= lowWatermark) {
            drainWanted = false;
            Runnable r = onDrain;
            if (r != null && !closed) {
                try {
                    r.run();
                } catch (Throwable t) {
                    core.callbackFailed(t, handler);
                }
                if (isFreed()) {
                    return;
                }
            }
        }
        if (closed && outputLength() == 0) {
            free();
            return;
        }
        updateWriteCallback();
    }

    private void runWriteCallback(WriteCallback cb) {
        try {
            cb.onWrite(this);
        } catch (Throwable t) {
            core.callbackFailed(t, handler);
        }
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
            connected(core.scratch());
            // libevent read while connecting (there was nothing to read); from now on, we do.
            boolean wanted = libeventReads();
            if (readsDirectly()) {
                disableEvents(READ);
                startReading(wanted);
            }
            if (k != null && k.callback != null && !closed) {
                try {
                    k.callback.onConnect(this);
                } catch (Throwable t) {
                    core.callbackFailed(t, handler);
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
            close();
        } else if ((what & TIMEOUT) != 0) {
            condition = new TcpTimeout(this, -1, (what & READING) != 0 ? "read timed out" : "write timed out");
            closeNow();
        } else {
            condition = errorCondition(errno);
            closeNow();
        }
        if (incoming) {
            // Any peer can connect and reset: with no handler, that must not end the loop.
            core.reportTransient(condition, handler);
        } else {
            core.deliver(condition, handler);
        }
    }

    private Exception errorCondition(int errno) {
        Connecting k = connecting;
        if (k != null && k.host != null) {
            int dnsError = dnsError();
            if (dnsError != 0) {
                return new DnsError(k.host, dnsError, LibC.gaiStrerror(dnsError));
            }
        }
        int err = k != null ? k.errno(errno) : errno;
        String msg = err > 0 ? LibC.strerror(err) : "socket error";
        if (k != null && err == LibC.ECONNREFUSED) {
            return new TcpRefused(this, err, msg);
        }
        return new TcpError(this, err > 0 ? err : -1, msg);
    }

    /** Reports a connect that failed before libevent took it, on the loop's next turn. */
    void failSoon(int errno) {
        core.execute(() -> {
            if (!isFreed() && !closed) {
                Exception c = errorCondition(errno);
                closeNow();
                core.deliver(c, handler);
            }
        });
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
        if (!core.inLoop()) {
            if (core.onOtherLoop()) {
                return writeLater(data.clone(), callback);
            }
            return onLoop(() -> write(data, callback));
        }
        checkOpen();
        return wrote(data.length, writeOut(data, !writeDisabled), callback);
    }

    @Override
    public boolean write(ByteBuffer data, WriteCallback callback) {
        Objects.requireNonNull(data, "data");
        if (!core.inLoop()) {
            if (core.onOtherLoop()) {
                byte[] copy = new byte[data.remaining()];
                data.get(copy);
                return writeLater(copy, callback);
            }
            return onLoop(() -> write(data, callback));
        }
        checkOpen();
        int len = data.remaining();
        long out;
        if (data.isReadOnly() && !data.isDirect()) {
            byte[] copy = new byte[len];
            data.duplicate().get(copy);
            out = writeOut(copy, !writeDisabled);
        } else {
            out = writeOut(data, !writeDisabled);
        }
        boolean ok = wrote(len, out, callback);
        data.position(data.limit());
        return ok;
    }

    /**
     * A write from another loop's thread: queued on this loop so that neither waits for the
     * other (API.md, "Loops calling loops"). The bytes were copied by the caller. The answer is
     * the flow-control state as last seen: false while the output is above the high watermark
     * and has not drained yet.
     */
    private boolean writeLater(byte[] copy, WriteCallback callback) {
        onLoopRun(() -> write(copy, callback));
        return !drainWanted;
    }

    /**
     * Books a write of {@code len} bytes that {@link #writeOut} answered with {@code out} (the
     * output left waiting): its callback, the flow-control state, the write callbacks' arming.
     */
    private boolean wrote(long len, long out, WriteCallback callback) {
        if (out < 0) {
            throw new TcpError(this, -1, "libevent could not queue " + (-out) + " bytes (out of memory?)");
        }
        queued += len;
        if (callback != null) {
            if (out == 0) {
                // Already in the kernel: the callback runs on the next turn, never inside write,
                // and even if the socket is closed by then: the bytes are out (closing does not
                // take them back).
                core.execute(() -> runWriteCallback(callback));
            } else {
                if (pendingWrites == null) {
                    pendingWrites = new ArrayDeque<>(4);
                }
                pendingWrites.addLast(new PendingWrite(queued, callback));
            }
        }
        boolean below = out <= highWatermark;
        if (!below) {
            drainWanted = true;
        }
        updateWriteCallback();
        return below;
    }

    /** Asks libevent for write callbacks only while someone waits for one: they cost an upcall. */
    private void updateWriteCallback() {
        armWrites((pendingWrites != null && !pendingWrites.isEmpty()) || drainWanted || closed);
    }

    @Override
    public long outputBufferLength() {
        if (!core.inLoop()) {
            return onLoop(this::outputBufferLength);
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
            onLoopRun(() -> setWriteWatermarks(low, high));
            return;
        }
        checkOpen();
        lowWatermark = low;
        highWatermark = high;
        setLowWatermark(low);
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
            onLoopRun(() -> onDrain(onDrain));
            return;
        }
        checkOpen();
        this.onDrain = onDrain;
    }

    // ---- control ---------------------------------------------------------------------------

    @Override
    public void setTimeouts(Duration read, Duration write) {
        checkTimeout(read, "read");
        checkTimeout(write, "write");
        if (!core.inLoop()) {
            onLoopRun(() -> setTimeouts(read, write));
            return;
        }
        checkOpen();
        applyTimeouts(read, write);
    }

    void applyTimeouts(Duration read, Duration write) {
        writeTimeout = write;
        readTimeout = read;
        if (direct != null) {
            direct.timeout(read);
        }
        // Without a bufferevent nothing is queued to time out; one made later gets them then.
        if (hasBufferevent()) {
            setTimeouts(core.scratch(), readTimeout, writeTimeout);
        }
    }


    private static void checkTimeout(Duration d, String name) {
        if (d != null && (d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException(name + " timeout must be positive: " + d);
        }
    }

    @Override
    public void enable(boolean read, boolean write) {
        if (!core.inLoop()) {
            onLoopRun(() -> enable(read, write));
            return;
        }
        checkOpen();
        boolean libeventReads = read && direct == null;
        if (read && direct != null) {
            direct.enable();
        }
        enableEvents((short) ((libeventReads ? READ : 0) | (write ? WRITE : 0)));
        if (write) {
            writeDisabled = false;
        }
    }

    @Override
    public void disable(boolean read, boolean write) {
        if (!core.inLoop()) {
            onLoopRun(() -> disable(read, write));
            return;
        }
        checkOpen();
        if (read) {
            closeView();
        }
        boolean libeventReads = read && direct == null;
        if (read && direct != null) {
            direct.disable();
        }
        disableEvents((short) ((libeventReads ? READ : 0) | (write ? WRITE : 0)));
        if (write) {
            writeDisabled = true;
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
        closeView();
        disableEvents(READ);
        if (direct != null) {
            direct.disable();
        }
        if (outputLength() == 0) {
            free();
            return;
        }
        if (writeTimeout == null) {
            // A peer that never reads must not hold the socket open for ever.
            applyTimeouts(null, CLOSE_FLUSH_TIMEOUT);
        }
        updateWriteCallback();
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
        if (stream != null) {
            stream.keepRemaining();
        }
        pendingWrites = null;
        if (direct != null) {
            direct.disable();
            direct = null;
        }
        resolved();
        connecting = null;
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
     * Carries a call onto the loop (see {@link LoopCore#call}); a socket of a closed loop is
     * closed, and says so with {@link SocketClosed} like any other closed socket.
     */
    private <T> T onLoop(java.util.concurrent.Callable<T> c) {
        checkOpen();
        try {
            return core.call(c);
        } catch (LoopClosedException e) {
            throw new SocketClosed(this);
        }
    }

    /** {@link #onLoop} for calls without a result; from another loop's thread they are queued. */
    private void onLoopRun(Runnable r) {
        checkOpen();
        try {
            core.run(r);
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
            return onLoop(this::inputStream);
        }
        checkOpen();
        if (stream == null) {
            closeView();
            // The stream reads the bufferevent's input buffer: libevent reads from now on.
            needBufferevent();
            stream = new SocketStreams.In(this);
            if (direct != null) {
                boolean wanted = direct.wanted();
                direct.disable();
                direct = null;
                if (wanted) {
                    enableEvents(READ);
                }
            }
        }
        return stream;
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
        read = newRead;
        handler = newHandler;
        onDrain = null;
        drainWanted = false;
        setWriteWatermarks(DEFAULT_LOW_WATERMARK, DEFAULT_HIGH_WATERMARK);
        applyTimeouts(null, null);
        if (direct != null && !readsDirectly()) {
            // The new callback wants libevent's buffer (zero-copy): libevent reads from now on.
            needBufferevent();
            boolean wanted = direct.wanted();
            direct.disable();
            direct = null;
            if (wanted) {
                enableEvents(READ);
            }
        }
    }

    /** Whether the input buffer is there to read: open, with a bufferevent (the input stream's). */
    boolean hasInput() {
        return !isFreed() && hasBufferevent();
    }

    LoopCore core() {
        return core;
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
            return onLoop(() -> address(peer));
        }
        checkOpen();
        return address(core.scratch(), peer);
    }

    @Override
    public String toString() {
        return "TcpSocket[" + (incoming ? "incoming" : "outgoing") + (closed ? ", closed" : "") + "]";
    }
}
