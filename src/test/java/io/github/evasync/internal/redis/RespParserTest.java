package io.github.evasync.internal.redis;

import io.github.evasync.RedisError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The reply parser without sockets: every kind of RESP2 and RESP3 reply, a whole stream of them
 * cut at every byte boundary (and fed one byte at a time) giving the same replies, and malformed
 * input refused with the same offset wherever it is cut.
 */
@Timeout(60)
class RespParserTest {
    /** A stream of replies, each kind at least once, with what it must parse to. */
    static final String[][] CORPUS = {
        {"+OK\r\n", "s'OK'"},
        {"+\r\n", "s''"},
        {"-ERR unknown command 'x'\r\n", "err'ERR unknown command 'x''"},
        {":0\r\n", "i0"},
        {":-42\r\n", "i-42"},
        {":9223372036854775807\r\n", "i9223372036854775807"},
        {":-9223372036854775808\r\n", "i-9223372036854775808"},
        {"$5\r\nhello\r\n", "b'hello'"},
        {"$0\r\n\r\n", "b''"},
        {"$-1\r\n", "nil"},
        {"$7\r\na\r\nb\r\nc\r\n", "b'a\r\nb\r\nc'"},
        {"*-1\r\n", "nil"},
        {"*0\r\n", "[]"},
        {"*3\r\n:1\r\n$1\r\nx\r\n*2\r\n+a\r\n*1\r\n$-1\r\n", "[i1,b'x',[s'a',[nil]]]"},
        {"*2\r\n-WRONGTYPE no\r\n:7\r\n", "[err'WRONGTYPE no',i7]"},
        {"_\r\n", "nil"},
        {",3.25\r\n", "d3.25"},
        {",-1.5e10\r\n", "d-1.5E10"},
        {",inf\r\n", "dInfinity"},
        {",-inf\r\n", "d-Infinity"},
        {",nan\r\n", "dNaN"},
        {"#t\r\n", "true"},
        {"#f\r\n", "false"},
        {"(3492890328409238509324850943850943825024385\r\n", "big3492890328409238509324850943850943825024385"},
        {"(-12\r\n", "big-12"},
        {"!21\r\nSYNTAX invalid syntax\r\n", "err'SYNTAX invalid syntax'"},
        {"=15\r\ntxt:Some string\r\n", "s'Some string'"},
        {"%2\r\n+first\r\n:1\r\n$6\r\nsecond\r\n*1\r\n#f\r\n", "{s'first'=i1,s'second'=[false]}"},
        {"%0\r\n", "{}"},
        {"~3\r\n$1\r\na\r\n:2\r\n_\r\n", "~{s'a',i2,nil}"},
        {">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$3\r\nmsg\r\n", ">[b'message',b'ch',b'msg']"},
        {"|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*1\r\n:2\r\n", "[i2]"},
        {"*1\r\n|1\r\n+ttl\r\n:3600\r\n:5\r\n", "[i5]"},
        {"*2\r\n>1\r\n+nested\r\n:1\r\n", "[[s'nested'],i1]"},
    };

    static String render(Object v) {
        if (v == null) {
            return "nil";
        }
        if (v instanceof byte[] b) {
            return "b'" + new String(b, StandardCharsets.UTF_8) + "'";
        }
        if (v instanceof String s) {
            return "s'" + s + "'";
        }
        if (v instanceof Long l) {
            return "i" + l;
        }
        if (v instanceof Double d) {
            return "d" + d;
        }
        if (v instanceof BigInteger b) {
            return "big" + b;
        }
        if (v instanceof RedisError e) {
            assertTrue(e.fromServer());
            return "err'" + e.errmsg() + "'";
        }
        if (v instanceof Map<?, ?> m) {
            List<String> parts = new ArrayList<>();
            m.forEach((k, x) -> parts.add(render(k) + "=" + render(x)));
            return "{" + String.join(",", parts) + "}";
        }
        if (v instanceof Set<?> s) {
            return "~{" + join(s) + "}";
        }
        if (v instanceof List<?> l) {
            return "[" + join(l) + "]";
        }
        return String.valueOf(v);
    }

    private static String join(Collection<?> c) {
        List<String> parts = new ArrayList<>();
        for (Object o : c) {
            parts.add(render(o));
        }
        return String.join(",", parts);
    }

    /** Collects what a parser hands out, rendered. */
    static final class Collect implements RespParser.Sink {
        final List<String> seen = new ArrayList<>();

