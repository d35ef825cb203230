package io.github.evasync.internal.http;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;

/** The Date header's value, formatted once a second rather than once a response. */
public final class HttpDate {
    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec"};
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

    /**
     * {@return {@code epochSecond} as IMF-fixdate (RFC 9110 section 5.6.7), such as "Tue, 01 Dec
     * 2026 09:05:03 GMT"} By hand: the JDK's RFC_1123_DATE_TIME writes one-digit days ("1 Dec"),
     * which strict parsers (Go's http.ParseTime) refuse, and a pattern with day and month names
     * initialises the JDK's locale data on first use, which a first answer deep in a callback
     * could break for the JVM's life (FirstUseOverflowTest). The loop warms this at start
     * (HardTimes).
     */
    public static String format(long epochSecond) {
        long day = Math.floorDiv(epochSecond, 86_400L);
        int secs = (int) Math.floorMod(epochSecond, 86_400L);
        LocalDate date = LocalDate.ofEpochDay(day);
        StringBuilder sb = new StringBuilder(29);
        sb.append(DAYS[(int) Math.floorMod(day + 3, 7L)]).append(", "); // 1970-01-01 was a Thursday
        two(sb, date.getDayOfMonth());
        sb.append(' ').append(MONTHS[date.getMonthValue() - 1]).append(' ').append(date.getYear()).append(' ');
        two(sb, secs / 3600);
        sb.append(':');
        two(sb, secs / 60 % 60);
        sb.append(':');
        two(sb, secs % 60);
        return sb.append(" GMT").toString();
    }

    private static void two(StringBuilder sb, int n) {
        sb.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
    }
}
