package io.github.evasync.internal.tcp;

import io.github.evasync.internal.ffi.FastCalls;
import io.github.evasync.internal.libevent.LibEvent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
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
        private final Connection socket;
        private byte[] remaining;
        private int remainingPos;

        In(Connection socket) {
            this.socket = socket;
        }

        /** Called as the socket is freed: keeps what arrived but was not read yet. */
        void keepRemaining(MemorySegment input) {
            long n = FastCalls.evbuffer_get_length(input);
            remaining = new byte[(int) Math.min(n, Integer.MAX_VALUE - 8)];
            FastCalls.evbuffer_remove(input, MemorySegment.ofArray(remaining), remaining.length);
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
            if (!socket.core().inLoop()) {
                return socket.core().call(() -> read(b, off, len));
            }
            if (len == 0) {
                return 0;
            }
            MemorySegment in = socket.input();
            if (in == null) {
                if (remaining == null || remainingPos == remaining.length) {
                    return -1;
                }
                int n = Math.min(len, remaining.length - remainingPos);
                System.arraycopy(remaining, remainingPos, b, off, n);
                remainingPos += n;
                return n;
            }
            if (FastCalls.evbuffer_get_length(in) == 0) {
                throw new NothingArrived();
            }
            socket.endView();
            return FastCalls.evbuffer_remove(in, MemorySegment.ofArray(b).asSlice(off, len), len);
        }

        @Override
        public int available() {
            if (!socket.core().inLoop()) {
                return socket.core().call(this::available);
            }
            MemorySegment in = socket.input();
            if (in == null) {
                return remaining == null ? 0 : remaining.length - remainingPos;
            }
            return (int) Math.min(FastCalls.evbuffer_get_length(in), Integer.MAX_VALUE);
        }

        @Override
        public long skip(long n) {
            if (!socket.core().inLoop()) {
                return socket.core().call(() -> skip(n));
            }
            MemorySegment in = socket.input();
            if (in == null || n <= 0) {
                return in == null ? Math.max(0, Math.min(n, available())) : 0;
            }
            long k = Math.min(n, FastCalls.evbuffer_get_length(in));
            socket.endView();
            LibEvent.evbuffer_drain(in, k);
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