        @Override
        public void reply(Object value, boolean push) {
            seen.add((push ? ">" : "") + render(value));
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static List<String> parse(byte[] stream, int... cuts) {
        Collect c = new Collect();
        RespParser p = new RespParser(1 << 20, c);
        int from = 0;
        for (int cut : cuts) {
            p.feed(stream, from, cut - from);
            from = cut;
        }
        p.feed(stream, from, stream.length - from);
        assertEquals(stream.length, p.offset());
        return c.seen;
    }

    @Test
    void eachKindOfReply() {
        for (String[] c : CORPUS) {
            assertEquals(List.of(c[1]), parse(bytes(c[0])), c[0]);
        }
    }

    @Test
    void theWholeStreamCutAtEveryByteGivesTheSameReplies() {
        StringBuilder all = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (String[] c : CORPUS) {
            all.append(c[0]);
            expected.add(c[1]);
        }
        byte[] stream = bytes(all.toString());
        assertEquals(expected, parse(stream));
        for (int cut = 1; cut < stream.length; cut++) {
            assertEquals(expected, parse(stream, cut), "cut at " + cut);
        }
        // Two cuts close together: a CRLF, a length or a type byte alone in its piece.
        for (int cut = 1; cut + 2 < stream.length; cut++) {
            assertEquals(expected, parse(stream, cut, cut + 1), "cuts at " + cut);
            assertEquals(expected, parse(stream, cut, cut + 2), "cuts at " + cut);
        }
        int[] every = new int[stream.length - 1];
        for (int i = 0; i < every.length; i++) {
            every[i] = i + 1;
        }
        assertEquals(expected, parse(stream, every), "one byte at a time");
    }

    @Test
    void aBulkStringIsTheArrayTheCallerGets() {
        // One copy: the bytes go straight into the array handed out, whatever the cuts.
        byte[] stream = bytes("$10\r\n0123456789\r\n");
        List<Object> got = new ArrayList<>();
        RespParser p = new RespParser(1 << 20, (v, push) -> got.add(v));
        p.feed(stream, 0, 7);
        p.feed(stream, 7, 5);
        p.feed(stream, 12, stream.length - 12);
        assertEquals("0123456789", new String((byte[]) got.get(0), StandardCharsets.US_ASCII));
        List<Object> ok = new ArrayList<>();
        new RespParser(64, (v, push) -> ok.add(v)).feed(bytes("+OK\r\n+OK\r\n"), 0, 10);
        assertSame(ok.get(0), ok.get(1)); // common simple strings are not made anew
    }

    @Test
    void deepNestingIsIterative() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < RespParser.MAX_DEPTH; i++) {
            b.append("*1\r\n");
        }
        b.append(":1\r\n");
        List<String> seen = parse(bytes(b.toString()));
        assertEquals(1, seen.size());
        assertTrue(seen.get(0).startsWith("[[[[") && seen.get(0).contains("i1"));
    }

    /** Malformed input, the byte offset its error must name, and words of the message. */
    static final Object[][] MALFORMED = {
        {"@\r\n", 0L, "unknown type byte '@'"},
        {"+OK\r\n$x\r\n", 6L, "bad length"},
        {"+OK\r\n$\r\n", 6L, "bad length"},
        {"$3\r\nabcd\r\n", 7L, "bulk string not followed by CRLF"},
        {"$3\r\nabc\rX", 8L, "bulk string not followed by CRLF"},
        {"+OK\rX\r\n", 4L, "CR not followed by LF"},
        {"+OK\n", 3L, "LF without CR"},
        {":12a\r\n", 3L, "is not a digit"},
        {":-\r\n", 1L, "a lone '-'"},
        {":99999999999999999999\r\n", 1L, "out of range"},
        {"$-2\r\n", 1L, "negative length"},
        {"*-5\r\n", 1L, "negative count"},
        {"%-1\r\n", 1L, "negative count"},
        {"$+3\r\nabc\r\n", 1L, "is not a digit"},
        {"*1\r\n#x\r\n", 5L, "boolean"},
        {"_x\r\n", 1L, "null with content"},
        {",1.5x\r\n", 4L, "bad double"},
        {",1e\r\n", 1L, "bad double"},
        {"(12a\r\n", 3L, "bad big number"},
        {"=3\r\nabc\r\n", 4L, "verbatim"},
        {"$123456789012345678901234\r\n", 1L, "header line longer than 20 bytes"},
        {":1234567890123456789012345678901234567890\r\n", 1L, "header line longer than 20 bytes"},
        {"$?\r\n", 1L, "is not a digit"},
        {"+OK\r\n:1\r\n\r\n", 9L, "unknown type byte 0x0d"},
    };

