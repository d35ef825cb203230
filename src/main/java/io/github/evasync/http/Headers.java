package io.github.evasync.http;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * HTTP header fields: names compared without regard to case, each name with one or more
 * values, every field kept in the order it came or was added. Immutable.
 *
 * <p>Headers are also a read-only {@code Map<String, String>} of each name (as first spelled)
 * to its first value, so they fit wherever a map of headers does; {@link #fields()} and
 * {@link #all(String)} give every value, for repeated fields such as {@code Set-Cookie}:
 * <pre>{@code
 * req.respond(200, Headers.of("Set-Cookie", "a=1", "Set-Cookie", "b=2"), "hi");
 * }</pre>
 */
public final class Headers extends AbstractMap<String, String> {
    private static final Headers EMPTY = new Builder().build();

    private final Map<String, List<String>> byName;
    private final Map<String, String> displayNames;
    private final List<String> fieldNames;
    private final List<String> fieldValues;
    private Set<Map.Entry<String, String>> entries;

    private Headers(Builder b) {
        this.byName = b.byName;
        this.displayNames = b.displayNames;
        this.fieldNames = b.fieldNames;
        this.fieldValues = b.fieldValues;
    }

    /** {@return empty headers} */
    public static Headers empty() {
        return EMPTY;
    }

    /**
     * Headers from name, value pairs, in order; a name may repeat.
     *
     * @param nameValuePairs name, value, name, value, ...
     * @return the headers
     * @throws IllegalArgumentException if the count is odd
     * @throws NullPointerException if a name or value is null
     */
    public static Headers of(String... nameValuePairs) {
        Objects.requireNonNull(nameValuePairs, "nameValuePairs");
        if (nameValuePairs.length % 2 != 0) {
            throw new IllegalArgumentException("nameValuePairs must come in pairs: " + nameValuePairs.length + " strings");
        }
        Builder b = new Builder();
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            b.add(Objects.requireNonNull(nameValuePairs[i], "name"),
                    Objects.requireNonNull(nameValuePairs[i + 1], "value of " + nameValuePairs[i]));
        }
        return b.build();
    }

    /** {@return a builder of headers} */
    public static Builder builder() {
        return new Builder();
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

    /** The first value of a name given as any object (the map view); null for a non-string. */
    @Override
    public String get(Object name) {
        return name instanceof String s ? get(s) : null;
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
        return Collections.unmodifiableSet(new LinkedHashSet<>(displayNames.values()));
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

    @Override
    public boolean containsKey(Object name) {
        return name instanceof String s && contains(s);
    }

    /** {@return how many distinct names there are (the map view's size)} */
    @Override
    public int size() {
        return byName.size();
    }

    /** {@return how many fields there are, counting each value of a repeated name} */
    public int fieldCount() {
        return fieldNames.size();
    }

    /**
     * Every field in order, repeated names included, as read-only name, value entries.
     *
     * @return the fields
     */
    public List<Map.Entry<String, String>> fields() {
        List<Map.Entry<String, String>> out = new ArrayList<>(fieldNames.size());
        for (int i = 0; i < fieldNames.size(); i++) {
            out.add(Map.entry(fieldNames.get(i), fieldValues.get(i)));
        }
        return out;
    }

    /** Each name as first spelled, with its first value, in the order names first came. */
    @Override
    public Set<Map.Entry<String, String>> entrySet() {
        Set<Map.Entry<String, String>> e = entries;
        if (e == null) {
            Set<Map.Entry<String, String>> s = new LinkedHashSet<>();
            byName.forEach((k, v) -> s.add(Map.entry(displayNames.get(k), v.get(0))));
            e = Collections.unmodifiableSet(s);
            entries = e;
        }
        return e;
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

    /** Collects fields in order; {@link #build()} makes the immutable headers. */
    public static final class Builder {
        private Map<String, List<String>> byName = new LinkedHashMap<>();
        private Map<String, String> displayNames = new LinkedHashMap<>();
        private List<String> fieldNames = new ArrayList<>();
        private List<String> fieldValues = new ArrayList<>();
        private boolean built;

        /** An empty builder; {@link Headers#builder()} says the same. */
        public Builder() {
        }

        /**
         * Adds a field; a name may repeat.
         *
         * @param name the name
         * @param value the value
         * @return this builder
         */
        public Builder add(String name, String value) {
            if (built) {
                // The headers built share this builder's collections: copy them before changing.
                byName = new LinkedHashMap<>(byName);
                byName.replaceAll((k, v) -> new ArrayList<>(v));
                displayNames = new LinkedHashMap<>(displayNames);
                fieldNames = new ArrayList<>(fieldNames);
                fieldValues = new ArrayList<>(fieldValues);
                built = false;
            }
            String key = name.toLowerCase(Locale.ROOT);
            byName.computeIfAbsent(key, k -> new ArrayList<>(1)).add(value);
            displayNames.putIfAbsent(key, name);
            fieldNames.add(name);
            fieldValues.add(value);
            return this;
        }

        /** {@return the headers collected} */
        public Headers build() {
            built = true;
            return new Headers(this);
        }
    }
}
