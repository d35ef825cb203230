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
    }
}
