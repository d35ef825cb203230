package io.github.evasync.internal.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Commands encoded as RESP arrays of bulk strings into one growing buffer: everything a
 * connection is asked during a loop turn goes out in one socket write. Arguments are encoded when
 * the command is issued, so a caller may reuse its arrays at once, and nothing per command is
 * allocated here (strings of ASCII characters are written without an intermediate array).
 * Not thread-safe.
 */
final class CommandWriter {
    /** What the buffer shrinks back to once a large command has gone out. */
    private static final int SMALL = 16 * 1024;
    private static final int LARGE = 1024 * 1024;

    private byte[] buf = new byte[SMALL];
    private int size;
    /** The bytes encoded before {@code buf[0]}: positions are counted over the connection's life. */
    private long base;
    private ByteBuffer view = ByteBuffer.wrap(buf);

    /** {@return the bytes waiting} */
    int size() {
        return size;
    }

    /** {@return the position, counted since the writer was made, after the last byte encoded} */
    long position() {
        return base + size;
    }

    /** {@return a view of the waiting bytes, valid until the next call} */
    ByteBuffer pending() {
        view.limit(size).position(0);
        return view;
    }

    /** {@return a copy of the waiting bytes} */
    byte[] toArray() {
        return Arrays.copyOf(buf, size);
    }

    /** Forgets the waiting bytes (sent, or given up). */
    void clear() {
        base += size;
        size = 0;
        if (buf.length > LARGE) {
            buf = new byte[SMALL];
            view = ByteBuffer.wrap(buf);
        }
    }

    /**
     * Forgets the bytes encoded from the stream position {@code mark} on: a command whose
     * encoding failed half-way, or that was refused once its size was known.
     */
    void truncate(long mark) {
        if (mark < base || mark > base + size) {
            throw new IllegalStateException("truncate to " + mark + " outside [" + base + ", " + (base + size) + "]");
        }
        size = (int) (mark - base);
    }

    /** Drops the waiting bytes before the stream position {@code upTo}, which must be waiting. */
    void dropBefore(long upTo) {
        if (upTo < base || upTo > base + size) {
            throw new IllegalStateException("drop before " + upTo + " outside [" + base + ", " + (base + size) + "]");
        }
        int n = (int) (upTo - base);
        System.arraycopy(buf, n, buf, 0, size - n);
        size -= n;
        base += n;
    }

    /** Appends the array header of a command of {@code argc} arguments. */
    CommandWriter begin(int argc) {
        ensure(16);
        buf[size++] = '*';
        decimal(argc);
        return this;
    }

    /** Appends pre-encoded bytes (a command's fixed head, or a command encoded on another thread). */
    CommandWriter raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
        return this;
    }

    CommandWriter arg(byte[] b) {
        ensure(b.length + 16);
        buf[size++] = '$';
        decimal(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
        buf[size++] = '\r';
        buf[size++] = '\n';
        return this;
    }

    CommandWriter arg(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                return arg(s.getBytes(StandardCharsets.UTF_8));
            }
        }
        ensure(n + 16);
        buf[size++] = '$';
        decimal(n);
        for (int i = 0; i < n; i++) {
            buf[size++] = (byte) s.charAt(i);
        }
        buf[size++] = '\r';
        buf[size++] = '\n';
        return this;
    }

    CommandWriter arg(long v) {
        ensure(32);
        int digits = digits(v);
        buf[size++] = '$';
        decimal(digits);
        if (v < 0) {
            buf[size++] = '-';
        }
        long a = Math.abs(v);
        if (v == Long.MIN_VALUE) {
            byte[] m = "9223372036854775808".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(m, 0, buf, size, m.length);
            size += m.length;
        } else {
            int end = size + (v < 0 ? digits - 1 : digits);
            for (int p = end - 1; p >= size; p--) {
                buf[p] = (byte) ('0' + a % 10);
                a /= 10;
            }
            size = end;
        }
        buf[size++] = '\r';
        buf[size++] = '\n';
        return this;
    }

    /** Writes {@code n >= 0} in decimal, then CRLF. */
    private void decimal(int n) {
        if (n < 10) {
            buf[size++] = (byte) ('0' + n);
        } else {
            int d = digits(n);
            for (int p = size + d - 1; p >= size; p--) {
                buf[p] = (byte) ('0' + n % 10);
                n /= 10;
            }
            size += d;
        }
        buf[size++] = '\r';
        buf[size++] = '\n';
    }

    private static int digits(long v) {
        if (v == Long.MIN_VALUE) {
            return 20;
        }
        int d = v < 0 ? 2 : 1;
        for (long a = Math.abs(v); a >= 10; a /= 10) {
            d++;
        }
        return d;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            long want = Math.max((long) buf.length * 2, (long) size + more);
            if (want > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("a command larger than 2 GiB cannot be sent");
            }
            buf = Arrays.copyOf(buf, (int) want);
            view = ByteBuffer.wrap(buf);
        }
    }

    /** Encodes one command into its own array (for a command issued off the loop thread). */
    static byte[] encode(String[] args) {
        CommandWriter w = new CommandWriter(64);
        w.begin(args.length);
        for (String a : args) {
            w.arg(a);
        }
        return Arrays.copyOf(w.buf, w.size);
    }

    /** Encodes one command into its own array (for a command issued off the loop thread). */
    static byte[] encode(byte[][] args) {
        int total = 16;
        for (byte[] a : args) {
            total += a.length + 16;
        }
        CommandWriter w = new CommandWriter(total);
        w.begin(args.length);
        for (byte[] a : args) {
            w.arg(a);
        }
        return Arrays.copyOf(w.buf, w.size);
    }

    /** A fixed head: the array header and the first {@code name.length} arguments. */
    static byte[] head(int argc, String... name) {
        CommandWriter w = new CommandWriter(64);
        w.begin(argc);
        for (String n : name) {
            w.arg(n);
        }
        return Arrays.copyOf(w.buf, w.size);
    }

    CommandWriter() {
    }

    private CommandWriter(int initial) {
        buf = new byte[Math.max(64, initial)];
        view = ByteBuffer.wrap(buf);
    }
}
