package io.github.evasync.internal.loop;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which classes the first loop initialises: the library's own, never other code that shares the
 * {@code io/github/evasync/} prefix in one jar (the benchmarks' shaded jar holds Netty and Vert.x
 * servers there, whose initialisers must not run because a loop opened).
 */
@Timeout(30)
class HardTimesClassesTest {
    @Test
    void theLibrarysPackagesAreOurs() {
        assertTrue(HardTimes.isOurClassFile("io/github/evasync/EventLoop.class"));
        assertTrue(HardTimes.isOurClassFile("io/github/evasync/tcp/TcpOptions.class"));
        assertTrue(HardTimes.isOurClassFile("io/github/evasync/internal/tcp/Connection$1.class"));
        assertTrue(HardTimes.isOurClassFile("io/github/evasync/http/Headers.class"));
        // The Redis driver's public package: its classes are initialised on the loop thread
        // like every other package's, not first met deep in a callback.
        assertTrue(HardTimes.isOurClassFile("io/github/evasync/redis/RedisOptions.class"));
        assertTrue(HardTimes.isOurClassFile("io/github/evasync/redis/RedisClient.class"));
    }

    @Test
    void otherCodeUnderThePrefixIsNot() {
        assertFalse(HardTimes.isOurClassFile("io/github/evasync/bench/servers/NettyServer.class"));
        assertFalse(HardTimes.isOurClassFile("io/github/evasync/bench/jmh_generated/X_jmhTest.class"));
        assertFalse(HardTimes.isOurClassFile("io/github/evasync/myapp/Main.class"));
        assertFalse(HardTimes.isOurClassFile("io/github/evasync/module-info.class"));
        assertFalse(HardTimes.isOurClassFile("io/github/evasync/tcp/package-info.class"));
        assertFalse(HardTimes.isOurClassFile("org/example/Main.class"));
        assertFalse(HardTimes.isOurClassFile("io/github/evasync/EventLoop.java"));
    }
}
