package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibEvent;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;

import static io.github.evasync.internal.ffi.DatagramReceive.CONTROL;
import static io.github.evasync.internal.ffi.DatagramReceive.CONTROLLEN;
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
 * Reads a datagram socket's error queue, where the kernel puts the ICMP errors that concern it
 * (a closed port's "port unreachable", with {@code IP_RECVERR} on): one {@code recvmmsg} with
 * {@code MSG_ERRQUEUE} takes up to {@link #SLOTS} of them, each with the address the failed
 * datagram went to and, in its {@code IP_RECVERR} control message, the errno. Draining the queue
 * matters beyond the report: while it holds anything the descriptor stays readable (EPOLLERR),
 * and a level-triggered read event would fire for ever. Part of the loop's receive batch; loop
 * thread only.
 */
public final class DatagramErrors {
    /** The most errors one call takes. */
    public static final int SLOTS = 8;
    private static final int FLAGS = LibEvent.MSG_ERRQUEUE() | LibEvent.MSG_DONTWAIT();
    /**
     * Room per message for one control message: a {@code cmsghdr} (length, level, type) and a
     * {@code sock_extended_err} with the offender's sockaddr after it.
     */
    private static final long CONTROL_SIZE = 128;
    /** Where a control message's data starts: CMSG_DATA on LP64, after the 16-byte cmsghdr. */
    private static final long CMSG_DATA = 16;
    /** The failed datagram's payload comes back too; only its start fits, and it is not read. */
    private static final long DISCARD = 64;

    private final MemorySegment vec;
    private final MemorySegment names;
    private final MemorySegment controls;
    private final MemorySegment state;
    private final SenderCache addresses = new SenderCache();

    DatagramErrors(Arena arena) {
        vec = arena.allocate(MMSG * SLOTS, 8);
        MemorySegment iovs = arena.allocate(IOVEC * SLOTS, 8);
        names = arena.allocate(NAME_STRIDE * SLOTS, 8);
        controls = arena.allocate(CONTROL_SIZE * SLOTS, 8);
        state = arena.allocate(FastCalls.captureStateSize(), 8);
        MemorySegment discard = arena.allocate(DISCARD, 8);
        for (int i = 0; i < SLOTS; i++) {
            long m = i * MMSG;
            iovs.set(ValueLayout.ADDRESS, i * IOVEC + IOV_BASE, discard);
            iovs.set(ValueLayout.JAVA_LONG, i * IOVEC + IOV_LEN, DISCARD);
            vec.set(ValueLayout.ADDRESS, m + NAME, names.asSlice(i * NAME_STRIDE, NAME_STRIDE));
            vec.set(ValueLayout.ADDRESS, m + IOV, iovs.asSlice(i * IOVEC, IOVEC));
            vec.set(ValueLayout.JAVA_LONG, m + IOVLEN, 1);
            vec.set(ValueLayout.ADDRESS, m + CONTROL, controls.asSlice(i * CONTROL_SIZE, CONTROL_SIZE));
        }
    }

    /** Takes up to {@link #SLOTS} errors from {@code fd}'s queue; {@return how many (0: none)} */
    public int drain(int fd) {
        for (int i = 0; i < SLOTS; i++) {
            long m = i * MMSG;
            vec.set(ValueLayout.JAVA_INT, m + NAMELEN, NAME_SIZE);
            vec.set(ValueLayout.JAVA_LONG, m + CONTROLLEN, CONTROL_SIZE);
            controls.set(ValueLayout.JAVA_INT, i * CONTROL_SIZE + CMSG_DATA, 0);
        }
        int n = DatagramCalls.recvmmsg(state, fd, vec, SLOTS, FLAGS);
        return Math.max(n, 0);
    }

    /** {@return the errno of error {@code i} (0 when its control message was missing)} */
    public int errno(int i) {
        long controllen = vec.get(ValueLayout.JAVA_LONG, i * MMSG + CONTROLLEN);
        return controllen >= CMSG_DATA + 4 ? controls.get(ValueLayout.JAVA_INT, i * CONTROL_SIZE + CMSG_DATA) : 0;
    }

    /** {@return where the datagram that failed was going, or null} */
    public InetSocketAddress address(int i) {
        return addresses.decode(names, i * NAME_STRIDE);
    }
}
