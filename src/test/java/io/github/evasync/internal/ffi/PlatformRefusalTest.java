package io.github.evasync.internal.ffi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class PlatformRefusalTest {
    @Test
    void linuxIsAccepted() {
        assertNull(Native.platformRefusal("Linux"));
    }

    @Test
    void everyOtherSystemIsRefusedByName() {
        for (String os : new String[]{"Mac OS X", "FreeBSD", "Windows 11", "SunOS", "", null}) {
            String why = Native.platformRefusal(os);
            assertTrue(why != null && why.contains("Linux only") && why.contains("'" + os + "'"), os + ": " + why);
        }
    }
}
