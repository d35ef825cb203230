package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibEvent;
import io.github.evasync.internal.libevent.LibTls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * A TCP socket's native side: its descriptor and libevent {@code bufferevent} (which owns the
 * descriptor through {@code BEV_OPT_CLOSE_ON_FREE}), with every call the socket makes on them.
 * An accepted socket may do without a bufferevent until it first needs one
 * ({@link #makeBufferevent}); until then this owns the bare descriptor and closes it when freed.
 *
 * <p>The connection extends this class rather than hold one: a server may hold tens of thousands
 * of idle sockets, and a second object per socket would cost each of them its header and
 * fields.
 *
 * <p>A TLS socket's bufferevent is libevent's OpenSSL one, made at once (accepted or not) on an
 * {@code SSL} of its {@link TlsContext}, with {@code BEV_OPT_CLOSE_ON_FREE}: libevent frees the
 * {@code SSL} and closes the descriptor with it, exactly once. All its bytes go through it,
 * both ways: a TLS socket never sends or reads on the bare descriptor. The upcalls (the bufferevent's three callbacks and the socket's own read event, which
 * carries the same handle) end in the abstract hooks below. Loop thread only.
 */
public abstract class BufferEvent extends NativeOwner {
    /** Event flag: reading. */
    public static final short READ = (short) LibEvent.EV_READ();
    /** Event flag: writing. */
    public static final short WRITE = (short) LibEvent.EV_WRITE();
    /** {@link #socketEvent} flag: the connect finished. */
    public static final short CONNECTED = (short) LibEvent.BEV_EVENT_CONNECTED();
    /** {@link #socketEvent} flag: the peer closed its side. */
    public static final short EOF = (short) LibEvent.BEV_EVENT_EOF();
    /** {@link #socketEvent} flag: an error, with errno. */
    public static final short ERROR = (short) LibEvent.BEV_EVENT_ERROR();
    /** {@link #socketEvent} flag: a read or write timeout. */
    public static final short TIMEOUT = (short) LibEvent.BEV_EVENT_TIMEOUT();
    /** {@link #socketEvent} flag: it happened while reading (else writing). */
    public static final short READING = (short) LibEvent.BEV_EVENT_READING();

    private static final short EV_TIMEOUT = (short) LibEvent.EV_TIMEOUT();
    private static final int CLOSE_ON_FREE = LibEvent.BEV_OPT_CLOSE_ON_FREE();

    /** The descriptor; -1 while an outgoing socket connects. Lets a write skip the evbuffer. */
    private int fd;
    /** The bufferevent; null before an accepted socket needs one, and once freed. */
    private MemorySegment bev;
    private MemorySegment input;
    private MemorySegment output;
    /** The arena of the zero-copy view a read callback holds, while it runs; null otherwise. */
    private Arena view;
    /** Whether libevent calls {@link #outputLow()}: only while someone waits, each call is an upcall. */
    private boolean writeArmed;
    /** A TLS socket's context, one reference held while its bufferevent lives; null for a plain socket. */
    private TlsContext tls;
    /** Whether TLS failed or timed out: then no close_notify goes out as it is freed. */
    private boolean tlsFailed;
    /** A TLS socket's {@code SSL}, which its bufferevent owns and frees; null for a plain socket. */
    private MemorySegment ssl;
    /** Whether the TLS handshake is known to be over, so that writes may go straight through the {@code SSL}. */
    private boolean tlsOpen;
    /**
     * A TLS socket's read event inside its bufferevent, woken when OpenSSL's read-ahead holds
     * bytes the descriptor no longer shows ({@link TlsConnection#enableReadAhead}); null for a
     * plain socket, once freed, or with read-ahead off.
     */
    private MemorySegment tlsReadEvent;
    /**
     * Whether this accepted TLS socket's bufferevent still has the write side it was made without
     * ({@link #acceptOnlyReading}) off, so that queueing output must turn it on.
     */
    private boolean tlsWriteOff;

    /**
     * A socket's TLS side, for {@link #BufferEvent(HandleTable, IntConsumer, EventBase, int, long, Tls)}.
     *
     * @param context the context to make its {@code SSL} from (a server's accepts, a client's connects)
     * @param host the name (or address) a client checks the server's certificate against and sends as SNI; null for a server
     */
    public record Tls(TlsContext context, String host) {
    }

    /** Why TLS failed: OpenSSL's packed error code or the X.509 verify result, and OpenSSL's text. */
    public record TlsFailure(int code, String text) {
    }

    /** A negotiated session: protocol, cipher suite, ALPN protocol (or null), the peer's certificates as DER. */
    public record TlsState(String protocol, String cipherSuite, String alpn, List<byte[]> certificates) {
    }

    /**
     * Registers the socket: with a bufferevent made now on {@code base} (on {@code fd}, or on no
     * descriptor yet when {@code fd} is -1, to connect), or, with {@code base} null, on the bare
     * descriptor {@code fd}. The descriptor is this owner's from the call on, even when it fails.
     *
     * @param count told +1 now and -1 when freed
     * @param lowWatermark the output length at which {@link #outputLow()} is called
     * @throws IllegalStateException when libevent cannot make the bufferevent
     */
    protected BufferEvent(HandleTable handles, IntConsumer count, EventBase base, int fd, long lowWatermark) {
        this(handles, count, base, fd, lowWatermark, null);
    }

    /**
     * As {@link #BufferEvent(HandleTable, IntConsumer, EventBase, int, long)}, and with
     * {@code tls} not null a TLS socket: its OpenSSL bufferevent is made now, on {@code fd} (an
     * accepted socket, handshake as a server) or on no descriptor yet (to connect, handshake as
     * a client), and the socket holds a reference to the context until it is freed.
     */
    protected BufferEvent(HandleTable handles, IntConsumer count, EventBase base, int fd, long lowWatermark, Tls tls) {
        super(handles, count);
        this.fd = fd;
        MemorySegment b = null;
        if (tls != null) {
            b = newTlsBufferevent(base, fd, tls);
        } else if (base != null) {
            b = newBufferevent(base, fd);
            if (b == null) {
                throw new IllegalStateException("bufferevent_socket_new failed" + (fd < 0 ? "" : " for fd " + fd));
            }
        }
        try {
            open();
        } catch (Throwable t) {
            if (b != null) {
                LibEvent.bufferevent_free(b);
                releaseTls();
            } else {
                LibC.close(fd);
            }
            throw t;
        }
        if (b == null) {
            return;
        }
        bev = b;
        try {
            attach(lowWatermark);
            this.fd = LibEvent.bufferevent_getfd(b);
        } catch (Throwable t) {
            free();
            throw t;
        }
    }

    /**
     * The OpenSSL bufferevent of a TLS socket, holding a new reference to the context. On failure
     * the descriptor is closed here (the socket owns it from the constructor on) and libevent has
     * freed the {@code SSL} (it does so on failure with {@code BEV_OPT_CLOSE_ON_FREE}).
     */
    private MemorySegment newTlsBufferevent(EventBase base, int fd, Tls t) {
        TlsContext ctx = t.context();
        boolean server = ctx.isServer();
        MemorySegment b = null;
        boolean held = false;
        boolean fdGone = false;
        try {
            if (!ctx.retain()) {
                throw new IllegalStateException("the TLS context was freed");
            }
            held = true;
            ssl = ctx.newSsl(t.host());
            // A server's is made on no descriptor and given it below: see acceptOnlyReading.
            b = LibTls.bufferevent_openssl_socket_new(base.pointer(), server ? -1 : fd, ssl,
                    server ? LibTls.BUFFEREVENT_SSL_ACCEPTING() : LibTls.BUFFEREVENT_SSL_CONNECTING(), CLOSE_ON_FREE);
            if (b.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("bufferevent_openssl_socket_new failed: " + OpenSslErrors.drain());
            }
            if (server && !acceptOnlyReading(b, fd)) {
                // Given to the SSL's socket BIO before anything in bufferevent_setfd can fail:
                // freeing the bufferevent (with the SSL) closed it.
                fdGone = true;
                LibEvent.bufferevent_free(b);
                throw new IllegalStateException("bufferevent_setfd failed for an accepted TLS socket: "
                        + OpenSslErrors.drain());
            }
        } catch (Throwable e) {
            ssl = null;
            if (held) {
                ctx.release();
            }
            if (fd >= 0 && !fdGone) {
                LibC.close(fd);
            }
            throw e;
        }
        tls = ctx;
        tlsReadEvent = TlsConnection.enableReadAhead(b, ssl);
        return b;
    }

    /**
     * Gives a server's OpenSSL bufferevent, made on no descriptor, accepted descriptor {@code fd}
     * with its write side off. libevent 2.1 makes one with its write side on and, while
     * handshaking, watches a socket for writability whenever that side is on: the first poll then
     * wakes for a socket that is writable, tries the handshake before the ClientHello is there (a
     * read that fails with EAGAIN), and turns the watch to reading (three epoll_ctl calls and a
     * wasted turn); the handshake's end turns the write watch on again for one more wasted wake.
     * Turned off before it has the descriptor, it watches only for the ClientHello; the handshake
     * still asks for writability itself when OpenSSL cannot send, and {@link #writeOut} turns the
     * write side on when it first queues bytes. {@return false when libevent could not}
     */
    private boolean acceptOnlyReading(MemorySegment b, int fd) {
        LibEvent.bufferevent_disable(b, WRITE);
        if (LibEvent.bufferevent_setfd(b, fd) != 0) {
            return false;
        }
        tlsWriteOff = true;
        return true;
    }

    private void releaseTls() {
        TlsContext ctx = tls;
        if (ctx != null) {
            tls = null;
            ctx.release();
        }
    }

    /** {@return whether this is a TLS socket} */
    protected final boolean isTls() {
        return tls != null;
    }

    /**
     * Why this TLS socket failed (see {@link TlsConnection#failure}), or null when OpenSSL
     * recorded nothing; marks it failed, so that no close_notify follows. Needs the bufferevent.
     */
    protected final TlsFailure tlsFailure() {
        tlsFailed = true;
        return TlsConnection.failure(bev, tls.verifiesPeer());
    }

    /** Marks this TLS socket failed (a handshake that timed out): no close_notify as it is freed. */
    protected final void tlsFailed() {
        tlsFailed = true;
    }

    /** {@return the negotiated TLS session}; after the handshake, while the bufferevent lives */
    protected final TlsState tlsState() {
        return TlsConnection.session(bev, tls.isServer());
    }

    private static MemorySegment newBufferevent(EventBase base, int fd) {
        MemorySegment b = LibEvent.bufferevent_socket_new(base.pointer(), fd, CLOSE_ON_FREE);
        return b.equals(MemorySegment.NULL) ? null : b;
    }

    private void attach(long lowWatermark) {
        input = LibEvent.bufferevent_get_input(bev);
        output = LibEvent.bufferevent_get_output(bev);
        setCallbacks();
        LibEvent.bufferevent_setwatermark(bev, WRITE, lowWatermark, 0);
        // libevent 2.1 writes at most 16 KiB per writev by default: a bulk sender paid a syscall
        // and a poll for every 16 KiB (64K of each per GiB). The kernel's send buffer bounds a
        // write anyway, and one connection's large write does not hold the loop longer than the
        // copy into that buffer takes.
        LibEvent.bufferevent_set_max_single_write(bev, MAX_SINGLE_WRITE);
    }

    /** The most one write to the kernel hands over (see {@link #attach}). */
    private static final long MAX_SINGLE_WRITE = 1 << 20;

    private void setCallbacks() {
        LibEvent.bufferevent_setcb(bev, Upcalls.Bufferevents.READ, writeArmed ? Upcalls.Bufferevents.WRITE : MemorySegment.NULL,
                Upcalls.Bufferevents.EVENT, Upcalls.arg(handle()));
    }

    /**
     * Makes the bufferevent of a socket that has done without one so far, on its descriptor,
     * with its write side enabled and reading off. {@return false when libevent could not}
     */
    protected final boolean makeBufferevent(EventBase base, long lowWatermark) {
        MemorySegment b = newBufferevent(base, fd);
        if (b == null) {
            return false;
        }
        bev = b;
        attach(lowWatermark);
        return true;
    }

    /** {@return whether the socket has its bufferevent (and so input and output buffers)} */
    public final boolean hasBufferevent() {
        return bev != null;
    }

    /** {@return the descriptor, or -1 while connecting} */
    protected final int fd() {
        return fd;
    }

    // ---- upcalls: each ends in a hook -----------------------------------------------------

    @Override
    public final void onBufferRead(Object ignored) {
        if (!isFreed()) {
            long n = FastCalls.evbuffer_get_length(input);
            if (n != 0) {
                inputArrived(n);
            }
            tlsReadPending();
        }
    }

    @Override
    public final void onBufferWrite(Object ignored) {
        if (!isFreed()) {
            outputLow();
        }
    }

    @Override
    public final void onBufferEvent(Object ignored, short what, int errno) {
        if (!isFreed()) {
            socketEvent(what, errno);
            if ((what & CONNECTED) != 0) {
                // The handshake's last read may have taken the first records of data with it.
                tlsReadPending();
            }
        }
    }

    /**
     * Wakes a TLS socket's read event when OpenSSL holds bytes the descriptor no longer shows and
     * libevent reads this socket (see {@link TlsConnection#enableReadAhead}).
     */
    private void tlsReadPending() {
        if (tlsReadEvent != null && !isFreed()) {
            TlsConnection.readPending(tlsReadEvent, ssl, bev);
        }
    }

    /** The socket's own read event (see {@link ReadEvent}), which carries this owner's handle. */
    @Override
    public final void onEvent(Object ignored, int fd, short what) {
        if (!isFreed()) {
            readEvent((what & READ) == 0 && (what & EV_TIMEOUT) != 0);
        }
    }

    /** {@code n} bytes (more than none) wait in the input buffer. */
    protected abstract void inputArrived(long n);

    /** The output buffer fell to the low watermark (called only while {@link #armWrites armed}). */
    protected abstract void outputLow();

    /**
     * Connected, end of stream, timeout or error: a mix of {@link #CONNECTED}, {@link #EOF},
     * {@link #ERROR}, {@link #TIMEOUT} and {@link #READING}, with the errno as the upcall began.
     */
    protected abstract void socketEvent(short what, int errno);

    /** The socket's own read event fired: readable, or the read timeout passed. */
    protected abstract void readEvent(boolean timedOut);

    /** Runs as the socket is freed, before its buffers go: the last chance to read the input. */
    protected abstract void beforeNativeFree();

    /** Runs once the descriptor is closed. */
    protected abstract void afterNativeFree();

    @Override
    protected final void freeNative() {
        try {
            closeView();
            beforeNativeFree();
        } finally {
            // Whatever the owner's last work threw (an OutOfMemoryError keeping the unread input,
            // say), the socket was counted out already: its native half must go too.
            freeBufferevent();
        }
    }

    private void freeBufferevent() {
        // close_notify says the stream ended where the sender meant it to: not when queued output
        // is being thrown away (closeNow, a timeout, a failed flush), or the peer would take a cut
        // stream for a whole one.
        boolean closeNotify = tls != null && !tlsFailed && outputLength() == 0;
        MemorySegment b = bev;
        bev = null;
        tlsReadEvent = null;
        input = null;
        output = null;
        if (b != null) {
            if (closeNotify) {
                TlsConnection.closeNotify(b);
            }
            // Safe inside this bufferevent's own callback: libevent holds a reference until it returns.
            // An OpenSSL bufferevent frees its SSL and closes the descriptor here too.
            LibEvent.bufferevent_free(b);
            releaseTls();
        } else {
            LibC.close(fd);
        }
        afterNativeFree();
    }

    // ---- events, timeouts, watermarks ------------------------------------------------------

    /** Enables {@link #READ} and/or {@link #WRITE}; nothing to tell libevent without a bufferevent. */
    protected final void enableEvents(short flags) {
        if (flags != 0 && bev != null) {
            if ((flags & WRITE) != 0) {
                tlsWriteOff = false;
            }
            LibEvent.bufferevent_enable(bev, flags);
            if ((flags & READ) != 0) {
                tlsReadPending();
            }
        }
    }

    /** Disables {@link #READ} and/or {@link #WRITE}; nothing to tell libevent without a bufferevent. */
    protected final void disableEvents(short flags) {
        if (flags != 0 && bev != null) {
            LibEvent.bufferevent_disable(bev, flags);
        }
    }

    /** {@return whether libevent reads the socket (its read side is enabled)} */
    protected final boolean libeventReads() {
        return bev != null && (LibEvent.bufferevent_get_enabled(bev) & READ) != 0;
    }

    /** Sets the bufferevent's read and write timeouts (null: none); needs the bufferevent. */
    protected final void setTimeouts(Scratch scratch, Duration read, Duration write) {
        long mark = scratch.mark();
        try {
            LibEvent.bufferevent_set_timeouts(bev, scratch.timeval(read), scratch.timeval(write));
        } finally {
            scratch.reset(mark);
        }
    }

    /** Sets the output length at which {@link #outputLow()} is called, if there is a bufferevent. */
    protected final void setLowWatermark(long low) {
        if (bev != null) {
            LibEvent.bufferevent_setwatermark(bev, WRITE, low, 0);
        }
    }

    /** Asks for {@link #outputLow()} calls, or stops them; a bufferevent made later starts without. */
    protected final void armWrites(boolean want) {
        if (want != writeArmed && bev != null) {
            writeArmed = want;
            setCallbacks();
        }
    }

    // ---- writing ---------------------------------------------------------------------------

    /** {@return the bytes waiting in the output buffer; none while there is no bufferevent} */
    public final long outputLength() {
        return bev == null ? 0 : FastCalls.evbuffer_get_length(output);
    }

    /** Writes all of {@code data}; see {@link #writeOut(MemorySegment, long, boolean)}. */
    protected final long writeOut(byte[] data, boolean mayBypass) {
        return writeOut(MemorySegment.ofArray(data), data.length, mayBypass);
    }

    /**
     * Writes the remaining bytes of {@code data} (heap or direct), leaving its position alone; see
     * {@link #writeOut(MemorySegment, long, boolean)}.
     */
    protected final long writeOut(ByteBuffer data, boolean mayBypass) {
        return writeOut(MemorySegment.ofBuffer(data), data.remaining(), mayBypass);
    }

    /**
     * Writes bytes: when nothing is queued (and {@code mayBypass}), straight to the kernel with
     * one {@code send}, with no copy into the evbuffer and no write event to arm and disarm (two
     * epoll_ctl calls) when it all fits; what the kernel did not take, or all of it, is copied
     * into the output buffer (made first through {@link #needBufferevent()}), which libevent
     * writes when the socket is writable and whose errors it reports.
     *
     * @return the bytes waiting in the output buffer afterwards, or, when libevent could not
     *         queue them (out of memory), minus the count it could not queue
     */
    private long writeOut(MemorySegment data, long len, boolean mayBypass) {
        long sent = 0;
        if (len > 0 && mayBypass && fd >= 0 && outputLength() == 0) {
            if (tls == null) {
                sent = Math.max(0, FastCalls.send(fd, data, len));
            } else if (len <= Integer.MAX_VALUE && tlsOpen()) {
                sent = TlsConnection.writeDirect(ssl, data, (int) len) ? len : 0;
            }
        }
        if (sent < len) {
            if (bev == null) {
                needBufferevent();
            }
            if (FastCalls.bufferevent_write(bev, data.asSlice(sent), len - sent) != 0) {
                return -(len - sent);
            }
            if (tlsWriteOff && mayBypass) {
                // Queued bytes of a socket whose writes are not disabled: libevent writes them once its write side is on.
                enableEvents(WRITE);
            }
        }
        return len > 0 && sent == len ? 0 : outputLength();
    }

    /**
     * Whether this TLS socket's handshake is over and nothing failed, so that a write may go
     * straight through its {@code SSL} (libevent 2.1's OpenSSL bufferevent writes only once the
     * socket reports writable: an extra loop turn and two epoll_ctl calls for every answer).
     * Once over it stays over; TLS 1.3 has no renegotiation, and a TLS 1.2 one only makes
     * {@code SSL_write} ask to be repeated, which the output buffer then does.
     */
    private boolean tlsOpen() {
        if (!tlsOpen && bev != null && !tlsFailed) {
            tlsOpen = LibTls.SSL_is_init_finished(ssl) == 1;
        }
        return tlsOpen && !tlsFailed;
    }

    /** Makes the bufferevent ({@link #makeBufferevent}) in the state the socket's settings call for. */
    protected abstract void needBufferevent();

    // ---- reading ---------------------------------------------------------------------------

    /** {@return the bytes waiting in the input buffer}; needs the bufferevent. */
    public final long inputLength() {
        return FastCalls.evbuffer_get_length(input);
    }

    /** Moves up to {@code len} input bytes into {@code b} at {@code off}; {@return the count moved} */
    public final int removeInput(byte[] b, int off, int len) {
        closeView();
        return FastCalls.evbuffer_remove(input, MemorySegment.ofArray(b).asSlice(off, len), len);
    }

    /**
     * Drops the first {@code n} input bytes; nothing once freed (a read callback may free the
     * socket, and then its input goes with it).
     */
    public final void drainInput(long n) {
        closeView();
        if (input != null) {
            LibEvent.evbuffer_drain(input, n);
        }
    }

    /**
     * A read-only view of the first {@code n} input bytes, without copying them; valid until
     * {@link #closeView()}, after which touching it throws {@link IllegalStateException} rather
     * than read memory that is drained or freed.
     */
    protected final ByteBuffer openView(long n) {
        Arena v = Arena.ofConfined();
        view = v;
        return LibEvent.evbuffer_pullup(input, n).reinterpret(n, v, null).asByteBuffer().asReadOnlyBuffer();
    }

    /**
     * Ends the zero-copy view {@link #openView} handed to a read callback, if one is out: from
     * now on touching it throws {@link IllegalStateException} rather than read memory that is
     * about to be drained or freed. Called when the callback returns and by every path that
     * drains the input buffer, frees it or changes how the socket reads (the input stream,
     * disable, close).
     */
    public final void closeView() {
        Arena v = view;
        if (v != null) {
            view = null;
            v.close();
        }
    }

    // ---- connecting, addresses -------------------------------------------------------------

    /** How a connect call went: whether it failed at once, and the errno it left. */
    public record ConnectCall(boolean failed, int errno) {
    }

    /** Starts connecting the bufferevent to {@code address:port}. */
    protected final ConnectCall connect(Scratch scratch, InetAddress address, int port) {
        long mark = scratch.mark();
        try {
            MemorySegment state = scratch.allocate(FastCalls.captureStateSize(), 8);
            MemorySegment sa = SockAddr.encode(scratch, address, port);
            int r = FastCalls.bufferevent_socket_connect(state, bev, sa, (int) sa.byteSize());
            return new ConnectCall(r != 0, FastCalls.errno(state));
        } finally {
            scratch.reset(mark);
        }
    }

    /**
     * Starts connecting the bufferevent to the Unix-domain socket file {@code path} (its bytes);
     * libevent makes an {@code AF_UNIX} socket for it. A missing file fails at once
     * ({@code ENOENT}), as does a file nothing listens on ({@code ECONNREFUSED}, reported by
     * libevent on the next turn).
     */
    protected final ConnectCall connectUnix(Scratch scratch, byte[] path) {
        long mark = scratch.mark();
        try {
            MemorySegment state = scratch.allocate(FastCalls.captureStateSize(), 8);
            MemorySegment sa = SockAddr.encodeUnix(scratch, path);
            int r = FastCalls.bufferevent_socket_connect(state, bev, sa, (int) sa.byteSize());
            return new ConnectCall(r != 0, FastCalls.errno(state));
        } finally {
            scratch.reset(mark);
        }
    }

    /**
     * Starts resolving {@code host} on {@code dnsBase} and then connecting to {@code port}. A
     * lookup that fails at once may already have reported (and the socket been freed); that
     * does not count as failing here.
     */
    protected final ConnectCall connect(DnsBase dnsBase, Scratch scratch, String host, int port) {
        long mark = scratch.mark();
        try {
            int r = LibEvent.bufferevent_socket_connect_hostname(bev, dnsBase.pointer(), LibEvent.AF_UNSPEC(),
                    scratch.allocateFrom(host), port);
            boolean failed = r != 0 && bev != null;
            return new ConnectCall(failed, failed ? LibC.errno() : 0);
        } finally {
            scratch.reset(mark);
        }
    }

    /** {@return the getaddrinfo error of a failed host name lookup, or 0} */
    protected final int dnsError() {
        return bev == null ? 0 : LibEvent.bufferevent_socket_get_dns_error(bev);
    }

    /** The connect finished: takes the descriptor libevent made (the socket's options are the caller's). */
    protected final void connected() {
        fd = LibEvent.bufferevent_getfd(bev);
    }

    /** {@return the socket's address, or its peer's; null when unknown (not connected yet)} */
    protected final InetSocketAddress address(Scratch scratch, boolean peer) {
        int socket = bev != null ? LibEvent.bufferevent_getfd(bev) : fd;
        return socket < 0 ? null : SockAddr.of(scratch, socket, peer);
    }
}
