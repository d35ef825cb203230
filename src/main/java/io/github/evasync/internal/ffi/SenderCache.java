package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibEvent;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * The senders of a loop's recent datagrams, decoded once: a busy socket hears from the same few
 * peers again and again, and each fresh {@link InetSocketAddress} costs three objects and an
 * array copy. A small direct-mapped table keyed by the raw address and port; a miss decodes and
 * replaces. Loop thread only.
 */
final class SenderCache {
    private static final int SIZE = 64;
    private static final int AF_INET = LibEvent.AF_INET();
    private static final int AF_INET6 = LibEvent.AF_INET6();
    private static final ValueLayout.OfShort PORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong RAW = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt RAW4 = ValueLayout.JAVA_INT_UNALIGNED;

    private final long[] high = new long[SIZE];
    private final long[] low = new long[SIZE];
    private final int[] tags = new int[SIZE];
    /** IPv6 scope ids (interfaces), compared apart: mixed into the address bits, two peers could share a key. */
    private final int[] scopes = new int[SIZE];
    private final InetSocketAddress[] values = new InetSocketAddress[SIZE];

    /** {@return the address in the sockaddr at {@code offset} of {@code names}, or null for another family} */
    InetSocketAddress decode(MemorySegment names, long offset) {
        int family = names.get(ValueLayout.JAVA_SHORT, offset);
        int port = names.get(PORT, offset + 2) & 0xffff;
        long hi;
        long lo;
        int scope;
        if (family == AF_INET) {
            hi = names.get(RAW4, offset + 4) & 0xffffffffL;
            lo = 0;
            scope = 0;
        } else if (family == AF_INET6) {
            hi = names.get(RAW, offset + 8);
            lo = names.get(RAW, offset + 16);
            scope = names.get(RAW4, offset + 24);
        } else {
            return null;
        }
        int tag = (family << 16) | port;
        int slot = (int) ((hi * 0x9E3779B97F4A7C15L + lo * 31 + port + scope * 131L) >>> 58);
        InetSocketAddress v = values[slot];
        if (v != null && tags[slot] == tag && high[slot] == hi && low[slot] == lo && scopes[slot] == scope) {
            return v;
        }
        v = fresh(names, offset, family, port);
        values[slot] = v;
        tags[slot] = tag;
        high[slot] = hi;
        low[slot] = lo;
        scopes[slot] = scope;
        return v;
    }

    private static InetSocketAddress fresh(MemorySegment names, long offset, int family, int port) {
        try {
            if (family == AF_INET) {
                byte[] raw = new byte[4];
                MemorySegment.copy(names, ValueLayout.JAVA_BYTE, offset + 4, raw, 0, 4);
                return new InetSocketAddress(InetAddress.getByAddress(raw), port);
            }
            byte[] raw = new byte[16];
            MemorySegment.copy(names, ValueLayout.JAVA_BYTE, offset + 8, raw, 0, 16);
            int scope = names.get(RAW4, offset + 24);
            // A v4-mapped address comes back as an Inet4Address, so a dual-stack socket hands
            // IPv4 peers over as IPv4.
            InetAddress a = InetAddress.getByAddress(raw);
            if (scope != 0 && a instanceof java.net.Inet6Address) {
                a = java.net.Inet6Address.getByAddress(null, raw, scope);
            }
            return new InetSocketAddress(a, port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
