package io.github.evasync.internal.redis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The reconnect back-off never overflows: a minimum of 20 s doubled 29 times (half an hour of
 * outage at 60 s a try) overflowed a long and went negative, and the client, whose next attempt
 * could then not be scheduled, stopped reconnecting for good.
 */
@Timeout(10)
class BackoffTest {
    private static final long S = 1_000_000_000L;

    @Test
    void doublesUpToTheMaximum() {
        assertEquals(S, RedisConnection.backoff(S, 30 * S, 0));
        assertEquals(2 * S, RedisConnection.backoff(S, 30 * S, 1));
        assertEquals(16 * S, RedisConnection.backoff(S, 30 * S, 4));
        assertEquals(30 * S, RedisConnection.backoff(S, 30 * S, 5));
        assertEquals(30 * S, RedisConnection.backoff(S, 30 * S, Integer.MAX_VALUE));
    }

    @Test
    void neverOverflows() {
        long max = Duration.ofDays(36_500).toNanos();
        for (long min : new long[] {1, 17 * S, 20 * S, max / 3, max}) {
            for (int attempts = 0; attempts < 200; attempts++) {
                long d = RedisConnection.backoff(min, max, attempts);
                assertEquals(true, d >= min && d <= max, "min " + min + " attempt " + attempts + ": " + d);
            }
        }
        assertEquals(60 * S, RedisConnection.backoff(20 * S, 60 * S, 29));
    }

    @Test
    void aZeroMinimumRetriesAtOnceThenBacksOffFromAMillisecond() {
        long ms = 1_000_000L;
        assertEquals(0, RedisConnection.backoff(0, 60 * S, 0));
        assertEquals(ms, RedisConnection.backoff(0, 60 * S, 1));
        assertEquals(2 * ms, RedisConnection.backoff(0, 60 * S, 2));
        assertEquals(60 * S, RedisConnection.backoff(0, 60 * S, 1_000_000));
        assertEquals(0, RedisConnection.backoff(0, 0, 5));
    }
}
