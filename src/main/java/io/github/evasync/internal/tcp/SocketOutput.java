package io.github.evasync.internal.tcp;

import io.github.evasync.TcpError;
import io.github.evasync.internal.ffi.SocketOptions;
import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.tcp.ReadCallback;
import io.github.evasync.tcp.WriteCallback;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.IntConsumer;

/**
 * A socket's write queue, the layer of a {@link Connection} between its read path
 * ({@link SocketInput}) and the connection itself: what was written and not yet sent, the write
 * callbacks waiting for their bytes to leave, flow control (the watermarks, {@code onDrain}) and
 * the bufferevent's write callback, asked for only while someone waits, because each call is an
 * upcall. A layer, not an object, for the reason {@link SocketInput} gives. Loop thread only.
 */
abstract class SocketOutput extends SocketInput {
    static final long DEFAULT_LOW_WATERMARK = 32 * 1024;
    static final long DEFAULT_HIGH_WATERMARK = 64 * 1024;

    /** A write callback and the count of bytes written, ever, that its data ends at. */
    private record PendingWrite(long end, WriteCallback callback) {
    }

    private boolean writeDisabled;
    private Duration writeTimeout;
    /** Bytes written, ever: with the output's length, how far the kernel has taken them. */
    private long queued;
    /** Write callbacks waiting for their bytes to leave; made on first need (memory per socket). */
    private ArrayDeque<PendingWrite> pendingWrites;
    private long lowWatermark = DEFAULT_LOW_WATERMARK;
    private long highWatermark = DEFAULT_HIGH_WATERMARK;
    private Runnable onDrain;
    /** Output above the high watermark, not yet drained to the low one; read by other loops' writes. */
    private volatile boolean drainWanted;
    /**
     * {@code shutdownOutput}: 0 not asked, 1 asked and waiting for the output to leave, 2 done.
     * Written on the loop thread; read by other loops' writes, which are refused at the caller.
     */
    private volatile byte outputShut;

    SocketOutput(LoopCore core, IntConsumer count, boolean bufferNow, int fd, ReadCallback read, Tls tls) {
        super(core, count, bufferNow, fd, DEFAULT_LOW_WATERMARK, read, tls);
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
        if (!makeBufferevent(core.eventBase(), lowWatermark)) {
            throw new TcpError(this, -1, "bufferevent_socket_new failed (out of memory?)");
        }
        if (writeDisabled) {
            disableEvents(WRITE);
        }
        if (readTimeout() != null || writeTimeout != null) {
            setTimeouts(core.scratch(), readTimeout(), writeTimeout);
        }
    }

    /** Writes {@code data} on the loop thread, to an open socket; {@return false above the high watermark} */
    boolean writeNow(byte[] data, WriteCallback callback) {
        checkWritable();
        return wrote(data.length, writeOut(data, !writeDisabled), callback);
    }

    /** Writes the rest of {@code data} on the loop thread, to an open socket, and consumes it. */
    boolean writeNow(ByteBuffer data, WriteCallback callback) {
        checkWritable();
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
                core.execute(new WriteDone(this, callback));
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

    /** Writes after {@code shutdownOutput} would never reach the peer: they are refused. */
    final void checkWritable() {
        if (outputShut != 0) {
            throw new IllegalStateException("the socket's output was shut down (shutdownOutput): no more writes");
        }
    }

    /** {@return whether {@code shutdownOutput} was asked for} */
    final boolean outputShut() {
        return outputShut != 0;
    }

    /** Shuts the write side down once all that was written has left: at once when nothing waits. */
    void shutdownOutputWhenFlushed() {
        if (outputShut == 0) {
            outputShut = 1;
            shutIfFlushed();
            updateWriteCallback();
        }
    }

    /**
     * Does the asked-for {@code shutdown(SHUT_WR)} once connected with the output empty. A failure
     * (the peer reset the connection meanwhile) is left to the read side, which hears it too.
     */
    final void shutIfFlushed() {
        if (outputShut == 1 && !isFreed() && fd() >= 0 && outputLength() == 0) {
            outputShut = 2;
            SocketOptions.shutdownWrite(core.scratch(), fd());
        }
    }

    /** {@return false while the output is above the high watermark and has not drained yet} */
    boolean belowHighWatermark() {
        return !drainWanted;
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
            if (r != null && !isClosed()) {
                try {
                    r.run();
                } catch (Throwable t) {
                    callbackThrew(t);
                }
                if (isFreed()) {
                    return;
                }
            }
        }
        if (isClosed() && outputLength() == 0) {
            free();
            return;
        }
        shutIfFlushed();
        updateWriteCallback();
    }

    private void runWriteCallback(WriteCallback cb) {
        try {
            cb.onWrite(this);
        } catch (Throwable t) {
            callbackThrew(t);
        }
    }

    /** Asks libevent for write callbacks only while someone waits for one: they cost an upcall. */
    void updateWriteCallback() {
        armWrites((pendingWrites != null && !pendingWrites.isEmpty()) || drainWanted || isClosed() || outputShut == 1);
    }

    /** Sets the output lengths at which writes say "slow down" and {@code onDrain} runs. */
    void watermarks(long low, long high) {
        lowWatermark = low;
        highWatermark = high;
        setLowWatermark(low);
    }

    /** Sets what runs when the output drains to the low watermark (null: nothing). */
    void drainCallback(Runnable r) {
        onDrain = r;
    }

    /** Flow control back to a plain socket's (a protocol upgrade hands the socket over). */
    void resetFlowControl() {
        onDrain = null;
        drainWanted = false;
        watermarks(DEFAULT_LOW_WATERMARK, DEFAULT_HIGH_WATERMARK);
    }

    /** Whether writes may go out ({@code enable}/{@code disable} of the write side). */
    void writesEnabled(boolean enabled) {
        writeDisabled = !enabled;
    }

    /** {@return the write timeout, or null} */
    Duration writeTimeout() {
        return writeTimeout;
    }

    /** Sets both timeouts (null: none); without a bufferevent nothing is queued to time out, and one made later gets them. */
    void applyTimeouts(Duration read, Duration write) {
        writeTimeout = write;
        readTimeout(read);
        if (hasBufferevent()) {
            setTimeouts(core.scratch(), read, write);
        }
    }

    /** As the socket is freed: waiting write callbacks are dropped (their bytes never left). */
    void dropWrites() {
        pendingWrites = null;
    }

    /**
     * Runs a write's callback on a later turn. A class rather than a lambda: it is made inside
     * write on the loop thread, where a lambda linked first could be cut short for the JVM's
     * life (see {@code LoopCore.call}).
     */
    private static final class WriteDone implements Runnable {
        private final SocketOutput socket;
        private final WriteCallback callback;

        WriteDone(SocketOutput socket, WriteCallback callback) {
            this.socket = socket;
            this.callback = callback;
        }

        @Override
        public void run() {
            socket.runWriteCallback(callback);
        }
    }
}
