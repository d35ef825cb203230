package io.github.evasync.internal.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The Date header's value, formatted once a second rather than once a response. */
final class HttpDate {
    /**
     * IMF-fixdate (RFC 9110 section 5.6.7): a two-digit day, always. The JDK's RFC_1123_DATE_TIME
     * writes "1 Dec", which strict parsers (Go's http.ParseTime) refuse.
     */
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'",
            Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private long second = -1;
    private byte[] line;

    /** "Date: ...\r\n" for now. Loop thread only. */
    byte[] headerLine() {
        long now = System.currentTimeMillis() / 1000;
        if (now != second) {
            // The line first: a StackOverflowError while it is made must not leave this second
            // marked done with no line (every later answer of that second would fail).
            line = ("Date: " + format(now) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            second = now;
        }
        return line;
    }

    /** {@return the IMF-fixdate of {@code epochSecond}} */
    static String format(long epochSecond) {
        return FORMAT.format(Instant.ofEpochSecond(epochSecond));
    }
}
