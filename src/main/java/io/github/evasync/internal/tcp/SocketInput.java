package io.github.evasync.internal.tcp;

import io.github.evasync.internal.ffi.BufferEvent;
import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.tcp.ReadCallback;
import io.github.evasync.tcp.TcpSocket;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * A socket's read path, the first of the layers a {@link Connection} is made of (then
 * {@link SocketOutput}, then the connection itself). Layers of one class rather than objects
 * of their own because a server may hold tens of thousands of idle sockets, and every object
 * costs each of them its header and a field. A plain socket is read with one {@code recv} per
 * wakeup through its own read event ({@link DirectRead}), into a {@code byte[]} or, for a
 * zero-copy callback, into the loop's native buffer, viewed for the call. The input stream reads
 * the bufferevent's input buffer, and OpenSSL reads a TLS socket inside its bufferevent, so for
 * those libevent reads, and a zero-copy callback gets a view of that buffer. Loop thread only.
 */
abstract class SocketInput extends BufferEvent implements TcpSocket {
    private static final byte[] EMPTY = new byte[0];
    /**
     * The most an input stream's buffer holds unread (give or take one read): reading stops there
     * and goes on as the application reads, so a peer that sends faster than the application
     * reads is held back by TCP instead of filling native memory. Not libevent's read watermark:
     * libevent 2.1 calls the read callback again on every turn while the input sits above it,
     * which spun the loop. Large: an application may wait for a whole frame, or read everything
     * once the peer has closed, and neither comes while reading is stopped (1 MiB, tried first,
     * hung a 2 MiB frame and a 3 MiB read at the end); the limit is there against a flood.
     */
    static final long STREAM_INPUT_LIMIT = 64 << 20;

    final LoopCore core;
    /** Where arriving bytes go; replaced once when a protocol upgrade hands the socket over. */
    private ReadCallback read;
    private SocketStreams.In stream;
    /** Reading was stopped because the stream's input reached {@link #STREAM_INPUT_LIMIT}. */
    private boolean streamFull;
    /** Calls of {@code enable}/{@code disable} that touched reading. */
    private int readChoices;
    /**
     * The input bytes a zero-copy callback on libevent's buffer (a TLS socket's) is viewing, while
     * it runs: an input stream asked for inside it starts after them, as on a socket we read.
     */
    private long viewed;
    /** Our own read event, once connected, for byte-array reads; null while libevent reads. */
    private DirectRead direct;
    private Duration readTimeout;

    SocketInput(LoopCore core, IntConsumer count, boolean bufferNow, int fd, long lowWatermark, ReadCallback read,
                Tls tls) {
        super(core.handles(), count, bufferNow || tls != null ? core.eventBase() : null, fd, lowWatermark, tls);
        this.core = core;
        this.read = read;
    }

    /** Routes a throw from the application's callback (the socket's handler decides where). */
    abstract void callbackThrew(Throwable t);

    @Override
    protected void inputArrived(long n) {
        if (isClosed() || read == null) {
            // Closed by the application: nothing more is delivered.
            drainInput(n);
            return;
        }
        try {
            if (stream != null) {
                if (!streamFull && n >= STREAM_INPUT_LIMIT && libeventReads()) {
                    streamFull = true;
                    disableEvents(READ);
                }
                read.onRead(this, EMPTY);
            } else if (read.zeroCopy()) {
                viewed = n;
                try {
                    read.onRead(this, openView(n));
                } finally {
                    long left = viewed; // 0 if the callback asked for the input stream
                    viewed = 0;
                    closeView();
                    drainInput(left);
                }
            } else {
                int len = (int) Math.min(n, Integer.MAX_VALUE - 8);
                byte[] bytes = new byte[len];
                removeInput(bytes, 0, len);
                read.onRead(this, bytes);
            }
        } catch (Throwable t) {
            callbackThrew(t);
        }
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
        ReadCallback r = read;
        boolean zeroCopy = r != null && r.zeroCopy();
        long n = zeroCopy ? d.recvNative() : d.recv();
        if (n == DirectRead.NOTHING) {
            return;
        }
        if (n == 0) {
            socketEvent((short) (READING | EOF), 0);
        } else if (n < 0) {
            socketEvent((short) (READING | ERROR), (int) -n);
        } else if (isClosed() || r == null) {
            return;
        } else if (zeroCopy) {
            try {
                try {
                    r.onRead(this, d.view(n));
                } finally {
                    // Before anything else runs, the error handler included: the loop's buffer
                    // is the next read's.
                    d.endView();
                }
            } catch (Throwable t) {
                callbackThrew(t);
            }
        } else {
            byte[] bytes = Arrays.copyOf(core.readAheadBuffer(), (int) n);
            try {
                r.onRead(this, bytes);
            } catch (Throwable t) {
                callbackThrew(t);
            }
        }
    }

