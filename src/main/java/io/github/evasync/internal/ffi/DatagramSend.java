package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibEvent;
import io.github.evasync.internal.libevent.sockaddr_in;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteOrder;

import static io.github.evasync.internal.ffi.DatagramReceive.IOV;
import static io.github.evasync.internal.ffi.DatagramReceive.IOVEC;
import static io.github.evasync.internal.ffi.DatagramReceive.IOVLEN;
import static io.github.evasync.internal.ffi.DatagramReceive.IOV_BASE;
import static io.github.evasync.internal.ffi.DatagramReceive.IOV_LEN;
import static io.github.evasync.internal.ffi.DatagramReceive.MMSG;
import static io.github.evasync.internal.ffi.DatagramReceive.NAME;
import static io.github.evasync.internal.ffi.DatagramReceive.NAMELEN;
import static io.github.evasync.internal.ffi.DatagramReceive.NAME_SIZE;
import static io.github.evasync.internal.ffi.DatagramReceive.NAME_STRIDE;

/**
 * A loop's send batch: the datagrams a socket flushes in one {@code sendmmsg}, copied once from
 * their arrays into native slots beside their destinations. Made with the loop's first UDP
 * socket and shared by all of them (a flush fills, sends and clears it without calling out).
 * Holds up to {@link #MAX} datagrams and {@link #BUDGET} bytes; any single datagram fits. One
 * datagram goes with a plain {@code sendto}. Memory as {@link DatagramReceive}'s. Loop thread only.
 */
public final class DatagramSend {
    /** The most datagrams one call sends. */
    public static final int MAX = 64;
    /** The bytes of datagrams one call sends at most: more than any one datagram. */
    private static final long BUDGET = 256 * 1024;
    private static final int FLAGS = LibEvent.MSG_DONTWAIT();
    private static final int EAGAIN = LibEvent.EAGAIN();
    private static final int EWOULDBLOCK = LibEvent.EWOULDBLOCK();
    private static final short AF_INET = (short) LibEvent.AF_INET();
    private static final short AF_INET6 = (short) LibEvent.AF_INET6();
    private static final int SOCKADDR_IN = (int) sockaddr_in.layout().byteSize();
    private static final ValueLayout.OfShort PORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** What {@link #send} returns when the socket's buffer is full. */
    public static final int FULL = Integer.MIN_VALUE;

    private final MemorySegment vec;
    private final MemorySegment iovs;
    private final MemorySegment names;
    private final MemorySegment data;
    private final MemorySegment state;
    private int count;
    private long used;

    /** Makes the batch. */
    public DatagramSend() {
        Arena arena = Arena.ofAuto();
        vec = arena.allocate(MMSG * MAX, 8);
        iovs = arena.allocate(IOVEC * MAX, 8);
        names = arena.allocate(NAME_STRIDE * MAX, 8);
        data = arena.allocate(BUDGET, 16);
        state = arena.allocate(FastCalls.captureStateSize(), 8);
        for (int i = 0; i < MAX; i++) {
            long m = i * MMSG;
            vec.set(ValueLayout.ADDRESS, m + NAME, names.asSlice(i * NAME_STRIDE, NAME_STRIDE));
            vec.set(ValueLayout.ADDRESS, m + IOV, iovs.asSlice(i * IOVEC, IOVEC));
            vec.set(ValueLayout.JAVA_LONG, m + IOVLEN, 1);
        }
    }

    /** {@return how many datagrams are in the batch} */
    public int count() {
        return count;
    }

    /**
     * Adds a datagram for {@code to:port}; an IPv4 address on an IPv6 socket goes as its
     * v4-mapped form. {@return false, adding nothing, when the batch is full}
     */
    public boolean add(byte[] bytes, InetAddress to, int port, boolean ipv6Socket) {
        if (count == MAX || used + bytes.length > BUDGET) {
            return false;
        }
        int i = count;
        long start = used;
        MemorySegment.copy(bytes, 0, data, ValueLayout.JAVA_BYTE, start, bytes.length);
        long v = i * IOVEC;
        iovs.set(ValueLayout.ADDRESS, v + IOV_BASE, data.asSlice(start, bytes.length));
        iovs.set(ValueLayout.JAVA_LONG, v + IOV_LEN, bytes.length);
        long n = i * NAME_STRIDE;
        byte[] raw = to.getAddress();
        int nameLength;
        if (!ipv6Socket) {
            names.set(ValueLayout.JAVA_SHORT, n, AF_INET);
            names.set(PORT, n + 2, (short) port);
            MemorySegment.copy(raw, 0, names, ValueLayout.JAVA_BYTE, n + 4, 4);
            names.set(ValueLayout.JAVA_LONG, n + 8, 0);
            nameLength = SOCKADDR_IN;
        } else {
            names.set(ValueLayout.JAVA_SHORT, n, AF_INET6);
            names.set(PORT, n + 2, (short) port);
            names.set(ValueLayout.JAVA_INT, n + 4, 0);
            if (to instanceof Inet4Address) {
                names.set(ValueLayout.JAVA_LONG, n + 8, 0);
                names.set(ValueLayout.JAVA_INT, n + 16, mappedPrefix());
                MemorySegment.copy(raw, 0, names, ValueLayout.JAVA_BYTE, n + 20, 4);
                names.set(ValueLayout.JAVA_INT, n + 24, 0);
            } else {
                MemorySegment.copy(raw, 0, names, ValueLayout.JAVA_BYTE, n + 8, 16);
                names.set(ValueLayout.JAVA_INT, n + 24, ((Inet6Address) to).getScopeId());
            }
            nameLength = NAME_SIZE;
        }
        vec.set(ValueLayout.JAVA_INT, i * MMSG + NAMELEN, nameLength);
        count = i + 1;
        used = start + ((bytes.length + 7) & -8);
        return true;
    }

    /** The bytes 00 00 ff ff, in native order, for the int before a v4-mapped address. */
    private static int mappedPrefix() {
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? 0xffff0000 : 0x0000ffff;
    }

    /**
     * Sends the batch on {@code fd}: {@return how many datagrams went, from the first; {@link
     * #FULL} when the socket's buffer took none; or minus the errno with which the first failed}
     */
    public int send(int fd) {
        if (count == 1) {
            long r = DatagramCalls.sendto(state, fd, iovs.get(ValueLayout.ADDRESS, IOV_BASE),
                    iovs.get(ValueLayout.JAVA_LONG, IOV_LEN), FLAGS, vec.get(ValueLayout.ADDRESS, NAME),
                    vec.get(ValueLayout.JAVA_INT, NAMELEN));
            return r >= 0 ? 1 : failure();
        }
        int r = DatagramCalls.sendmmsg(state, fd, vec, count, FLAGS);
        return r >= 0 ? r : failure();
    }

    private int failure() {
        int errno = FastCalls.errno(state);
        return errno == EAGAIN || errno == EWOULDBLOCK ? FULL : -errno;
    }

    /** Empties the batch. */
    public void clear() {
        count = 0;
        used = 0;
    }
}
