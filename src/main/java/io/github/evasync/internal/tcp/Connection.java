package io.github.evasync.internal.tcp;

import io.github.evasync.DnsError;
import io.github.evasync.EventHandler;
import io.github.evasync.SocketClosed;
import io.github.evasync.TcpEof;
import io.github.evasync.TcpError;
import io.github.evasync.TcpRefused;
import io.github.evasync.TcpTimeout;
import io.github.evasync.internal.ffi.FastCalls;
import io.github.evasync.internal.ffi.LibC;
import io.github.evasync.internal.ffi.NativeCallbacks;
import io.github.evasync.internal.ffi.Scratch;
import io.github.evasync.internal.ffi.SockAddr;
import io.github.evasync.internal.ffi.Upcalls;
import io.github.evasync.internal.libevent.LibEvent;
import io.github.evasync.internal.loop.LoopClosedException;
import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.tcp.ConnectCallback;
import io.github.evasync.tcp.ReadCallback;
import io.github.evasync.tcp.TcpSocket;
import io.github.evasync.tcp.WriteCallback;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;

/**
 * A {@link TcpSocket} on a libevent socket bufferevent. It owns the bufferevent (and through
 * {@code BEV_OPT_CLOSE_ON_FREE} the descriptor) and frees it exactly once, in {@link #free()}.
 * An accepted socket makes its bufferevent only when it first needs one (output the kernel did
 * not take at once, libevent reading, a write timeout): until then it owns the bare descriptor.
 * A server holding many sockets it has read and not yet answered so keeps no bufferevent for them
 * (about 1 KB of libevent memory each).
 */
public final class Connection implements TcpSocket {
    static final NativeCallbacks KIND = new NativeCallbacks() {
        @Override
        public void onBufferRead(Object target) {
            ((Connection) target).onReadable();
        }

        @Override
        public void onEvent(Object target, int fd, short what) {
            ((Connection) target).onReadEvent(what);
        }

        @Override
        public void onBufferWrite(Object target) {
            ((Connection) target).onFlushed();
        }

        @Override
        public void onBufferEvent(Object target, short what, int errno) {
            ((Connection) target).onEvent(what, errno);
        }

        @Override
        public void release(Object target) {
            ((Connection) target).free();
        }
    };

    static final short EV_READ = (short) LibEvent.EV_READ();
    static final short EV_WRITE = (short) LibEvent.EV_WRITE();
    private static final int CONNECTED = LibEvent.BEV_EVENT_CONNECTED();
    private static final int EOF = LibEvent.BEV_EVENT_EOF();
    private static final int ERROR = LibEvent.BEV_EVENT_ERROR();
    private static final int TIMEOUT = LibEvent.BEV_EVENT_TIMEOUT();
    private static final int READING = LibEvent.BEV_EVENT_READING();
    private static final int ECONNREFUSED = LibEvent.ECONNREFUSED();
    private static final short EV_TIMEOUT = (short) LibEvent.EV_TIMEOUT();
    private static final int EINPROGRESS = LibEvent.EINPROGRESS();
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
    private final ConnectCallback connectCallback;
    private final long handle;
    /** The bufferevent; null before an accepted socket needs one, and once freed. */
    private MemorySegment bev;
    private MemorySegment output;
    private volatile boolean closed;
    /** Whether {@link #free()} ran: descriptor closed, handle released. */
    private boolean freed;
    private volatile Object data;
    private boolean connecting;
    /** The socket, once connected; -1 while connecting. Lets a write skip the evbuffer. */
    private int fd = -1;
    private boolean writeDisabled;
    private String host;
    /** Whether this socket's host name is being resolved (an open DNS query). */
    private boolean resolving;
    private int connectErrno;
    private Duration writeTimeout;
    private long queued;
    /** Write callbacks waiting for their bytes to leave; made on first need (memory per socket). */
    private ArrayDeque<PendingWrite> pendingWrites;
    private long lowWatermark = DEFAULT_LOW_WATERMARK;
    private long highWatermark = DEFAULT_HIGH_WATERMARK;
    private Runnable onDrain;
    /** Output above the high watermark, not yet drained to the low one; read by other loops' writes. */
    private volatile boolean drainWanted;
    private boolean writeCallbackArmed;
    private SocketStreams.In stream;
    /** Our own read event, once connected, for byte-array reads; null while libevent reads. */
    private DirectRead direct;
    private Duration readTimeout;
    /** The arena of the zero-copy view a read callback holds, while it runs; null otherwise. */
    private Arena view;
    /** The server that accepted this socket, told when it closes; null for outgoing ones. */
    private Listener acceptedBy;
    /** Neighbours in the accepting server's list of open connections. */
    Connection prevAccepted;
    Connection nextAccepted;

