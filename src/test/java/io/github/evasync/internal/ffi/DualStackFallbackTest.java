package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibEvent;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a null bind gives up on IPv6 and binds IPv4 alone: only where the system has no IPv6. */
class DualStackFallbackTest {
    @Test
    void onlyAMissingAddressFamilyFallsBackToIpv4() {
        assertTrue(ListenSockets.fallsBackToIpv4(LibEvent.EAFNOSUPPORT()));
        assertTrue(ListenSockets.fallsBackToIpv4(LibEvent.EPROTONOSUPPORT()));
        // EMFILE, ENFILE, ENOMEM, EACCES (Linux numbers): the bind's own error, with its errno.
        for (int errno : new int[] {24, 23, 12, 13, 0}) {
            assertFalse(ListenSockets.fallsBackToIpv4(errno), "errno " + errno);
        }
    }
}