    /**
     * Starts reading once the socket is connected: with our own read event (see
     * {@link DirectRead}) when the data goes to a byte array, else through the bufferevent.
     *
     * @param wanted whether the socket is to be read now (not disabled by the application)
     */
    void startReading(boolean wanted) {
        if (isFreed() || isClosed() || direct != null) {
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

    /** The connect finished: libevent read while connecting (there was nothing to read); from now on, we may. */
    void connectedReading() {
        boolean wanted = libeventReads();
        if (readsDirectly()) {
            disableEvents(READ);
            startReading(wanted);
        }
    }

    /** Whether we read this socket rather than libevent: unless an input stream or OpenSSL needs the input buffer. */
    private boolean readsDirectly() {
        // A TLS socket's bytes are records only OpenSSL, inside the bufferevent, can read.
        return fd() >= 0 && !isTls() && stream == null;
    }

    /** Leaves reading to libevent from now on, reading now if we were. */
    private void libeventReadsFromNow() {
        needBufferevent();
        boolean wanted = direct.wanted();
        direct.disable();
        direct = null;
        if (wanted) {
            enableEvents(READ);
        }
    }

    /** The input stream, made on first call: it reads the bufferevent's input buffer, so libevent reads from now on. */
    SocketStreams.In stream() {
        if (stream == null) {
            long v = viewed;
            viewed = 0;
            drainInput(v); // ends the view too
            needBufferevent();
            stream = new SocketStreams.In(this);
            if (direct != null) {
                libeventReadsFromNow();
            }
        }
        return stream;
    }

    /**
     * The input stream took bytes: reading goes on once the input is below the limit again, if it
     * was the limit that stopped it. Through {@code enableEvents}, which also reads what OpenSSL
     * holds decrypted already (libevent's enable alone waits for the socket, which may stay quiet).
     */
    void streamTook() {
        if (streamFull && !isFreed() && !isClosed() && inputLength() < STREAM_INPUT_LIMIT) {
            streamFull = false;
            enableEvents(READ);
        }
    }

    /** The application enabled or disabled reading: its choice stands over the stream's pause. */
    void readingChosen() {
        streamFull = false;
        readChoices++;
    }

    /** {@return how many times reading was enabled or disabled} (an upgrade's hand-over tells its owner's choices by it) */
    public int readChoices() {
        return readChoices;
    }

    /** Arriving bytes go to {@code newRead} from now on, zero-copy or not, read the way they were. */
    void readTo(ReadCallback newRead) {
        read = newRead;
    }

    /** Reads again (or, when reading, restarts the read timeout); the bufferevent's part is the caller's. */
    boolean resumeReading() {
        if (direct != null) {
            direct.enable();
            return true;
        }
        return false;
    }

    /** Stops reading; {@return false when libevent reads, which is the caller's to stop} */
    boolean pauseReading() {
        closeView();
        if (direct != null) {
            direct.disable();
            return true;
        }
        return false;
    }

    /** {@return the read timeout, or null} */
    Duration readTimeout() {
        return readTimeout;
    }

    /** Sets the read timeout (null for none): our read event's now, the bufferevent's is the caller's. */
    void readTimeout(Duration timeout) {
        readTimeout = timeout;
        if (direct != null) {
            direct.timeout(timeout);
        }
    }

    /** Whether the input buffer is there to read: open, with a bufferevent (the input stream's). */
    boolean hasInput() {
        return !isFreed() && hasBufferevent();
    }

    /** As the socket is freed: the stream keeps what arrived unread, our read event goes. */
    void endReading() {
        if (stream != null) {
            stream.keepRemaining();
        }
        if (direct != null) {
            direct.disable();
            direct = null;
        }
    }
}
