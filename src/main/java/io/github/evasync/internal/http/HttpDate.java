package io.github.evasync.internal.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The Date header's value, formatted once a second rather than once a response. */
final class HttpDate {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    private long second = -1;
    private byte[] line;

    /** "Date: ...\r\n" for now. Loop thread only. */
    byte[] headerLine() {
        long now = System.currentTimeMillis() / 1000;
        if (now != second) {
            // The line first: a StackOverflowError while it is made must not leave this second
            // marked done with no line (every later answer of that second would fail).
            line = ("Date: " + FORMAT.format(Instant.ofEpochSecond(now)) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            second = now;
        }
        return line;
    }
}
