package io.github.evasync.internal.redis;

import io.github.evasync.RedisError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RESP3 maps and sets whose keys a hostile server chose to share one {@code hashCode}: lists
 * (never {@code Comparable}) and strings mixed with integers made every insert into a
 * {@code LinkedHashMap} scan the crowded bucket, so one reply of a megabyte or two held the loop
 * thread for seconds to minutes. Aggregate keys are refused; mixed scalar keys parse in linear
 * time, with the same contents.
 */
@Timeout(60)
class RespCollidingKeysTest {
    /** Strings of "Aa" and "BB" (equal hash codes), {@code bits} pairs long, one per i. */
    static String collidingString(int i, int bits) {
        StringBuilder sb = new StringBuilder();
        for (int b = 0; b < bits; b++) {
            sb.append(((i >> b) & 1) == 0 ? "Aa" : "BB");
        }
        return sb.toString();
    }

    /** A distinct long per i whose {@code Long.hashCode} is {@code h}. */
    static long collidingLong(int i, int h) {
        long v = ((long) i << 32) | ((h ^ i) & 0xffffffffL);
        assertEquals(h, Long.hashCode(v));
        return v;
    }

    static Object parseOne(String stream) {
        List<Object> got = new ArrayList<>();
        RespParser p = new RespParser(Integer.MAX_VALUE - 8, (v, push) -> got.add(v));
        byte[] b = stream.getBytes(StandardCharsets.ISO_8859_1);
        p.feed(b, 0, b.length);
        assertEquals(1, got.size());
        return got.get(0);
    }

    /** Parses {@code stream}, expecting a refusal; {@return its message} */
    static String refusal(String stream) {
        RespParser p = new RespParser(Integer.MAX_VALUE - 8, (v, push) -> { });
        byte[] b = stream.getBytes(StandardCharsets.ISO_8859_1);
        return assertThrows(RedisError.class, () -> p.feed(b, 0, b.length)).errmsg();
    }

