package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibEvent;
import io.github.evasync.internal.libevent.iovec;
import io.github.evasync.internal.libevent.mmsghdr;
import io.github.evasync.internal.libevent.msghdr;
import io.github.evasync.internal.libevent.sockaddr_in6;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;

/**
 * A loop's receive batch: the vectors of one {@code recvmmsg}, made when the loop's first UDP
 * socket opens and shared by all of them (one socket reads at a time, and what a call put here is
 * copied out before any callback runs). Each message has a slot as large as the reading socket's
 * largest datagram, so the slots that fit in {@link #BUDGET} bytes, at most {@link #MAX_SLOTS},
 * make one batch: 16 with the default 65527-byte slots, 64 for slots of 16 KiB or less.
 * {@code MSG_TRUNC} makes the kernel report a larger datagram's real length, so it is told apart
 * and reported, never delivered cut.
 *
 * <p>The memory belongs to an automatic arena, freed once the loop is unreachable: tasks still
 * run while a loop closes, after its sockets, so no point of the closing comes after the last use.
 * Loop thread only.
 */
public final class DatagramReceive {
    /** The most messages one call asks for. */
    public static final int MAX_SLOTS = 64;
    /** The bytes of slots a batch may hold (the descriptors come on top). */
    private static final long BUDGET = 1 << 20;
    private static final int MSG_TRUNC = LibEvent.MSG_TRUNC();
    private static final int FLAGS = LibEvent.MSG_DONTWAIT() | MSG_TRUNC;
    private static final int EAGAIN = LibEvent.EAGAIN();
    private static final int EWOULDBLOCK = LibEvent.EWOULDBLOCK();
    private static final int EINTR = LibEvent.EINTR();

    static final long MMSG = mmsghdr.layout().byteSize();
    static final long HDR = mmsghdr.layout().byteOffset(PathElement.groupElement("msg_hdr"));
    static final long LEN = mmsghdr.layout().byteOffset(PathElement.groupElement("msg_len"));
    static final long NAME = HDR + msghdr.layout().byteOffset(PathElement.groupElement("msg_name"));
    static final long NAMELEN = HDR + msghdr.layout().byteOffset(PathElement.groupElement("msg_namelen"));
    static final long IOV = HDR + msghdr.layout().byteOffset(PathElement.groupElement("msg_iov"));
    static final long IOVLEN = HDR + msghdr.layout().byteOffset(PathElement.groupElement("msg_iovlen"));
    static final long CONTROL = HDR + msghdr.layout().byteOffset(PathElement.groupElement("msg_control"));
    static final long CONTROLLEN = HDR + msghdr.layout().byteOffset(PathElement.groupElement("msg_controllen"));
    static final long MSGFLAGS = HDR + msghdr.layout().byteOffset(PathElement.groupElement("msg_flags"));
    static final long IOVEC = iovec.layout().byteSize();
    static final long IOV_BASE = iovec.layout().byteOffset(PathElement.groupElement("iov_base"));
    static final long IOV_LEN = iovec.layout().byteOffset(PathElement.groupElement("iov_len"));
    /** A sockaddr_in6 holds either family; the stride keeps each 8-aligned. */
    static final int NAME_SIZE = (int) sockaddr_in6.layout().byteSize();
    static final long NAME_STRIDE = (NAME_SIZE + 7) & -8;

    private final MemorySegment vec;
    private final MemorySegment iovs;
    private final MemorySegment names;
    private final MemorySegment state;
    private final SenderCache senders = new SenderCache();
    private final DatagramErrors errors;
    private MemorySegment data = MemorySegment.NULL;
    private int slotSize;
    private int slots;

    /** Makes the batch's descriptors; the slots come with the first {@link #receive}. */
    public DatagramReceive() {
        Arena arena = Arena.ofAuto();
        vec = arena.allocate(MMSG * MAX_SLOTS, 8);
        iovs = arena.allocate(IOVEC * MAX_SLOTS, 8);
        names = arena.allocate(NAME_STRIDE * MAX_SLOTS, 8);
        state = arena.allocate(FastCalls.captureStateSize(), 8);
        errors = new DatagramErrors(arena);
        for (int i = 0; i < MAX_SLOTS; i++) {
            long m = i * MMSG;
            vec.set(ValueLayout.ADDRESS, m + NAME, names.asSlice(i * NAME_STRIDE, NAME_STRIDE));
            vec.set(ValueLayout.ADDRESS, m + IOV, iovs.asSlice(i * IOVEC, IOVEC));
            vec.set(ValueLayout.JAVA_LONG, m + IOVLEN, 1);
        }
    }

    /** {@return how many messages one call takes for datagrams of up to {@code slotSize} bytes} */
    public static int slotsFor(int slotSize) {
        return (int) Math.max(1, Math.min(MAX_SLOTS, BUDGET / slotSize));
    }

    /**
     * One {@code recvmmsg} on {@code fd} for datagrams of up to {@code slotSize} bytes: {@return
     * the count received (at most {@link #slotsFor}), 0 when nothing is waiting, or minus errno}
     */
    public int receive(int fd, int slotSize) {
        if (slotSize != this.slotSize) {
            layOut(slotSize);
        }
        for (int i = 0; i < slots; i++) {
            vec.set(ValueLayout.JAVA_INT, i * MMSG + NAMELEN, NAME_SIZE);
        }
        int n = DatagramCalls.recvmmsg(state, fd, vec, slots, FLAGS);
        if (n >= 0) {
            return n;
        }
        int errno = FastCalls.errno(state);
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -errno;
    }

    private void layOut(int size) {
        int count = slotsFor(size);
        long need = (long) count * size;
        if (data.byteSize() < need) {
            // A fresh automatic arena: the smaller slots before it go with their own.
            data = Arena.ofAuto().allocate(need, 16);
        }
        for (int i = 0; i < count; i++) {
            long v = i * IOVEC;
            iovs.set(ValueLayout.ADDRESS, v + IOV_BASE, data.asSlice((long) i * size, size));
            iovs.set(ValueLayout.JAVA_LONG, v + IOV_LEN, size);
        }
        slotSize = size;
        slots = count;
    }

    /** {@return the real length of message {@code i}, which may exceed the slot} */
    public int length(int i) {
        return vec.get(ValueLayout.JAVA_INT, i * MMSG + LEN);
    }

    /** {@return whether message {@code i} was larger than its slot, so cut by the kernel} */
    public boolean truncated(int i) {
        return (vec.get(ValueLayout.JAVA_INT, i * MMSG + MSGFLAGS) & MSG_TRUNC) != 0 || length(i) > slotSize;
    }

    /** {@return message {@code i}'s bytes, in a new array} */
    public byte[] copy(int i) {
        byte[] out = new byte[length(i)];
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, (long) i * slotSize, out, 0, out.length);
        return out;
    }

    /** {@return who sent message {@code i}} */
    public InetSocketAddress sender(int i) {
        return senders.decode(names, i * NAME_STRIDE);
    }

    /** {@return the loop's reader of sockets' error queues} */
    public DatagramErrors errors() {
        return errors;
    }
}
