package io.github.evasync.internal.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

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
        private byte[] remaining;
        private int remainingPos;

        In(SocketInput socket) {
            this.socket = socket;
        }

        /** Called as the socket is freed, its input buffer still there: keeps what arrived but was not read yet. */
        void keepRemaining() {
            long n = socket.inputLength();
            remaining = new byte[(int) Math.min(n, Integer.MAX_VALUE - 8)];
            socket.removeInput(remaining, 0, remaining.length);
            remainingPos = 0;
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
                return socket.core.call(() -> read(b, off, len));
            }
            if (len == 0) {
                return 0;
            }
            if (!socket.hasInput()) {
                if (remaining == null || remainingPos == remaining.length) {
                    return -1;
                }
                int n = Math.min(len, remaining.length - remainingPos);
                System.arraycopy(remaining, remainingPos, b, off, n);
                remainingPos += n;
                return n;
            }
            if (socket.inputLength() == 0) {
                throw new NothingArrived();
            }
            // Ends a zero-copy view first: it must not see the bytes move.
            return socket.removeInput(b, off, len);
        }

        @Override
        public int available() {
            if (!socket.core.inLoop()) {
                return socket.core.call(this::available);
            }
            if (!socket.hasInput()) {
                return remaining == null ? 0 : remaining.length - remainingPos;
            }
            return (int) Math.min(socket.inputLength(), Integer.MAX_VALUE);
        }

        @Override
        public long skip(long n) {
            if (!socket.core.inLoop()) {
                return socket.core.call(() -> skip(n));
            }
            if (n <= 0) {
                return 0;
            }
            if (!socket.hasInput()) {
                // Closed: what arrived before the close is kept, and skipping consumes it.
                int k = remaining == null ? 0 : (int) Math.min(n, remaining.length - remainingPos);
                remainingPos += k;
                return k;
            }
            long k = Math.min(n, socket.inputLength());
            socket.drainInput(k); // ends a zero-copy view first
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

    /** Writes go to the socket; flushing is the loop's job, so {@code flush} does nothing. */
    static final class Out extends OutputStream {
        private final Connection socket;

        Out(Connection socket) {
            this.socket = socket;
        }

        @Override
        public void write(int b) {
            socket.write(new byte[]{(byte) b});
        }

        @Override
        public void write(byte[] b, int off, int len) {
            Objects.checkFromIndexSize(off, len, b.length);
            socket.write(Arrays.copyOfRange(b, off, off + len));
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