    @Test
    void aggregateKeysAndMembersAreRefused() {
        // 40,000 one-element lists of one hash code as map keys: 14 s on the loop thread.
        int n = 40_000;
        StringBuilder lists = new StringBuilder("%" + n + "\r\n");
        for (int i = 0; i < n; i++) {
            lists.append("*1\r\n:").append(collidingLong(i, 0)).append("\r\n:").append(i).append("\r\n");
        }
        // A set of two equal chains of 30 nested one-entry maps with null values: comparing them
        // took 2^30 lookups (85 s for 432 bytes), and each level hashed all below it.
        String chain = "%1\r\n".repeat(30) + ":1\r\n" + "_\r\n".repeat(30);
        for (String stream : new String[] {lists.toString(), "~2\r\n" + chain + chain, "~1\r\n*0\r\n",
                "%1\r\n~1\r\n:1\r\n:2\r\n"}) {
            String why = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> refusal(stream));
            assertTrue(why.contains("an aggregate as a map key or set member"), why);
        }
        // As values they are as welcome as ever.
        assertEquals(Map.of("k", List.of(1L)), parseOne("%1\r\n+k\r\n*1\r\n:1\r\n"));
    }

    @Test
    void aSetOfStringsAndIntegersOfOneHashCode() {
        int pairs = 60_000;
        int bits = 16;
        assertEquals(collidingString(0, bits + 1).hashCode(), collidingString(pairs - 1, bits + 1).hashCode());
        StringBuilder s = new StringBuilder("~" + 2 * pairs + "\r\n");
        for (int i = 0; i < pairs; i++) {
            String str = collidingString(i, bits + 1);
            s.append('$').append(str.length()).append("\r\n").append(str).append("\r\n");
            s.append(':').append(collidingLong(i, str.hashCode())).append("\r\n");
        }
        Set<?> set = assertInstanceOf(Set.class, assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> parseOne(s.toString())));
        assertEquals(2 * pairs, set.size());
        assertTrue(set.contains(collidingString(5, bits + 1)));
        assertTrue(set.contains(collidingLong(5, collidingString(5, bits + 1).hashCode())));
        assertFalse(set.contains(collidingString(pairs, bits + 1)));
    }

    @Test
    void aMapOfMixedKeysEqualsTheSameEntriesInALinkedHashMap() {
        Object got = parseOne("%6\r\n+a\r\n:1\r\n:2\r\n:3\r\n,2.5\r\n:4\r\n_\r\n:5\r\n#t\r\n:7\r\n+a\r\n:6\r\n");
        Map<Object, Object> want = new LinkedHashMap<>();
        want.put("a", 6L); // a repeated key keeps its first place and takes the last value
        want.put(2L, 3L);
        want.put(2.5, 4L);
        want.put(null, 5L);
        want.put(true, 7L);
        Map<?, ?> m = (Map<?, ?>) got;
        assertInstanceOf(SeededMap.class, m);
        assertEquals(5, m.size());
        assertEquals(6L, m.get("a"));
        assertEquals(3L, m.get(2L));
        assertEquals(4L, m.get(2.5));
        assertEquals(5L, m.get(null));
        assertEquals(7L, m.get(true));
        assertNull(m.get(2));
        assertEquals(want, m);
        assertEquals(m, want);
        assertEquals(want.hashCode(), m.hashCode());
        assertEquals(want.toString(), m.toString());
        assertEquals(new ArrayList<>(want.keySet()), new ArrayList<>(m.keySet()));
        // One class of keys keeps the plain LinkedHashMap.
        assertInstanceOf(LinkedHashMap.class, parseOne("%2\r\n+a\r\n:1\r\n$1\r\nb\r\n:2\r\n"));
    }

    @Test
    void aSetOfMixedMembersEqualsTheSameMembersInALinkedHashSet() {
        Set<?> got = (Set<?>) parseOne("~4\r\n+a\r\n:1\r\n,2.5\r\n+a\r\n");
        Set<Object> want = new LinkedHashSet<>(List.of("a", 1L, 2.5));
        assertEquals(want, got);
        assertEquals(got, want);
        assertEquals(want.hashCode(), got.hashCode());
        assertEquals(List.of("a", 1L, 2.5), new ArrayList<>(got));
    }

    @Test
    void theSeededMapIsAWholeMap() {
        SeededMap m = new SeededMap();
        m.put(List.of(1L), "one");
        m.put("k", "v");
        assertEquals("one", m.put(List.of(1L), "uno"));
        assertEquals("uno", m.remove(List.of(1L)));
        assertFalse(m.containsKey(List.of(1L)));
        for (Map.Entry<Object, Object> e : m.entrySet()) {
            e.setValue("w");
        }
        assertEquals(Map.of("k", "w"), m);
        m.entrySet().iterator().next();
        Iterator<Map.Entry<Object, Object>> it = m.entrySet().iterator();
        it.next();
        it.remove();
        assertTrue(m.isEmpty());
        SeededSet s = new SeededSet();
        assertTrue(s.add(Set.of(1L)));
        assertFalse(s.add(Set.of(1L)));
        assertTrue(s.remove(Set.of(1L)));
        assertFalse(s.remove(Set.of(1L)));
        assertTrue(s.isEmpty());
    }

    @Test
    void equalNestedContentHashesEqually() {
        long seed = 42;
        assertEquals(SeededMap.hash(seed, List.of(Set.of("a", "b"), Map.of(1L, 2.5))),
                SeededMap.hash(seed, new ArrayList<>(List.of(new LinkedHashSet<>(List.of("b", "a")),
                        new LinkedHashMap<>(Map.of(1L, 2.5))))));
        assertFalse(SeededMap.hash(seed, List.of(1L, 2L)) == SeededMap.hash(seed, List.of(2L, 1L)));
    }
}