    Connection(LoopCore core, MemorySegment bev, boolean incoming, ReadCallback read, EventHandler handler,
               ConnectCallback connectCallback) {
        this(core, bev, -1, incoming, read, handler, connectCallback);
    }

    /** An accepted descriptor, owned from the call on; its bufferevent waits until needed. */
    static Connection accepted(LoopCore core, int fd, ReadCallback read, EventHandler handler) {
        return new Connection(core, null, fd, true, read, handler, null);
    }

    private Connection(LoopCore core, MemorySegment bev, int fd, boolean incoming, ReadCallback read,
                       EventHandler handler, ConnectCallback connectCallback) {
        this.core = core;
        this.bev = bev;
        this.fd = fd;
        this.incoming = incoming;
        this.read = read;
        this.handler = handler;
        this.connectCallback = connectCallback;
        long h;
        try {
            h = core.handles().register(this, KIND);
        } catch (Throwable t) {
            // Ours from the call on, even when it fails.
            if (bev != null) {
                LibEvent.bufferevent_free(bev);
            } else {
                LibC.close(fd);
            }
            throw t;
        }
        this.handle = h;
        // Counted together with the handle: free() undoes both, whatever fails below.
        core.counts().nativeObjects(1);
        core.counts().tcp(incoming, 1);
        if (bev == null) {
            return;
        }
        try {
            attach(bev);
            this.fd = LibEvent.bufferevent_getfd(bev);
        } catch (Throwable t) {
            free();
            throw t;
        }
    }

    private void attach(MemorySegment b) {
        output = LibEvent.bufferevent_get_output(b);
        LibEvent.bufferevent_setcb(b, Upcalls.BUFFER_READ, writeCallbackArmed ? Upcalls.BUFFER_WRITE : MemorySegment.NULL,
                Upcalls.BUFFER_EVENT, Upcalls.arg(handle));
        LibEvent.bufferevent_setwatermark(b, EV_WRITE, lowWatermark, 0);
    }

    /**
     * The bufferevent, made now for an accepted socket that has done without one so far, in the
     * state the socket's settings call for: its write side enabled unless disabled, reading off
     * (we read, or the caller enables it), the timeouts applied. Open sockets only.
     */
    private MemorySegment bufferevent() {
        MemorySegment b = bev;
        if (b != null) {
            return b;
        }
        b = LibEvent.bufferevent_socket_new(core.base(), fd, LibEvent.BEV_OPT_CLOSE_ON_FREE());
        if (b.equals(MemorySegment.NULL)) {
            throw new TcpError(this, -1, "bufferevent_socket_new failed (out of memory?)");
        }
        bev = b;
        attach(b);
        if (writeDisabled) {
            LibEvent.bufferevent_disable(b, EV_WRITE);
        }
        if (readTimeout != null || writeTimeout != null) {
            setBuffereventTimeouts(b);
        }
        return b;
    }

    /** Bytes waiting in our output buffer; none while there is no bufferevent. */
    private long outputLength() {
        return bev == null ? 0 : FastCalls.evbuffer_get_length(output);
    }

    void acceptedBy(Listener server) {
        acceptedBy = server;
    }