    @Test
    void malformedInputIsRefusedWithItsOffsetWhereverItIsCut() {
        for (Object[] m : MALFORMED) {
            byte[] stream = bytes((String) m[0]);
            for (int cut = 0; cut <= stream.length; cut++) {
                RedisError e = malformed(stream, cut, 1 << 20);
                assertTrue(e.errmsg().contains("at byte " + m[1] + ":"), m[0] + " cut at " + cut + ": " + e.errmsg());
                assertTrue(e.errmsg().contains((String) m[2]), m[0] + ": " + e.errmsg());
                assertTrue(!e.fromServer());
            }
        }
    }

    static RedisError malformed(byte[] stream, int cut, long max) {
        RespParser p = new RespParser(max, (v, push) -> { });
        try {
            p.feed(stream, 0, cut);
            p.feed(stream, cut, stream.length - cut);
        } catch (RedisError e) {
            // Once broken it stays broken.
            assertThrows(IllegalStateException.class, () -> p.feed(stream, 0, 1));
            return e;
        }
        return fail("accepted " + new String(stream, StandardCharsets.ISO_8859_1));
    }

    @Test
    void tooDeepIsRefused() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i <= RespParser.MAX_DEPTH; i++) {
            b.append("*1\r\n");
        }
        RedisError e = malformed(bytes(b.toString()), 3, 1 << 20);
        assertTrue(e.errmsg().contains("nested deeper than 512"), e.errmsg());
        assertTrue(e.errmsg().contains("at byte " + (4 * RespParser.MAX_DEPTH + 1)), e.errmsg());
    }

    @Test
    void aReplyOverMaxReplyBytesIsRefusedBeforeItIsRead() {
        // A huge bulk length: refused at its header, nothing allocated for it.
        RedisError e = malformed(bytes("$2000000000\r\n"), 5, 1000);
        assertTrue(e.errmsg().contains("maxReplyBytes (1000)") && e.errmsg().contains("at byte 1"), e.errmsg());
        assertTrue(malformed(bytes("*400\r\n"), 2, 1000).errmsg().contains("maxReplyBytes"));
        assertTrue(malformed(bytes("%200\r\n"), 2, 1000).errmsg().contains("maxReplyBytes"));
        // An endless line, and many small elements adding up.
        assertTrue(malformed(bytes("+" + "x".repeat(2000) + "\r\n"), 1500, 1000).errmsg().contains("maxReplyBytes"));
        StringBuilder many = new StringBuilder("*100\r\n");
        for (int i = 0; i < 100; i++) {
            many.append("$20\r\n").append("y".repeat(20)).append("\r\n");
        }
        assertTrue(malformed(bytes(many.toString()), 7, 1000).errmsg().contains("maxReplyBytes"));
        // The limit is per reply: many replies under it pass.
        Collect c = new Collect();
        RespParser p = new RespParser(64, c);
        byte[] one = bytes("$40\r\n" + "z".repeat(40) + "\r\n");
        for (int i = 0; i < 100; i++) {
            p.feed(one, 0, one.length);
        }
        assertEquals(100, c.seen.size());
    }

    @Test
    void aReplyWhoseValuesTakeMoreMemoryThanMaxReplyBytesIsRefused() {
        // 800,010 bytes on the wire, under the limit, were 200,000 empty LinkedHashSets: about
        // 20 MB of heap (a 16 MB reply of them took 341 MB).
        StringBuilder sets = new StringBuilder("*200000\r\n");
        sets.append("~0\r\n".repeat(200_000));
        RedisError e = malformed(bytes(sets.toString()), 11, 1_000_000);
        assertTrue(e.errmsg().contains("bytes of memory, more than maxReplyBytes (1000000)"), e.errmsg());
        // Refused as the elements come, long before the end of the reply.
        assertTrue(e.errmsg().contains("at byte ") && Long.parseLong(e.errmsg().replaceAll(".*at byte (\\d+):.*", "$1"))
                < 200_000, e.errmsg());
        // The same for maps announced (each entry costs its memory at once), doubles and strings.
        assertTrue(malformed(bytes("%20000\r\n"), 3, 1_000_000).errmsg().contains("bytes of memory"));
        assertTrue(malformed(bytes("*200000\r\n" + ",1\r\n".repeat(200_000)), 5, 1_000_000).errmsg()
                .contains("bytes of memory"));
        assertTrue(malformed(bytes("*200000\r\n" + "+\r\n".repeat(200_000)), 5, 1_000_000).errmsg()
                .contains("bytes of memory"));
        // Ordinary replies of small elements pass: bulk strings, cached integers, a map of strings.
        Collect c = new Collect();
        RespParser p = new RespParser(1_000_000, c);
        byte[] list = bytes("*1000\r\n" + "$1\r\nx\r\n".repeat(1000));
        byte[] ints = bytes("*100000\r\n" + ":1\r\n".repeat(100_000));
        byte[] map = bytes("%1000\r\n" + "$1\r\nk\r\n$1\r\nv\r\n".repeat(1000));
        for (byte[] r : new byte[][] {list, ints, map, list}) {
            p.feed(r, 0, r.length);
        }
        assertEquals(4, c.seen.size());
    }

    @Test
    void nullsAndEmptiesAreDistinct() {
        List<Object> got = new ArrayList<>();
        RespParser p = new RespParser(1 << 20, (v, push) -> got.add(v));
        byte[] s = bytes("$-1\r\n$0\r\n\r\n*-1\r\n*0\r\n_\r\n");
        p.feed(s, 0, s.length);
        assertNull(got.get(0));
        assertEquals(0, assertInstanceOf(byte[].class, got.get(1)).length);
        assertNull(got.get(2));
        assertEquals(List.of(), got.get(3));
        assertNull(got.get(4));
    }

    @Test
    void aLengthNear2To63IsRefusedAsTooLargeNotOverflowed() {
        // replyBytes + n + 2 overflowed to a negative number, passed the check, and the array
        // size (int) n was negative: a NegativeArraySizeException, not a RedisError.
        for (String huge : new String[] {"$9223372036854775806\r\n", "$9223372036854775807\r\n",
                "=9223372036854775805\r\n", "!9223372036854775806\r\n", "*1\r\n$9223372036854775806\r\n"}) {
            byte[] stream = bytes(huge);
            for (long max : new long[] {1 << 20, RespParser.MAX_BULK}) {
                for (int cut = 0; cut <= stream.length; cut++) {
                    RedisError e = malformed(stream, cut, max);
                    assertTrue(e.errmsg().contains("maxReplyBytes"), huge + ": " + e.errmsg());
                }
            }
        }
        // Above what one array holds, whatever maxReplyBytes says.
        RedisError e = malformed(bytes("$2147483641\r\n"), 3, Long.MAX_VALUE);
        assertTrue(e.errmsg().contains("at byte 1:"), e.errmsg());
    }

    @Test
    void aMapOrAttributeCountThatOverflowsWhenDoubledIsRefused() {
        // 2 * 4611686018427387905 overflowed to a negative count, which passed the check and
        // opened a map that closed after one element.
        for (String huge : new String[] {"%4611686018427387905\r\n", "|4611686018427387905\r\n",
                "%9223372036854775807\r\n", "*1\r\n%4611686018427387904\r\n"}) {
            byte[] stream = bytes(huge);
            for (int cut = 0; cut <= stream.length; cut++) {
                RedisError e = malformed(stream, cut, RespParser.MAX_BULK);
                assertTrue(e.errmsg().contains("maxReplyBytes"), huge + ": " + e.errmsg());
                assertTrue(e.errmsg().contains("at byte " + (huge.startsWith("*") ? 5 : 1) + ":"), e.errmsg());
            }
        }
        // Half the budget's elements is the most a map may announce: 1000 bytes, 6 of them its
        // header, hold 331 elements. Shown with an attribute, which is dropped and so costs no
        // memory when announced (a map's entries are charged at once: 165 take 13 KB).
        assertEquals(List.of("{}"), parse(bytes("%0\r\n")));
        RespParser p = new RespParser(1000, (v, push) -> { });
        p.feed(bytes("|165\r\n"), 0, 6);
        assertTrue(malformed(bytes("|166\r\n"), 2, 1000).errmsg().contains("more than maxReplyBytes"));
        assertTrue(malformed(bytes("%165\r\n"), 2, 1000).errmsg().contains("bytes of memory"));
    }

    @Test
    void aBigNumberOfMoreThan4096DigitsIsRefused() {
        // new BigInteger(String) is quadratic: a number as long as maxReplyBytes held the loop.
        String ok = "(" + "7".repeat(RespParser.MAX_BIG_DIGITS) + "\r\n";
        assertEquals(List.of("big" + "7".repeat(RespParser.MAX_BIG_DIGITS)), parse(bytes(ok)));
        assertEquals(List.of("big-" + "7".repeat(RespParser.MAX_BIG_DIGITS)),
                parse(bytes("(-" + "7".repeat(RespParser.MAX_BIG_DIGITS) + "\r\n")));
        byte[] tooLong = bytes("+OK\r\n(" + "7".repeat(RespParser.MAX_BIG_DIGITS + 1) + "\r\n");
        for (int cut : new int[] {0, 3, 6, 100, 4000, 4100, tooLong.length - 1, tooLong.length}) {
            RedisError e = malformed(tooLong, cut, 1 << 20);
            assertTrue(e.errmsg().contains("big number longer than 4096 digits") && e.errmsg().contains("at byte 6:"),
                    "cut at " + cut + ": " + e.errmsg());
        }
        // Refused as it arrives, not once the whole line is in.
        RespParser p = new RespParser(1 << 30, (v, push) -> { });
        byte[] endless = bytes("(" + "1".repeat(100_000));
        assertThrows(RedisError.class, () -> p.feed(endless, 0, endless.length));
    }

    @Test
    void aLargeBulkStringCostsMemoryOnlyAsItsBytesArrive() {
        // 13 bytes used to allocate 512 MiB at once, on every connection attempt.
        List<Object> got = new ArrayList<>();
        RespParser p = new RespParser(io.github.evasync.redis.RedisOptions.DEFAULT_MAX_REPLY_BYTES, (v, push) -> got.add(v));
        byte[] head = bytes("$536870000\r\n");
        p.feed(head, 0, head.length);
        assertTrue(p.bulkBytesHeld() <= RespParser.CHUNK, "held " + p.bulkBytesHeld());
        byte[] some = new byte[3 * RespParser.CHUNK + 5];
        p.feed(some, 0, some.length);
        assertTrue(p.bulkBytesHeld() <= some.length + RespParser.CHUNK, "held " + p.bulkBytesHeld());
        assertTrue(got.isEmpty());
    }

    @Test
    void aBulkStringLargerThanAChunkArrivesWholeWhereverItIsCut() {
        int n = 2 * RespParser.CHUNK + 12345;
        byte[] value = new byte[n];
        for (int i = 0; i < n; i++) {
            value[i] = (byte) (i * 31 + (i >>> 11));
        }
        byte[] header = bytes("$" + n + "\r\n");
        byte[] stream = new byte[header.length + n + 2 + 5];
        System.arraycopy(header, 0, stream, 0, header.length);
        System.arraycopy(value, 0, stream, header.length, n);
        System.arraycopy(bytes("\r\n+OK\r\n"), 0, stream, header.length + n, 7);
        int[][] cutsList = {
            {},
            {1, header.length, header.length + RespParser.CHUNK, header.length + RespParser.CHUNK + 1},
            {header.length + 7, header.length + RespParser.CHUNK - 1, header.length + n, header.length + n + 1},
        };
        for (int[] cuts : cutsList) {
            List<Object> got = new ArrayList<>();
            RespParser p = new RespParser(1 << 30, (v, push) -> got.add(v));
            int from = 0;
            for (int cut : cuts) {
                p.feed(stream, from, cut - from);
                from = cut;
            }
            p.feed(stream, from, stream.length - from);
            assertEquals(2, got.size());
            assertTrue(java.util.Arrays.equals(value, (byte[]) got.get(0)), "cuts " + java.util.Arrays.toString(cuts));
            assertEquals("OK", got.get(1));
            assertEquals(0, p.bulkBytesHeld());
        }
        // One piece, fed a byte at a time around a chunk's edge, then the rest at once.
        List<Object> got = new ArrayList<>();
        RespParser p = new RespParser(1 << 30, (v, push) -> got.add(v));
        int edge = header.length + RespParser.CHUNK;
        p.feed(stream, 0, edge - 3);
        for (int i = edge - 3; i < edge + 3; i++) {
            p.feed(stream, i, 1);
        }
        p.feed(stream, edge + 3, stream.length - edge - 3);
        assertTrue(java.util.Arrays.equals(value, (byte[]) got.get(0)));
    }
}
