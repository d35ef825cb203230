package io.github.evasync.internal.redis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A URI's password never appears in an error about the URI. */
@Timeout(30)
class RedisUriTest {
    @Test
    void aUriThatDoesNotParseIsReportedWithoutItsPassword() {
        // URISyntaxException's message quotes the whole input; it went into the error as it was.
        for (String bad : new String[] {"redis://:s3cret pw@localhost:6379", "redis://user:s3cret^@localhost",
                "redis://:p@s3cret{@localhost/0", "rediss://u:s3cret@local host:6379"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisUri.parse(bad), bad);
            assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
            assertTrue(e.getMessage().startsWith("not a Redis URI"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisUri.parse("http://user:s3cret@localhost"));
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }

    @Test
    void redactHidesEverythingBeforeTheLastAt() {
        assertEquals("redis://***@host:1", RedisUri.redact("redis://:a@b@host:1"));
        assertEquals("redis://host:1", RedisUri.redact("redis://host:1"));
    }
}
