package io.github.evasync.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * HTTP header fields: names compared without regard to case, each name with one or more
 * values in the order they came. Immutable once handed to the application.
 */
public final class Headers {
    private final Map<String, List<String>> byName;
    private final Map<String, String> displayNames;

    private Headers(Map<String, List<String>> byName, Map<String, String> displayNames) {
        this.byName = byName;
        this.displayNames = displayNames;
    }

    /** {@return empty headers} */
    public static Headers empty() {
        return new Builder().build();
    }

    /**
     * The first value of {@code name}, or null.
     *
     * @param name a header name, any case
     * @return the first value, or null when absent
     */
    public String get(String name) {
        List<String> v = byName.get(name.toLowerCase(Locale.ROOT));
        return v == null ? null : v.get(0);
    }

    /**
     * Every value of {@code name}, in order; empty when absent.
     *
     * @param name a header name, any case
     * @return the values
     */
    public List<String> all(String name) {
        List<String> v = byName.get(name.toLowerCase(Locale.ROOT));
        return v == null ? List.of() : Collections.unmodifiableList(v);
    }

    /** {@return the header names, as first spelled, in the order they came} */
    public Set<String> names() {
        return Collections.unmodifiableSet(new java.util.LinkedHashSet<>(displayNames.values()));
    }

    /**
     * Whether {@code name} is present.
     *
     * @param name a header name, any case
     * @return true when present
     */
    public boolean contains(String name) {
        return byName.containsKey(name.toLowerCase(Locale.ROOT));
    }

    /** {@return how many fields there are, counting each value} */
    public int size() {
        int n = 0;
        for (List<String> v : byName.values()) {
            n += v.size();
        }
        return n;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Headers{");
        byName.forEach((k, v) -> sb.append(displayNames.get(k)).append('=').append(v).append(", "));
        if (sb.length() > 8) {
            sb.setLength(sb.length() - 2);
        }
        return sb.append('}').toString();
    }

    /** Collects fields; used by the codec. */
    public static final class Builder {
        private final Map<String, List<String>> byName = new LinkedHashMap<>();
        private final Map<String, String> displayNames = new LinkedHashMap<>();

        /** An empty builder. */
        public Builder() {
        }

        /**
         * Adds a field.
         *
         * @param name the name as received
         * @param value the value
         * @return this builder
         */
        public Builder add(String name, String value) {
            String key = name.toLowerCase(Locale.ROOT);
            byName.computeIfAbsent(key, k -> new ArrayList<>(1)).add(value);
            displayNames.putIfAbsent(key, name);
            return this;
        }

        /** {@return the headers collected} */
        public Headers build() {
            return new Headers(byName, displayNames);
        }
    }
}
