package io.github.evasync.reliability.leak;

import java.nio.charset.StandardCharsets;

/** Reading HTTP answers that a workload took off a plain TCP socket, as text. */
final class RawHttp {
    private RawHttp() {
    }

    /** The bytes as text, one char per byte. */
    static String ascii(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** The status code of the first response in {@code raw}, or -1. */
    static int status(String raw) {
        if (raw.startsWith("HTTP/1.1 ") && raw.length() >= 12) {
            try {
                return Integer.parseInt(raw.substring(9, 12));
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    /** How often {@code needle} occurs in {@code haystack}. */
    static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
