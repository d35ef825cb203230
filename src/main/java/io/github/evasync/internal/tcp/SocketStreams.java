package io.github.evasync.internal.tcp;

import io.github.evasync.SocketClosed;
import io.github.evasync.internal.loop.LoopClosedException;
import io.github.evasync.internal.loop.LoopCore;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The socket's {@code inputStream()} and {@code outputStream()} (cl-async's async-io-stream). */
final class SocketStreams {
    private SocketStreams() {
    }

    /**
     * Reads straight from the socket's input evbuffer; never blocks and never spins. A read
     * gives at least one byte of what has arrived, or -1 once the peer has closed and all was
     * read; when nothing has arrived yet it throws {@link NothingArrived} (an
     * {@link IOException}) rather than wait, because waiting on the loop thread would stop the
     * very loop that brings the data. {@link #available()} says how much can be read.
     */
    static final class In extends InputStream {
        private final SocketInput socket;
        /**
         * What arrived and was not read when the socket was freed; set once, on the loop thread,
         * and read afterwards from any thread (the loop may be gone by then): volatile for that.
         */
        private volatile byte[] remaining;
        /**
         * How much of {@link #remaining} was read; guarded by {@link #keptLock}, a private lock: the
         * stream itself is the application's to lock, and a reader holding it while it waits for
         * the loop would stop the loop that frees the socket.
         */
        private int remainingPos;
        private final Object keptLock = new Object();

        In(SocketInput socket) {
            this.socket = socket;
        }

        /**
         * Called as the socket is freed, its input buffer still there: keeps what arrived but was
         * not read yet (at most the input limit, {@link SocketInput#STREAM_INPUT_LIMIT}, and what
         * one read adds to it).
         */
        void keepRemaining() {
            long n = socket.inputLength();
            byte[] kept = new byte[(int) Math.min(n, Integer.MAX_VALUE - 8)];
            socket.removeInput(kept, 0, kept.length);
            remaining = kept; // published whole; remainingPos is still 0
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (!socket.core.inLoop()) {
                try {
                    return socket.core.call(() -> read(b, off, len));
                } catch (LoopClosedException closed) {
                    // The loop freed the socket as it closed: what it kept is read here.
                    return readKept(b, off, len, closed);
                }
            }
            if (len == 0) {
                return 0;
            }
            if (!socket.hasInput()) {
                return readKept(b, off, len, null);
            }
            if (socket.inputLength() == 0) {
                if (socket.isClosed()) {
                    // close() stopped reading: nothing more will come, and no callback to wait for.
                    return -1;
                }
                throw new NothingArrived();
            }
            // Ends a zero-copy view first: it must not see the bytes move.
            int n = socket.removeInput(b, off, len);
            socket.streamTook();
            return n;
        }

        /** Reads what the freed socket kept; any thread. */
        private int readKept(byte[] b, int off, int len, LoopClosedException closed) throws IOException {
            byte[] kept = closed != null ? awaitKept(closed) : remaining;
            if (kept == null) {
                return -1;
            }
            synchronized (keptLock) {
                if (remainingPos == kept.length) {
                    return -1;
                }
                int n = Math.min(len, kept.length - remainingPos);
                System.arraycopy(kept, remainingPos, b, off, n);
                remainingPos += n;
                return n;
            }
        }

