package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibEvent;

import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The datagram socket calls (beside {@link FastCalls}' socket, bind and setsockopt, which they
 * share with the stream sockets), hand-made so that each captures {@code errno} the moment it returns
 * (a plain downcall's errno may be overwritten by the JVM before Java reads it). The receive and
 * send calls are critical: on a non-blocking socket with {@code MSG_DONTWAIT} they never block
 * and never call back, and they only touch native memory, so the thread-state switch a plain
 * downcall pays is saved on every batch. Each handle lives in its own holder class, which
 * {@link Linking} initialises on a fresh thread as the first loop opens.
 */
final class DatagramCalls {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final Linker.Option CRITICAL = Linker.Option.critical(false);

    private static final class Getsockopt {
        static final MethodHandle HANDLE = LINKER.downcallHandle(
                LibEvent.getsockopt$address(), LibEvent.getsockopt$descriptor(), ERRNO);
    }

    private static final class Recvmmsg {
        static final MethodHandle HANDLE = LINKER.downcallHandle(
                LibEvent.recvmmsg$address(), LibEvent.recvmmsg$descriptor(), CRITICAL, ERRNO);
    }

    private static final class Sendmmsg {
        static final MethodHandle HANDLE = LINKER.downcallHandle(
                LibEvent.sendmmsg$address(), LibEvent.sendmmsg$descriptor(), CRITICAL, ERRNO);
    }

    private static final class Sendto {
        static final MethodHandle HANDLE = LINKER.downcallHandle(
                LibEvent.sendto$address(), LibEvent.sendto$descriptor(), CRITICAL, ERRNO);
    }

    private DatagramCalls() {
    }

    static int getsockopt(MemorySegment state, int fd, int level, int name, MemorySegment value, MemorySegment len) {
        try {
            return (int) Getsockopt.HANDLE.invokeExact(state, fd, level, name, value, len);
        } catch (Throwable t) {
            throw FastCalls.rethrown(t);
        }
    }

    static int recvmmsg(MemorySegment state, int fd, MemorySegment vec, int vlen, int flags) {
        try {
            return (int) Recvmmsg.HANDLE.invokeExact(state, fd, vec, vlen, flags, MemorySegment.NULL);
        } catch (Throwable t) {
            throw FastCalls.rethrown(t);
        }
    }

    static int sendmmsg(MemorySegment state, int fd, MemorySegment vec, int vlen, int flags) {
        try {
            return (int) Sendmmsg.HANDLE.invokeExact(state, fd, vec, vlen, flags);
        } catch (Throwable t) {
            throw FastCalls.rethrown(t);
        }
    }

    static long sendto(MemorySegment state, int fd, MemorySegment buf, long len, int flags, MemorySegment addr, int addrLen) {
        try {
            return (long) Sendto.HANDLE.invokeExact(state, fd, buf, len, flags, addr, addrLen);
        } catch (Throwable t) {
            throw FastCalls.rethrown(t);
        }
    }
}
