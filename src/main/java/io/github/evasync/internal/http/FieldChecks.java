package io.github.evasync.internal.http;

import java.util.Map;
import java.util.Objects;

/**
 * The checks a header field from the application must pass before it goes on the wire, in the
 * client's requests and the server's answers alike: a name that is a token (RFC 9110 section
 * 5.6.2: no space, colon or other delimiter, so that {@code "Transfer-Encoding "} cannot pass a
 * framing filter and reach a lenient peer as the real thing), and a value of HTAB, visible
 * characters and ISO-8859-1 letters (section 5.5): no CR, LF or NUL (header injection), no other
 * control character, and nothing HTTP/1.1's bytes cannot carry (it used to become {@code ?}).
 */
public final class FieldChecks {
    private FieldChecks() {
    }

    /** {@return {@code name}} @throws IllegalArgumentException if it is not a token */
    public static String name(String name) {
        Objects.requireNonNull(name, "header name");
        if (!HttpSyntax.isToken(name)) {
            throw new IllegalArgumentException("header name is not a token: \"" + escaped(name) + "\"");
        }
        return name;
    }

    /** {@return {@code value}} @throws IllegalArgumentException if the field named {@code name} cannot carry it */
    public static String value(String name, String value) {
        Objects.requireNonNull(value, "header value of " + name);
        for (int k = 0; k < value.length(); k++) {
            char c = value.charAt(k);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException("header value of " + name + " holds CR, LF or NUL");
            }
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new IllegalArgumentException(String.format("header value of %s holds a control character (U+%04X)",
                        name, (int) c));
            }
            if (c > 0xff) {
                throw new IllegalArgumentException(String.format(
                        "header value of %s holds U+%04X, outside the ISO-8859-1 that HTTP/1.1 fields carry", name, (int) c));
            }
        }
        return value;
    }

    /** {@return whether {@code s} is a token} (a method, a field name) */
    public static boolean isToken(String s) {
        return HttpSyntax.isToken(s);
    }

    /** Checks every field of {@code headers} (null for none), as {@link #name} and {@link #value}. */
    public static void fields(Map<String, String> headers) {
        if (headers == null) {
            return;
        }
        for (Map.Entry<String, String> h : entries(headers)) {
            value(name(h.getKey()), h.getValue());
        }
    }

    /**
     * {@return every field of {@code headers}, in order}: a {@code Headers} gives each field, a
     * repeated name (Set-Cookie) as often as it was added; another map its entries.
     */
    public static Iterable<Map.Entry<String, String>> entries(Map<String, String> headers) {
        return headers instanceof io.github.evasync.http.Headers all ? all.fields() : headers.entrySet();
    }

    private static String escaped(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