        /**
         * What the socket kept, once its closing loop has freed it: a call that found the loop
         * closed may come just before the loop's last frees, and the bytes would be lost to it.
         */
        private byte[] awaitKept(LoopClosedException closed) throws IOException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(KEPT_WAIT_SECONDS);
            byte[] kept;
            while ((kept = remaining) == null) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("the socket's event loop closed without freeing it", closed);
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while the socket's loop closed");
                }
            }
            return kept;
        }

        private int keptAvailable() {
            byte[] kept = remaining;
            if (kept == null) {
                return 0;
            }
            synchronized (keptLock) {
                return kept.length - remainingPos;
            }
        }

        private long skipKept(long n) {
            // Closed: what arrived before the close is kept, and skipping consumes it.
            byte[] kept = remaining;
            if (kept == null) {
                return 0;
            }
            synchronized (keptLock) {
                int k = (int) Math.min(n, kept.length - remainingPos);
                remainingPos += k;
                return k;
            }
        }

        @Override
        public int available() {
            if (!socket.core.inLoop()) {
                try {
                    return socket.core.call(this::available);
                } catch (LoopClosedException closed) {
                    return keptAvailable();
                }
            }
            if (!socket.hasInput()) {
                return keptAvailable();
            }
            return (int) Math.min(socket.inputLength(), Integer.MAX_VALUE);
        }

        @Override
        public long skip(long n) {
            if (!socket.core.inLoop()) {
                try {
                    return socket.core.call(() -> skip(n));
                } catch (LoopClosedException closed) {
                    return n <= 0 ? 0 : skipKept(n);
                }
            }
            if (n <= 0) {
                return 0;
            }
            if (!socket.hasInput()) {
                return skipKept(n);
            }
            long k = Math.min(n, socket.inputLength());
            socket.drainInput(k); // ends a zero-copy view first
            socket.streamTook();
            return k;
        }

        @Override
        public void close() {
            socket.close();
        }

        @Override
        public String toString() {
            return "InputStream[" + socket + "]";
        }
    }

    /** What a read of the input stream throws when it would have to wait for data. */
    static final class NothingArrived extends IOException {
        private static final long serialVersionUID = 1L;

        NothingArrived() {
            super("nothing has arrived on the socket yet: read no more than available() says; the read callback"
                    + " is called again when more arrives");
        }
    }

    /**
     * Writes go to the socket; flushing is the loop's job, so {@code flush} does nothing. On a
     * thread that runs no loop, a write that leaves the output above the socket's high watermark
     * waits until its bytes have gone to the kernel, as a blocking socket's stream would: a peer
     * that reads slowly slows the writer instead of filling memory. A loop's thread may not wait,
     * so there the bytes are queued as {@code write} queues them (see {@code onDrain}). A closed
     * socket is an {@link IOException}.
     */
    static final class Out extends OutputStream {
        private static final byte[] EMPTY = new byte[0];
        private final Connection socket;

        Out(Connection socket) {
            this.socket = socket;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            byte[] copy = Arrays.copyOfRange(b, off, off + len);
            LoopCore core = socket.core;
            try {
                if (core.inLoop() || core.onOtherLoop()) {
                    socket.write(copy);
                    return;
                }
                if (!socket.write(copy)) {
                    // Above the high watermark: an empty write's callback says when all before it has left.
                    CompletableFuture<Void> left = new CompletableFuture<>();
                    socket.write(EMPTY, s -> left.complete(null));
                    awaitLeft(left, len);
                }
            } catch (SocketClosed | LoopClosedException closed) {
                throw new IOException("the socket is closed", closed);
            }
        }

        /** Waits until {@code left} completes, or the socket closes (its write callbacks are then dropped). */
        private void awaitLeft(CompletableFuture<Void> left, int written) throws IOException {
            while (true) {
                try {
                    left.get(CLOSED_CHECK_MILLIS, TimeUnit.MILLISECONDS);
                    return;
                } catch (TimeoutException stillQueued) {
                    if (socket.isClosed()) {
                        throw new IOException("the socket closed before the written bytes left");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    InterruptedIOException stopped = new InterruptedIOException("interrupted while the socket's output drained");
                    stopped.bytesTransferred = written; // queued whole: they go out all the same
                    throw stopped;
                } catch (ExecutionException e) {
                    throw new IOException(e.getCause());
                }
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** How long a read that found the loop closed waits for it to free the socket and keep its input. */
    private static final long KEPT_WAIT_SECONDS = 5;

    /** How often a writer waiting for the output to drain looks whether the socket closed meanwhile. */
    private static final long CLOSED_CHECK_MILLIS = 50;
}
