package io.github.evasync.internal.redis;

import java.math.BigInteger;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An insertion-ordered map for RESP3 map replies whose keys a server could choose to collide.
 *
 * <p>A {@code LinkedHashMap} is safe against keys with equal {@code hashCode}s only while they
 * are all of one {@code Comparable} class (a crowded bucket becomes a tree ordered by
 * {@code compareTo}). Strings mixed with integers are not: a server sending 80,000 of them with
 * one {@code hashCode} made each insert scan the bucket, and one reply of a megabyte or two held
 * the loop thread for seconds (the parser refuses aggregate keys outright; the hash below still
 * covers them, for a caller that puts one). Here the index is hashed with a random
 * seed of this map's own, over the keys' content, so no server can know which keys collide.
 * Equality is the keys' own {@code equals}, and {@link #equals}/{@link #hashCode} are
 * {@code Map}'s, so the map compares equal to a {@code LinkedHashMap} with the same entries.
 */
final class SeededMap extends AbstractMap<Object, Object> {
    private final long seed = ThreadLocalRandom.current().nextLong();
    private final LinkedHashMap<Key, Object> index = new LinkedHashMap<>();

    SeededMap() {
    }

    /** A copy of {@code m}'s entries, in its order. */
    SeededMap(Map<Object, Object> m) {
        for (Map.Entry<Object, Object> e : m.entrySet()) {
            put(e.getKey(), e.getValue());
        }
    }

    /** A key with the seeded hash of its content, compared by the key's own equals. */
    private static final class Key {
        final Object value;
        final int hash;

        Key(Object value, int hash) {
            this.value = value;
            this.hash = hash;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Objects.equals(k.value, value);
        }
    }

    private Key key(Object k) {
        return new Key(k, (int) mix(hash(seed, k)));
    }

    @Override
    public Object put(Object key, Object value) {
        return index.put(key(key), value);
    }

    @Override
    public Object get(Object key) {
        return index.get(key(key));
    }

    @Override
    public boolean containsKey(Object key) {
        return index.containsKey(key(key));
    }

    @Override
    public Object remove(Object key) {
        return index.remove(key(key));
    }

    @Override
    public int size() {
        return index.size();
    }

    @Override
    public void clear() {
        index.clear();
    }

    @Override
    public Set<Map.Entry<Object, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<Object, Object>> iterator() {
                Iterator<Map.Entry<Key, Object>> it = index.entrySet().iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Map.Entry<Object, Object> next() {
                        return new Entry(it.next());
                    }

                    @Override
                    public void remove() {
                        it.remove();
                    }
                };
            }

            @Override
            public int size() {
                return index.size();
            }
        };
    }

    /** An entry seen through its key's wrapper; writes go through to the map. */
    private static final class Entry implements Map.Entry<Object, Object> {
        private final Map.Entry<Key, Object> inner;

        Entry(Map.Entry<Key, Object> inner) {
            this.inner = inner;
        }

        @Override
        public Object getKey() {
            return inner.getKey().value;
        }

        @Override
        public Object getValue() {
            return inner.getValue();
        }

        @Override
        public Object setValue(Object value) {
            return inner.setValue(value);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Map.Entry<?, ?> e && Objects.equals(getKey(), e.getKey())
                    && Objects.equals(getValue(), e.getValue());
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(getKey()) ^ Objects.hashCode(getValue());
        }

        @Override
        public String toString() {
            return getKey() + "=" + getValue();
        }
    }

    /**
     * A 64-bit hash of {@code o}'s content under {@code seed}, consistent with the
     * {@code equals} of every type a reply holds: ordered for lists, order-free for sets and maps;
     * byte arrays (and anything else that compares by identity) by identity. Recursion is bounded
     * by the parser's nesting limit.
     */
    static long hash(long seed, Object o) {
        if (o == null) {
            return mix(seed + 0x2545F4914F6CDD1DL);
        }
        if (o instanceof String s) {
            long h = seed ^ 0x9E3779B97F4A7C15L;
            for (int i = 0; i < s.length(); i++) {
                h = (h ^ s.charAt(i)) * 0x100000001B3L;
            }
            return mix(h ^ s.length());
        }
        if (o instanceof Long l) {
            return mix(seed ^ 0x3C6EF372FE94F82BL ^ mix(l));
        }
        if (o instanceof Double d) {
            return mix(seed ^ 0xA54FF53A5F1D36F1L ^ mix(Double.doubleToLongBits(d)));
        }
        if (o instanceof Boolean b) {
            return mix(seed ^ (b ? 0x510E527FADE682D1L : 0x9B05688C2B3E6C1FL));
        }
        if (o instanceof BigInteger big) {
            long h = seed ^ 0x1F83D9ABFB41BD6BL;
            for (byte x : big.toByteArray()) {
                h = (h ^ x) * 0x100000001B3L;
            }
            return mix(h);
        }
        if (o instanceof List<?> list) {
            long h = seed ^ 0x5BE0CD19137E2179L;
            for (Object e : list) {
                h = mix(h + hash(seed, e));
            }
            return h;
        }
        if (o instanceof Set<?> set) {
            long h = 0;
            for (Object e : set) {
                h += mix(hash(seed, e));
            }
            return mix(seed ^ 0x6A09E667F3BCC908L ^ h);
        }
        if (o instanceof Map<?, ?> map) {
            long h = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                h += mix(hash(seed, e.getKey()) ^ Long.rotateLeft(hash(seed, e.getValue()), 23));
            }
            return mix(seed ^ 0xBB67AE8584CAA73BL ^ h);
        }
        // byte[], RedisError: equal only to themselves.
        return mix(seed ^ System.identityHashCode(o));
    }

    /** A 64-bit finaliser (SplitMix64's), so every bit of the input moves every bit of the output. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
