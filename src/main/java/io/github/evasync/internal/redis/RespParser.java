package io.github.evasync.internal.redis;

import io.github.evasync.RedisError;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An incremental RESP2/RESP3 reply parser: it is fed the bytes a socket delivers, in pieces cut
 * anywhere, and hands each complete top-level reply to its {@link Sink}. It never goes back over
 * bytes it has seen: a header line cut in two is kept in a small line buffer, a bulk string of up
 * to {@link #CHUNK} bytes is copied once, straight into the {@code byte[]} the caller receives, and
 * aggregates are built as their elements complete (a stack of open frames, not recursion, so
 * nesting cannot overflow the thread's stack). A longer bulk string is gathered in chunks
 * allocated as its bytes arrive and copied once more, into one array, when its last byte is in:
 * one extra copy for replies above 1 MiB buys that a length announced in a few bytes costs no
 * memory until the bytes come (allocated whole at once, it let any server take 512 MiB per
 * connection attempt with 13 bytes).
 *
 * <p>Strict: an unknown type byte, a length that is not a plain decimal number, a line not ended
 * by CRLF, a bulk string not followed by CRLF, a malformed number, double or boolean, a big number
 * of more than {@link #MAX_BIG_DIGITS} digits all throw a {@link RedisError} naming the byte's
 * offset in the stream; a reply whose bytes would exceed {@code maxReplyBytes}, or whose values
 * would take more memory than that (estimated before each is made), is refused the same way
 * before anything is allocated for it. After such an error the parser is unusable: the
 * connection is closed.
 *
 * <p>Values: simple string {@code String}, bulk {@code byte[]}, integer {@code Long}, array
 * {@code List<Object>}, RESP2 null bulk and null array and RESP3 null {@code null}, error
 * {@link RedisError} (the server's), double {@code Double}, boolean {@code Boolean}, big number
 * {@code BigInteger}, verbatim string {@code String} (its three-letter format dropped), map
 * {@code Map<Object,Object>} and set {@code Set<Object>} (insertion ordered; bulk-string keys and
 * members become UTF-8 {@code String}s so that they compare by value; keys not all of one scalar
 * class go in a {@link SeededMap} or {@link SeededSet}, which a server cannot flood with
 * colliding hash codes), push {@code List<Object>}
 * delivered with {@code push} true. Attributes are read and dropped. Not thread-safe.
 */
final class RespParser {
    /** Receives complete top-level replies. */
    interface Sink {
        /**
         * One complete reply.
         *
         * @param value the reply (a {@link RedisError} for an error reply)
         * @param push whether it is a RESP3 push rather than a reply to a command
         */
        void reply(Object value, boolean push);
    }

    /** Deeper nesting than this is refused: Redis never nests that deep, and the stack is memory. */
    static final int MAX_DEPTH = 512;
    /** A length or integer line longer than this cannot be a valid number. */
    private static final int MAX_NUMBER_LINE = 21;
    /**
     * The most digits of a RESP3 big number: {@code new BigInteger(String)} takes time quadratic
     * in the digits, so a line as long as {@code maxReplyBytes} would hold the loop thread for
     * minutes. Redis's own big numbers are far shorter.
     */
    static final int MAX_BIG_DIGITS = 4096;
    /** The largest bulk string a Java array can hold (some VMs keep a few header words in the array). */
    static final int MAX_BULK = Integer.MAX_VALUE - 8;
    private static final byte[] EMPTY = new byte[0];
    /**
     * Bulk strings up to this size are allocated whole when their length is read; longer ones are
     * gathered in chunks of this size as their bytes arrive and assembled once at the end.
     */
    static final int CHUNK = 1024 * 1024;

    // Estimated heap costs (64-bit VM, compressed references), charged before a value is made.
    /** A {@code byte[]}'s header, before its bytes. */
    static final int BULK_COST = 16;
    /** A {@code String} and its array's header, before its characters. */
    static final int STRING_COST = 40;
    /** A {@code Long} or {@code Double} outside the small-value caches. */
    static final int BOXED_COST = 16;
    /** A {@code BigInteger}, before its magnitude. */
    static final int BIG_COST = 56;
    /** A {@code RedisError}, before its message's characters. */
    static final int ERROR_COST = 96;
    /** An {@code ArrayList} and its array's header; then a reference per element. */
    static final int LIST_COST = 40;
    /** A {@code LinkedHashMap} (or {@code LinkedHashSet}) and its table's header. */
    static final int MAP_COST = 96;
    /** A map entry or set member: the entry, its share of the table, the seeded key if any. */
    static final int ENTRY_COST = 80;

    private static final int TYPE = 0;
    private static final int LINE = 1;
    private static final int BULK = 2;
    private static final int BULK_CR = 3;
    private static final int BULK_LF = 4;
    private static final int BROKEN = 5;

    private final Sink sink;
    private final long maxReplyBytes;

    private int state = TYPE;
    /** The stream offset of the first byte of the piece being parsed. */
    private long base;
    /** Bytes of the current top-level reply so far, against {@link #maxReplyBytes}. */
    private long replyBytes;
    /**
     * The memory the current top-level reply's values take so far, as estimated before each is
     * made, against {@link #maxReplyBytes} too: small elements cost far more as Java objects than
     * on the wire (four bytes of {@code ~0} make an empty {@code LinkedHashSet} of about a hundred),
     * so a wire limit alone let a 16 MB reply take 341 MB of heap.
     */
    private long replyHeap;
    /** The type byte of the line or bulk under way. */
    private byte type;
    /** A line cut across pieces, kept here until its CRLF arrives. */
    private byte[] line = new byte[64];
    private int lineLen;
    /**
     * The bulk string being filled (a string of at most {@link #CHUNK} bytes), or the chunk of a
     * larger one being filled (null until its first byte arrives), and how much of it is filled.
     */
    private byte[] bulk;
    private int bulkFilled;
    /** The announced length of the bulk string under way. */
    private int bulkLen;
    /** The filled chunks of a string longer than {@link #CHUNK} bytes, or null for a shorter one. */
    private List<byte[]> chunks;
    /** The bytes in {@link #chunks}. */
    private int chunkedBytes;

    private final Frame[] stack = new Frame[MAX_DEPTH];
    private int depth;

    /** An aggregate still waiting for elements. */
    private static final class Frame {
        byte type;
        long remaining;
        List<Object> list;
        Map<Object, Object> map;
        Set<Object> set;
        Object key;
        boolean haveKey;
        /** The class of a map's keys or a set's members so far, while they are all one (null: none yet). */
        Class<?> keyClass;
    }

    RespParser(long maxReplyBytes, Sink sink) {
        // RedisOptions refuses more; the cap keeps every size below here an int.
        this.maxReplyBytes = Math.min(maxReplyBytes, MAX_BULK);
        this.sink = sink;
    }

    /** The whole string of a chunked bulk reply, in one array: its second and last copy. */
    private byte[] assemble() {
        byte[] all = new byte[bulkLen];
        int at = 0;
        for (byte[] c : chunks) {
            System.arraycopy(c, 0, all, at, c.length);
            at += c.length;
        }
        chunks = null;
        return all;
    }

    /** {@return the bytes held for the bulk string under way (what a server's announcement has cost)} */
    long bulkBytesHeld() {
        return (bulk == null ? 0 : bulk.length) + (chunks == null ? 0 : chunkedBytes);
    }

    /** {@return how many bytes were fed so far} */
    long offset() {
        return base;
    }

    /**
     * Parses {@code data[off, off + len)}, handing each reply completed to the sink.
     *
     * @throws RedisError when the bytes are not valid RESP or a reply is too large; the parser is
     *         then broken for good
     */
    void feed(byte[] data, int off, int len) {
        if (state == BROKEN) {
            throw new IllegalStateException("the parser failed before");
        }
        int end = off + len;
        int pos = off;
        long start = base - off; // the stream offset of data[0]
        try {
            while (pos < end) {
                switch (state) {
                    case TYPE -> {
                        type = data[pos];
                        if (!knownType(type)) {
                            throw malformed(start + pos, "unknown type byte " + describe(type));
                        }
                        count(start + pos, 1);
                        pos++;
                        state = LINE;
                        lineLen = 0;
                    }
                    case LINE -> pos = line(data, pos, end, start);
                    case BULK -> {
                        if (bulk == null) {
                            // A large string's next chunk, made only now that its bytes arrive.
                            bulk = new byte[Math.min(CHUNK, bulkLen - chunkedBytes)];
                        }
                        int n = Math.min(end - pos, bulk.length - bulkFilled);
                        System.arraycopy(data, pos, bulk, bulkFilled, n);
                        bulkFilled += n;
                        pos += n;
                        if (bulkFilled == bulk.length) {
                            if (chunks == null) {
                                state = BULK_CR;
                            } else {
                                chunks.add(bulk);
                                chunkedBytes += bulk.length;
                                bulk = null;
                                bulkFilled = 0;
                                if (chunkedBytes == bulkLen) {
                                    bulk = assemble();
                                    state = BULK_CR;
                                }
                            }
                        }
                    }
                    case BULK_CR -> {
                        if (data[pos] != '\r') {
                            throw malformed(start + pos, "bulk string not followed by CRLF (found "
                                    + describe(data[pos]) + ")");
                        }
                        pos++;
                        state = BULK_LF;
                    }
                    case BULK_LF -> {
                        if (data[pos] != '\n') {
                            throw malformed(start + pos, "bulk string not followed by CRLF (CR then "
                                    + describe(data[pos]) + ")");
                        }
                        pos++;
                        state = TYPE;
                        byte[] b = bulk;
                        bulk = null;
                        value(start + pos, bulkValue(b, start + pos));
                    }
                    default -> throw new IllegalStateException("state " + state);
                }
            }
        } catch (RuntimeException | Error e) {
            state = BROKEN;
            bulk = null;
            chunks = null;
            throw e;
        } finally {
            base = start + end;
        }
    }

    /** Reads (the rest of) a header line; returns the position after it, or {@code end}. */
    private int line(byte[] data, int pos, int end, long start) {
        if (lineLen > 0 && line[lineLen - 1] == '\r' && data[pos] != '\n') {
            throw malformed(start + pos, "CR not followed by LF (found " + describe(data[pos]) + ")");
        }
        int i = pos;
        while (i < end) {
            byte b = data[i];
            if (b == '\n') {
                boolean cr = i > pos ? data[i - 1] == '\r' : lineLen > 0 && line[lineLen - 1] == '\r';
                if (!cr) {
                    throw malformed(start + i, "LF without CR in a line");
                }
                break;
            }
            if (b == '\r' && i + 1 < end && data[i + 1] != '\n') {
                throw malformed(start + i + 1, "CR not followed by LF (found " + describe(data[i + 1]) + ")");
            }
            i++;
        }
        if (i == end) {
            // The line goes on in the next piece: keep what came so far.
            keep(data, pos, end - pos, start);
            return end;
        }
        // data[i] is the LF; the line is what was kept plus data[pos, i - 1), without the CR.
        int lineEnd = i + 1;
        long at = start + pos - lineLen; // the line's first byte
        count(at, lineLen + (lineEnd - pos));
        if (lineLen == 0) {
            header(data, pos, i - 1 - pos, at, start + lineEnd);
        } else {
            keep(data, pos, i - pos, start);
            int n = lineLen - 1;
            lineLen = 0;
            header(line, 0, n, at, start + lineEnd);
            if (line.length > 4096) {
                line = new byte[64]; // one long line must not keep its buffer for the connection's life
            }
        }
        return lineEnd;
    }

    /** Keeps part of a cut line (counted once the line ends); a number line that long is already wrong. */
    private void keep(byte[] data, int from, int n, long start) {
        if (numeric(type) && lineLen + n > MAX_NUMBER_LINE + 1) {
            throw malformed(start + from - lineLen, "header line longer than 20 bytes");
        }
        // A sign, the digits, a CR: more than that is refused before it is kept.
        if (type == '(' && lineLen + n > MAX_BIG_DIGITS + 2) {
            throw malformed(start + from - lineLen, "big number longer than " + MAX_BIG_DIGITS + " digits");
        }
        if (replyBytes + lineLen + n > maxReplyBytes) {
            throw tooLarge(start + from, replyBytes + lineLen + n);
        }
        if (lineLen + n > line.length) {
            line = java.util.Arrays.copyOf(line, Math.max(line.length * 2, lineLen + n));
        }
        System.arraycopy(data, from, line, lineLen, n);
        lineLen += n;
    }

    /** A complete header line {@code b[off, off + len)} (no CRLF) of type {@link #type}. */
    private void header(byte[] b, int off, int len, long at, long next) {
        switch (type) {
            case '+' -> {
                charge(at, STRING_COST + 2L * len); // two bytes a char for text beyond Latin-1
                state = TYPE;
                value(next, simple(b, off, len));
            }
            case '-' -> {
                charge(at, ERROR_COST + 2L * len);
                state = TYPE;
                value(next, new RedisError(-1, new String(b, off, len, StandardCharsets.UTF_8), true));
            }
            case ':' -> {
                Long n = number(b, off, len, at, false);
                if (n < -128 || n > 127) {
                    charge(at, BOXED_COST); // smaller ones come from Long's cache
                }
                state = TYPE;
                value(next, n);
            }
            case '_' -> {
                if (len != 0) {
                    throw malformed(at, "null with content");
                }
                state = TYPE;
                value(next, null);
            }
            case '#' -> {
                if (len != 1 || (b[off] != 't' && b[off] != 'f')) {
                    throw malformed(at, "boolean is not t or f");
                }
                state = TYPE;
                value(next, b[off] == 't' ? Boolean.TRUE : Boolean.FALSE);
            }
            case ',' -> {
                charge(at, BOXED_COST);
                state = TYPE;
                value(next, dbl(b, off, len, at));
            }
            case '(' -> {
                charge(at, BIG_COST + len / 2);
                state = TYPE;
                value(next, big(b, off, len, at));
            }
            case '$', '=', '!' -> {
                long n = number(b, off, len, at, true);
                if (n == -1 && type == '$') {
                    state = TYPE;
                    value(next, null);
                } else if (n < 0) {
                    throw malformed(at, "negative length " + n);
                } else {
                    // Compared without adding to n: a length near 2^63 would overflow the sum.
                    if (n > maxReplyBytes - replyBytes - 2 || n > MAX_BULK) {
                        throw tooLarge(at, saturatedSum(replyBytes + 2, n));
                    }
                    count(at, n + 2);
                    // A verbatim string or blob error is its bytes, then its text (two bytes a char at most).
                    charge(at, type == '$' ? BULK_COST + n : n + 2 * n + (type == '=' ? STRING_COST : ERROR_COST));
                    bulkLen = (int) n;
                    bulkFilled = 0;
                    if (n <= CHUNK) {
                        // The common case: the array handed out, filled straight from the socket.
                        bulk = n == 0 ? EMPTY : new byte[bulkLen];
                        chunks = null;
                    } else {
                        // Only the length is known, and any server can announce 512 MiB in 13
                        // bytes: memory follows the bytes that actually arrive.
                        bulk = null;
                        chunks = new ArrayList<>();
                        chunkedBytes = 0;
                    }
                    state = n == 0 ? BULK_CR : BULK;
                }
            }
            default -> { // '*', '%', '~', '>', '|'
                long n = number(b, off, len, at, true);
                state = TYPE;
                if (n == -1 && type == '*') {
                    value(next, null);
                    return;
                }
                if (n < 0) {
                    throw malformed(at, "negative count " + n);
                }
                boolean pairs = type == '%' || type == '|';
                // Each element takes at least 3 bytes ("_\r\n"): a count that cannot fit is refused
                // now, compared before doubling a map's count (a count near 2^62 would overflow).
                long room = (maxReplyBytes - replyBytes) / 3;
                if (n > (pairs ? room / 2 : room)) {
                    throw tooLarge(at, saturatedSum(replyBytes, n > Long.MAX_VALUE / 6 ? Long.MAX_VALUE
                            : pairs ? 6 * n : 3 * n));
                }
                long elements = pairs ? 2 * n : n;
                // n is at most maxReplyBytes / 3 here: the products cannot overflow.
                charge(at, switch (type) {
                    case '%', '~' -> MAP_COST + (type == '~' ? 16 : 0) + ENTRY_COST * n;
                    case '|' -> 0; // its content is charged as it comes, and dropped
                    default -> LIST_COST + 4 * n;
                });
                open(at, type, elements, next);
            }
        }
    }

    private void open(long at, byte t, long elements, long next) {
        if (elements == 0) {
            Object empty = t == '%' ? new LinkedHashMap<>() : t == '~' ? new LinkedHashSet<>() : new ArrayList<>(0);
            if (t == '|') {
                return; // an empty attribute: nothing to drop
            }
            pushed = t == '>' && depth == 0;
            value(next, empty);
            return;
        }
        if (depth == MAX_DEPTH) {
            throw malformed(at, "aggregates nested deeper than " + MAX_DEPTH);
        }
        Frame f = stack[depth];
        if (f == null) {
            f = new Frame();
            stack[depth] = f;
        }
        depth++;
        f.type = t;
        f.remaining = elements;
        f.list = null;
        f.map = null;
        f.set = null;
        f.key = null;
        f.haveKey = false;
        f.keyClass = null;
        int cap = (int) Math.min(elements, 1024);
        switch (t) {
            case '%' -> f.map = new LinkedHashMap<>(Math.max(4, cap));
            case '~' -> f.set = new LinkedHashSet<>(Math.max(4, cap));
            case '|' -> { } // dropped: nothing kept
            default -> f.list = new ArrayList<>(cap);
        }
    }

    /** Whether the top-level value being completed is a push. */
    private boolean pushed;

    /** A complete value: into its aggregate, or out to the sink when it is a whole reply. */
    private void value(long next, Object v) {
        while (true) {
            if (depth == 0) {
                boolean push = pushed;
                pushed = false;
                replyBytes = 0;
                replyHeap = 0;
                sink.reply(v, push);
                return;
            }
            Frame f = stack[depth - 1];
            switch (f.type) {
                case '%' -> {
                    if (!f.haveKey) {
                        f.key = keyOf(next, v);
                        f.haveKey = true;
                    } else {
                        if (!(f.map instanceof SeededMap) && !plainKey(f, f.key)) {
                            f.map = new SeededMap(f.map);
                        }
                        f.map.put(f.key, v);
                        f.key = null;
                        f.haveKey = false;
                    }
                }
                case '~' -> {
                    Object m = keyOf(next, v);
                    if (!(f.set instanceof SeededSet) && !plainKey(f, m)) {
                        f.set = new SeededSet(f.set);
                    }
                    f.set.add(m);
                }
                case '|' -> { } // attribute content is dropped
                default -> f.list.add(v);
            }
            if (--f.remaining > 0) {
                return;
            }
            depth--;
            byte t = f.type;
            Object done = t == '%' ? f.map : t == '~' ? f.set : f.list;
            f.list = null;
            f.map = null;
            f.set = null;
            f.key = null;
            if (t == '|') {
                return; // an attribute ends: the value it describes comes next
            }
            if (depth == 0 && t == '>') {
                pushed = true;
            }
            v = done;
        }
    }

    /**
     * Whether a map's key or a set's member may go into the frame's {@code LinkedHashMap} or
     * {@code LinkedHashSet}: while every key is of one of these {@code Comparable} classes, a
     * bucket that keys with equal hash codes crowd becomes a tree searched by {@code compareTo},
     * so a hostile server cannot make an insert cost more than a logarithm. Any other key (an
     * error, or a second class; aggregates are refused before, in keyOf) moves the frame to a
     * {@link SeededMap}.
     */
    private static boolean plainKey(Frame f, Object k) {
        if (k == null) {
            return true;
        }
        Class<?> c = k.getClass();
        if (c != String.class && c != Long.class && c != Double.class && c != BigInteger.class
                && c != Boolean.class) {
            return false;
        }
        if (f.keyClass == null) {
            f.keyClass = c;
        }
        return f.keyClass == c;
    }

    /**
     * A map's key or a set's member. Bulk strings become Strings (byte arrays compare by
     * identity), charged as such. Aggregates are refused: Redis never sends them there, and as
     * keys they cost a hash and comparisons of their whole content at every level they nest in,
     * so that a few hundred bytes of nested maps with null values held the loop for minutes.
     */
    private Object keyOf(long at, Object v) {
        if (v instanceof byte[] b) {
            charge(at, STRING_COST + 2L * b.length);
            return new String(b, StandardCharsets.UTF_8);
        }
        if (v instanceof List<?> || v instanceof Map<?, ?> || v instanceof Set<?>) {
            throw malformed(at, "an aggregate as a map key or set member (not supported)");
        }
        return v;
    }

    private Object bulkValue(byte[] b, long at) {
        return switch (type) {
            case '!' -> new RedisError(-1, new String(b, StandardCharsets.UTF_8), true);
            case '=' -> {
                if (b.length < 4 || b[3] != ':') {
                    throw malformed(at - b.length - 2, "verbatim string without its format prefix");
                }
                yield new String(b, 4, b.length - 4, StandardCharsets.UTF_8);
            }
            default -> b;
        };
    }

    private static String simple(byte[] b, int off, int len) {
        if (len == 2 && b[off] == 'O' && b[off + 1] == 'K') {
            return "OK";
        }
        if (len == 6 && b[off] == 'Q' && b[off + 1] == 'U' && b[off + 2] == 'E' && b[off + 3] == 'U'
                && b[off + 4] == 'E' && b[off + 5] == 'D') {
            return "QUEUED";
        }
        if (len == 4 && b[off] == 'P' && b[off + 1] == 'O' && b[off + 2] == 'N' && b[off + 3] == 'G') {
            return "PONG";
        }
        return new String(b, off, len, StandardCharsets.UTF_8);
    }

    /** A decimal {@code long}: an optional '-', then 1 to 19 digits, nothing else. */
    private Long number(byte[] b, int off, int len, long at, boolean isLength) {
        String what = isLength ? "length" : "integer";
        if (len > 20) {
            throw malformed(at, "header line longer than 20 bytes");
        }
        if (len == 0) {
            throw malformed(at, "bad " + what + " (empty)");
        }
        boolean neg = b[off] == '-';
        int i = neg ? off + 1 : off;
        if (i == off + len) {
            throw malformed(at, "bad " + what + " (a lone '-')");
        }
        // Accumulated as a negative number, whose range reaches Long.MIN_VALUE.
        long limit = neg ? Long.MIN_VALUE : -Long.MAX_VALUE;
        long v = 0;
        for (; i < off + len; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                throw malformed(at + (i - off), "bad " + what + ": " + describe(b[i]) + " is not a digit");
            }
            if (v < (limit + d) / 10) {
                throw malformed(at, what + " out of range");
            }
            v = v * 10 - d;
        }
        return neg ? v : -v;
    }

    private Double dbl(byte[] b, int off, int len, long at) {
        String s = new String(b, off, len, StandardCharsets.US_ASCII);
        switch (s) {
            case "inf":
                return Double.POSITIVE_INFINITY;
            case "-inf":
                return Double.NEGATIVE_INFINITY;
            case "nan":
                return Double.NaN;
            default:
                break;
        }
        for (int i = 0; i < len; i++) {
            byte c = b[off + i];
            if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) {
                throw malformed(at + i, "bad double: " + describe(c));
            }
        }
        try {
            return Double.valueOf(s);
        } catch (NumberFormatException e) {
            throw malformed(at, "bad double '" + s + "'");
        }
    }

    private BigInteger big(byte[] b, int off, int len, long at) {
        int i = len > 0 && b[off] == '-' ? 1 : 0;
        if (i == len) {
            throw malformed(at, "bad big number");
        }
        if (len - i > MAX_BIG_DIGITS) {
            throw malformed(at, "big number longer than " + MAX_BIG_DIGITS + " digits");
        }
        for (; i < len; i++) {
            if (b[off + i] < '0' || b[off + i] > '9') {
                throw malformed(at + i, "bad big number: " + describe(b[off + i]) + " is not a digit");
            }
        }
        return new BigInteger(new String(b, off, len, StandardCharsets.US_ASCII));
    }

    /** {@code a + b} for non-negative values, {@code Long.MAX_VALUE} where the sum would overflow. */
    private static long saturatedSum(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }

    /** Counts {@code n} more bytes of the current reply, refusing it once over the limit. */
    private void count(long at, long n) {
        replyBytes += n;
        if (replyBytes > maxReplyBytes) {
            throw tooLarge(at, replyBytes);
        }
    }

    /** Charges {@code n} more bytes of memory to the current reply, refusing it once over the limit. */
    private void charge(long at, long n) {
        replyHeap += n;
        if (replyHeap > maxReplyBytes) {
            throw new RedisError(-1, "reply refused at byte " + at + ": its values need at least " + replyHeap
                    + " bytes of memory, more than maxReplyBytes (" + maxReplyBytes + ")", false);
        }
    }

    private static boolean knownType(byte t) {
        return switch (t) {
            case '+', '-', ':', '$', '*', '_', ',', '#', '!', '=', '(', '%', '~', '>', '|' -> true;
            default -> false;
        };
    }

    private static boolean numeric(byte t) {
        return switch (t) {
            case '+', '-', ',', '(' -> false;
            default -> true;
        };
    }

    private RedisError tooLarge(long at, long bytes) {
        return new RedisError(-1, "reply refused at byte " + at + ": it needs at least " + bytes
                + " bytes, more than maxReplyBytes (" + maxReplyBytes + ")", false);
    }

    private static RedisError malformed(long at, String what) {
        return new RedisError(-1, "malformed reply at byte " + at + ": " + what, false);
    }

    private static String describe(byte b) {
        int c = b & 0xff;
        return c >= 0x21 && c < 0x7f ? "'" + (char) c + "'" : String.format("0x%02x", c);
    }
}