    void startConnecting(String hostName) {
        connecting = true;
        host = hostName;
        fd = -1;
        if (hostName != null) {
            resolving = true;
            core.dnsQueryStarted();
        }
    }

    private void resolved() {
        if (resolving) {
            resolving = false;
            core.dnsQueryEnded();
        }
    }

    void connectErrno(int errno) {
        connectErrno = errno;
    }

    /** The bufferevent of an outgoing socket; null once freed. */
    MemorySegment bev() {
        return bev;
    }

    // ---- libevent callbacks ----------------------------------------------------------------

    private void onReadable() {
        if (freed) {
            return;
        }
        MemorySegment in = LibEvent.bufferevent_get_input(bev);
        long n = FastCalls.evbuffer_get_length(in);
        if (n == 0) {
            return;
        }
        if (closed || read == null) {
            // Closed by the application: nothing more is delivered.
            LibEvent.evbuffer_drain(in, n);
            return;
        }
        try {
            if (stream != null) {
                read.onRead(this, EMPTY);
            } else if (read.zeroCopy()) {
                Arena v = Arena.ofConfined();
                view = v;
                try {
                    MemorySegment p = LibEvent.evbuffer_pullup(in, n).reinterpret(n, v, null);
                    read.onRead(this, p.asByteBuffer().asReadOnlyBuffer());
                } finally {
                    endView();
                    // libevent holds the bufferevent (and so this buffer) until the callback
                    // returns, even when the application freed the socket inside it.
                    LibEvent.evbuffer_drain(in, n);
                }
            } else {
                int len = (int) Math.min(n, Integer.MAX_VALUE - 8);
                byte[] bytes = new byte[len];
                FastCalls.evbuffer_remove(in, MemorySegment.ofArray(bytes), len);
                read.onRead(this, bytes);
            }
        } catch (Throwable t) {
            core.callbackFailed(t, handler);
        }
    }

    /**
     * Ends the zero-copy view handed to a read callback, if one is out: from now on touching it
     * throws {@link IllegalStateException} rather than read memory that is about to be drained
     * or freed. Called when the callback returns and by every path that drains the input
     * buffer, frees it or changes how the socket reads (the input stream, disable, close).
     */
    void endView() {
        Arena v = view;
        if (v != null) {
            view = null;
            v.close();
        }
    }

    /**
     * Starts reading once the socket is connected: with our own read event (see
     * {@link DirectRead}) when the data goes to a byte array, else through the bufferevent.
     *
     * @param wanted whether the socket is to be read now (not disabled by the application)
     */
    void startReading(boolean wanted) {
        if (freed || closed || direct != null) {
            return;
        }
        if (!readsDirectly()) {
            MemorySegment b = bufferevent();
            if (wanted) {
                LibEvent.bufferevent_enable(b, EV_READ);
            }
            return;
        }
        direct = new DirectRead(core, fd, handle, wanted, readTimeout);
    }

    /** Whether this socket's data goes to a byte array, so that we read it rather than libevent. */
    private boolean readsDirectly() {
        return fd >= 0 && stream == null && (read == null || !read.zeroCopy());
    }

    /** Our read event fired: one recv, then the data, the end of stream or the error. */
    private void onReadEvent(short what) {
        DirectRead d = direct;
        if (freed || d == null) {
            return;
        }
        if ((what & EV_READ) == 0 && (what & EV_TIMEOUT) != 0) {
            onEvent((short) (READING | TIMEOUT), 0);
            return;
        }
        long n = d.recv();
        if (n == DirectRead.NOTHING) {
            return;
        }
        if (n == 0) {
            onEvent((short) (READING | EOF), 0);
        } else if (n < 0) {
            onEvent((short) (READING | ERROR), (int) -n);
        } else if (!closed && read != null) {
            byte[] bytes = Arrays.copyOf(core.readAheadBuffer(), (int) n);
            try {
                read.onRead(this, bytes);
            } catch (Throwable t) {
                core.callbackFailed(t, handler);
            }
        }
    }

