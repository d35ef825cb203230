package io.github.evasync.internal.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Date header is IMF-fixdate: the JDK's RFC 1123 format wrote one-digit days ("1 Dec"). */
@Timeout(10)
class HttpDateTest {
    @Test
    void oneDigitDaysAreWrittenWithTwo() {
        assertEquals("Tue, 01 Dec 2026 09:05:03 GMT", HttpDate.format(Instant.parse("2026-12-01T09:05:03Z").getEpochSecond()));
        assertEquals("Thu, 31 Dec 2026 23:59:59 GMT", HttpDate.format(Instant.parse("2026-12-31T23:59:59Z").getEpochSecond()));
        // The same as the JDK's RFC 1123 form wherever that has two-digit days, over 60 years.
        java.time.format.DateTimeFormatter jdk = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                .withZone(java.time.ZoneOffset.UTC);
        for (long t = 0; t < 60L * 365 * 86_400; t += 86_400L * 7 + 3_601) {
            String want = jdk.format(Instant.ofEpochSecond(t));
            if (want.charAt(6) == ' ') {
                want = want.substring(0, 5) + "0" + want.substring(5);
            }
            assertEquals(want, HttpDate.format(t));
        }
    }
}
