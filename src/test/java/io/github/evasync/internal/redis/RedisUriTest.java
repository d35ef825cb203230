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
    void hostNamesWithUnderscoresAreHosts() {
        // java.net.URI gives no host for them; "no host in redis://redis_cache:6379" was the answer.
        RedisUri u = RedisUri.parse("redis://:pw@redis_cache:6380/2");
        assertEquals("redis_cache", u.host());
        assertEquals(6380, u.port());
        assertEquals("pw", u.password());
        assertEquals(2, u.db());
        assertEquals(6379, RedisUri.parse("redis://my_redis").port());
        assertThrows(IllegalArgumentException.class, () -> RedisUri.parse("redis://bad_host:99999"));
    }

    @Test
    void aUnixUriKeepsItsCredentials() {
        // They were dropped without a word: every command then met NOAUTH.
        RedisUri u = RedisUri.parse("unix://alice:s%40cret@/tmp/redis.sock?db=3");
        assertEquals("alice", u.user());
        assertEquals("s@cret", u.password());
        assertEquals(java.nio.file.Path.of("/tmp/redis.sock"), u.path());
        assertEquals(3, u.db());
        assertEquals("pw", RedisUri.parse("unix://:pw@/tmp/redis.sock").password());
        assertEquals(null, RedisUri.parse("unix:///tmp/redis.sock").password());
        assertThrows(IllegalArgumentException.class, () -> RedisUri.parse("unix://somehost/tmp/redis.sock"));
    }

    @Test
    void redactHidesEverythingBeforeTheLastAt() {
        assertEquals("redis://***@host:1", RedisUri.redact("redis://:a@b@host:1"));
        assertEquals("redis://host:1", RedisUri.redact("redis://host:1"));
    }
}
