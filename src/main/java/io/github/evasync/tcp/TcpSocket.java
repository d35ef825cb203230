package io.github.evasync.tcp;

import io.github.evasync.SocketClosed;
import io.github.evasync.tls.TlsSession;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A TCP connection on an event loop (cl-async's socket), made by {@code loop.tcpConnect},
 * accepted by a {@code loop.tcpServer}, or wrapped around a descriptor by {@code loop.wrapFd}.
 *
 * <p>Every method except {@link #close()}, {@link #closeNow()}, {@link #isClosed()},
 * {@link #data()} and {@link #setData(Object)} throws {@link SocketClosed} once the socket is
 * closed. Called from a thread that is not the loop's, a method is carried onto the loop and
 * waits for it. The socket closes itself after delivering {@code TcpEof}, {@code TcpTimeout},
 * {@code TcpRefused} or any {@code TcpError} to its handler.
 *
 * <p>Flow control works as in Node and Netty: {@link #write(byte[])} returns false once the
 * output buffer holds more than the high watermark; stop writing then, and resume in
 * {@link #onDrain(Runnable)}, which runs when the buffer has fallen to the low watermark.
 */
public interface TcpSocket {
    /**
     * Queues bytes for sending (cl-async's {@code write-socket-data}); they are copied once.
     *
     * @param data the bytes
     * @return false once the output buffer is above the high watermark: wait for
     *         {@link #onDrain(Runnable)} before writing more
     * @throws SocketClosed if the socket is closed
     */
    boolean write(byte[] data);

    /**
     * Queues a string, sent as UTF-8.
     *
     * @param data the text
     * @return false once the output buffer is above the high watermark
     * @throws SocketClosed if the socket is closed
     */
    boolean write(String data);

    /**
     * Queues the buffer's remaining bytes and consumes them (its position moves to its limit).
     *
     * @param data the bytes
     * @return false once the output buffer is above the high watermark
     * @throws SocketClosed if the socket is closed
     */
    boolean write(ByteBuffer data);

    /**
     * Queues bytes and calls {@code callback} once they have all reached the kernel.
     *
     * @param data the bytes
     * @param callback run when the data is flushed, or null
     * @return false once the output buffer is above the high watermark
     * @throws SocketClosed if the socket is closed
     */
    boolean write(byte[] data, WriteCallback callback);

    /**
     * Queues a string as UTF-8 and calls {@code callback} once it has reached the kernel.
     *
     * @param data the text
     * @param callback run when the data is flushed, or null
     * @return false once the output buffer is above the high watermark
     * @throws SocketClosed if the socket is closed
     */
    boolean write(String data, WriteCallback callback);

    /**
     * Queues the buffer's remaining bytes and calls {@code callback} once they have reached the
     * kernel.
     *
     * @param data the bytes
     * @param callback run when the data is flushed, or null
     * @return false once the output buffer is above the high watermark
     * @throws SocketClosed if the socket is closed
     */
    boolean write(ByteBuffer data, WriteCallback callback);

    /**
     * Sets the read and write timeouts (cl-async's {@code set-socket-timeouts}); a timeout
     * delivers {@code TcpTimeout} and closes the socket.
     *
     * @param read how long a read may wait for data, or null for no limit
     * @param write how long a pending write may wait for progress, or null for no limit
     */
    void setTimeouts(Duration read, Duration write);

    /**
     * Resumes reading and/or writing (cl-async's {@code enable-socket}).
     *
     * @param read whether to resume reading
     * @param write whether to resume writing
     */
    void enable(boolean read, boolean write);

    /**
     * Pauses reading and/or writing (cl-async's {@code disable-socket}); paused reading leaves
     * data in the kernel, which pushes back on the peer.
     *
     * @param read whether to pause reading
     * @param write whether to pause writing
     */
    void disable(boolean read, boolean write);

    /** {@return whether the socket is closed or closing (cl-async's {@code socket-closed-p})} */
    boolean isClosed();

    /**
     * Closes the socket (cl-async's {@code close-socket}) once what is buffered has been sent.
     * Nothing more is read or delivered. Idempotent. A peer that never reads is given up on
     * after the write timeout, or 30 seconds when none is set.
     */
    void close();

    /**
     * Half-closes the socket (Node's {@code socket.end()} with {@code allowHalfOpen}): once what
     * is buffered has been sent, the write side is shut down ({@code shutdown(SHUT_WR)}) and the
     * peer reads end of stream; reading goes on, and the peer's own end arrives as
     * {@code TcpEof}, which closes the socket. A later {@code write} throws
     * {@link IllegalStateException}. Called after the peer's end on a half-open socket, it closes
     * the socket (both sides are done). Calling it again while the socket is open does nothing
     * more; once the socket is closed it throws {@code SocketClosed}, as every call does.
     *
     * @throws io.github.evasync.SocketClosed if the socket is closed
     * @throws UnsupportedOperationException on a TLS socket before the peer's end: TLS has no
     *         half-close
     */
    void shutdownOutput();

    /** Closes the socket at once, discarding unsent output. Idempotent. */
    void closeNow();

    /** {@return the object attached with {@link #setData(Object)} (cl-async's {@code socket-data})} */
    Object data();

    /**
     * Attaches an application object to the socket.
     *
     * @param data anything, or null
     */
    void setData(Object data);

    /** {@return how many bytes are queued for sending} */
    long outputBufferLength();

    /**
     * Sets the flow-control watermarks (defaults 32 KiB and 64 KiB).
     *
     * @param low {@link #onDrain(Runnable)} fires when the output falls to this many bytes
     * @param high {@code write} returns false while the output is above this many bytes
     */
    void setWriteWatermarks(long low, long high);

    /**
     * Sets what runs each time the output buffer falls to the low watermark after a
     * {@code write} returned false.
     *
     * @param onDrain the callback, or null to remove it
     */
    void onDrain(Runnable onDrain);

    /**
     * A non-blocking stream over what has arrived (cl-async's {@code async-io-stream}). Once it
     * is asked for, arriving data stays in the socket for the stream to read, and the read
     * callback is called with an empty array to say that more has arrived.
     *
     * <p>The stream never waits: a {@code read} gives at least one byte of what has arrived,
     * or -1 once the peer has closed and everything was read; when nothing has arrived yet it
     * throws an {@link java.io.IOException} instead of blocking the loop (or inventing a byte).
     * Read no more than {@link InputStream#available()} says, and come back in the next read
     * callback. Use it on the loop thread; from another thread each call is carried over.
     *
     * <p>At most 64 MiB waits unread: the socket is not read further until the application reads,
     * so a peer that sends faster than the application reads is held back by TCP. A frame larger
     * than that, or an end of stream behind that much unread data, comes only as the application
     * reads. After
     * {@link #close()}, a read gives what had arrived and then -1; once the socket is freed (or its
     * loop closed) that rest stays readable from any thread.
     * @return a non-blocking stream over what has arrived (cl-async's {@code async-io-stream})
     */
    InputStream inputStream();

    /**
     * A stream whose writes go to {@link #write(byte[])}; closing it closes the socket. On a
     * thread that runs no event loop, a write that leaves the output above the high watermark
     * blocks until its bytes have gone to the kernel, so a slow peer slows the writer; on a loop's
     * thread it never blocks (heed {@link #write(byte[])}'s answer and {@link #onDrain} there).
     * Writing to a closed socket throws {@link java.io.IOException}.
     *
     * @return the socket's output stream
     */
    OutputStream outputStream();

    /**
     * {@return the peer's address, or null when not connected and on a Unix-domain socket;
     * an IPv4 peer of a dual-stack server is its IPv4 address, not {@code ::ffff:a.b.c.d}}
     */
    InetSocketAddress remoteAddress();

    /** {@return the local address, or null when not connected and on a Unix-domain socket} */
    InetSocketAddress localAddress();

    /**
     * {@return the TLS session of a TLS socket once its handshake is done; null on a plain socket
     * and while the handshake runs}
     */
    TlsSession tlsSession();
}
