package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The senders' cache tells every (address, interface, port) apart, and still hits on a repeat. */
@Timeout(10)
class SenderCacheTest {
    private static MemorySegment sockaddr6(Arena arena, byte[] address, int scope, int port) {
        MemorySegment sa = arena.allocate(DatagramReceive.NAME_STRIDE, 8);
        sa.set(ValueLayout.JAVA_SHORT, 0, (short) LibEvent.AF_INET6());
        sa.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) port);
        MemorySegment.copy(address, 0, sa, ValueLayout.JAVA_BYTE, 8, 16);
        sa.set(ValueLayout.JAVA_INT, 24, scope);
        return sa;
    }

    @Test
    void twoLinkLocalPeersWhoseAddressAndScopeMixToTheSameBitsStayApart() throws Exception {
        // fe80::2 on interface 1 and fe80::600:0:0:2 on interface 2: mixing the scope into the
        // address's low bits (scope << 1, xor) gives both the same key.
        byte[] a = new byte[16];
        a[0] = (byte) 0xfe;
        a[1] = (byte) 0x80;
        a[15] = 2;
        byte[] b = a.clone();
        b[ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? 8 : 15] ^= 0x06;
        try (Arena arena = Arena.ofConfined()) {
            SenderCache cache = new SenderCache();
            InetSocketAddress first = cache.decode(sockaddr6(arena, a, 1, 5000), 0);
            InetSocketAddress second = cache.decode(sockaddr6(arena, b, 2, 5000), 0);
            assertEquals(Inet6Address.getByAddress(null, b, 2), second.getAddress());
            assertEquals(2, ((Inet6Address) second.getAddress()).getScopeId());
            assertEquals(Inet6Address.getByAddress(null, a, 1), first.getAddress());
            // The same address on another interface is another peer too.
            InetSocketAddress third = cache.decode(sockaddr6(arena, a, 3, 5000), 0);
            assertEquals(3, ((Inet6Address) third.getAddress()).getScopeId());
            // A repeat still hits.
            assertSame(third, cache.decode(sockaddr6(arena, a, 3, 5000), 0));
        }
    }
}