    private void onFlushed() {
        if (freed) {
            return;
        }
        long out = FastCalls.evbuffer_get_length(output);
        long flushed = queued - out;
        while (pendingWrites != null && !pendingWrites.isEmpty() && pendingWrites.peekFirst().end() <= flushed) {
            runWriteCallback(pendingWrites.pollFirst().callback());
            if (freed) {
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
                if (freed) {
                    return;
                }
            }
        }
        if (closed && FastCalls.evbuffer_get_length(output) == 0) {
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

    private void onEvent(short what, int errno) {
        if (freed) {
            return;
        }
        resolved();
        if ((what & CONNECTED) != 0) {
            connecting = false;
            fd = LibEvent.bufferevent_getfd(bev);
            Tcp.setNoDelay(core, fd);
            // libevent read while connecting (there was nothing to read); from now on, we do.
            boolean wanted = (LibEvent.bufferevent_get_enabled(bev) & EV_READ) != 0;
            if (readsDirectly()) {
                LibEvent.bufferevent_disable(bev, EV_READ);
                startReading(wanted);
            }
            if (connectCallback != null && !closed) {
                try {
                    connectCallback.onConnect(this);
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
        if (connecting && host != null) {
            int dnsError = LibEvent.bufferevent_socket_get_dns_error(bev);
            if (dnsError != 0) {
                return new DnsError(host, dnsError, LibEvent.evutil_gai_strerror(dnsError).getString(0));
            }
        }
        // A connect that failed at once (a refused loopback connect) reports later, through a
        // deferred callback, when errno no longer says why; the connect call's own errno does.
        int err = connecting && connectErrno != 0 && connectErrno != EINPROGRESS ? connectErrno : errno;
        String msg = err > 0 ? LibC.strerror(err) : "socket error";
        if (connecting && err == ECONNREFUSED) {
            return new TcpRefused(this, err, msg);
        }
        return new TcpError(this, err > 0 ? err : -1, msg);
    }

    /** Reports a connect that failed before libevent took it, on the loop's next turn. */
    void failSoon(int errno) {
        core.execute(() -> {
            if (!freed && !closed) {
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
        return writeSegment(MemorySegment.ofArray(data), data.length, callback);
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
        MemorySegment seg;
        if (data.isReadOnly() && !data.isDirect()) {
            byte[] copy = new byte[len];
            data.duplicate().get(copy);
            seg = MemorySegment.ofArray(copy);
        } else {
            seg = MemorySegment.ofBuffer(data);
        }
        boolean ok = writeSegment(seg, len, callback);
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

    private boolean writeSegment(MemorySegment seg, long len, WriteCallback callback) {
        long sent = 0;
        if (len > 0 && fd >= 0 && !writeDisabled && outputLength() == 0) {
            // Nothing is queued, so bytes can go straight to the kernel: no copy into the
            // evbuffer and no write event to arm and disarm (two epoll_ctl calls) when it all fits.
            // Anything short of that (EAGAIN, an error) is left to libevent, which reports errors.
            sent = Math.max(0, FastCalls.send(fd, seg, len));
        }
        if (sent < len && FastCalls.bufferevent_write(bufferevent(), seg.asSlice(sent), len - sent) != 0) {
            throw new TcpError(this, -1, "libevent could not queue " + (len - sent) + " bytes (out of memory?)");
        }
        queued += len;
        long out = len > 0 && sent == len ? 0 : outputLength();
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
        boolean want = (pendingWrites != null && !pendingWrites.isEmpty()) || drainWanted || closed;
        if (want != writeCallbackArmed && bev != null) {
            writeCallbackArmed = want;
            LibEvent.bufferevent_setcb(bev, Upcalls.BUFFER_READ, want ? Upcalls.BUFFER_WRITE : MemorySegment.NULL,
                    Upcalls.BUFFER_EVENT, Upcalls.arg(handle));
        }
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
        if (bev != null) {
            LibEvent.bufferevent_setwatermark(bev, EV_WRITE, low, 0);
        }
    }

    /**
     * Keeps at most {@code bytes} of this socket's output waiting unsent in the kernel (see
     * {@link Tcp#setNotSentLowat}); loop thread, open socket. Output beyond it waits in the
     * bufferevent, where the watermarks count it.
     */
    public void limitUnsentInKernel(int bytes) {
        checkOpen();
        if (fd >= 0) {
            Tcp.setNotSentLowat(core, fd, bytes);
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
        if (bev != null) {
            setBuffereventTimeouts(bev);
        }
    }

    private void setBuffereventTimeouts(MemorySegment b) {
        Scratch s = core.scratch();
        long mark = s.mark();
        try {
            LibEvent.bufferevent_set_timeouts(b, s.timeval(readTimeout), s.timeval(writeTimeout));
        } finally {
            s.reset(mark);
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
        short flags = (short) ((libeventReads ? EV_READ : 0) | (write ? EV_WRITE : 0));
        // Without a bufferevent libevent neither reads nor has output to write: nothing to tell it.
        if (flags != 0 && bev != null) {
            LibEvent.bufferevent_enable(bev, flags);
        }
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
            endView();
        }
        boolean libeventReads = read && direct == null;
        if (read && direct != null) {
            direct.disable();
        }
        short flags = (short) ((libeventReads ? EV_READ : 0) | (write ? EV_WRITE : 0));
        if (flags != 0 && bev != null) {
            LibEvent.bufferevent_disable(bev, flags);
        }
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
        if (closed || freed) {
            return;
        }
        closed = true;
        endView();
        if (bev != null) {
            LibEvent.bufferevent_disable(bev, EV_READ);
        }
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
            if (!freed) {
                core.runUnlessClosed(this::closeNow);
            }
            return;
        }
        free();
    }

    /** Frees the bufferevent and closes the descriptor; exactly once, whatever calls it. */
    void free() {
        if (freed) {
            return;
        }
        freed = true;
        MemorySegment b = bev;
        closed = true;
        endView();
        if (stream != null) {
            stream.keepRemaining(LibEvent.bufferevent_get_input(b));
        }
        bev = null;
        output = null;
        pendingWrites = null;
        if (direct != null) {
            direct.disable();
            direct = null;
        }
        resolved();
        if (b != null) {
            // Safe inside this bufferevent's own callback: libevent holds a reference until it returns.
            LibEvent.bufferevent_free(b);
        } else {
            LibC.close(fd);
        }
        core.handles().release(handle);
        core.counts().nativeObjects(-1);
        core.counts().tcp(incoming, -1);
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
            endView();
            // The stream reads the bufferevent's input buffer: libevent reads from now on.
            MemorySegment b = bufferevent();
            stream = new SocketStreams.In(this);
            if (direct != null) {
                boolean wanted = direct.wanted();
                direct.disable();
                direct = null;
                if (wanted) {
                    LibEvent.bufferevent_enable(b, EV_READ);
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
            MemorySegment b = bufferevent();
            boolean wanted = direct.wanted();
            direct.disable();
            direct = null;
            if (wanted) {
                LibEvent.bufferevent_enable(b, EV_READ);
            }
        }
    }

    /** The input evbuffer while open, for the input stream (which has a bufferevent); null once freed. */
    MemorySegment input() {
        MemorySegment b = bev;
        return freed || b == null ? null : LibEvent.bufferevent_get_input(b);
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
        int socket = bev != null ? LibEvent.bufferevent_getfd(bev) : fd;
        if (socket < 0) {
            return null;
        }
        return SockAddr.of(core.scratch(), socket, peer);
    }

    @Override
    public String toString() {
        return "TcpSocket[" + (incoming ? "incoming" : "outgoing") + (closed ? ", closed" : "") + "]";
    }
}
