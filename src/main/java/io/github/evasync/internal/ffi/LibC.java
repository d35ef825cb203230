package io.github.evasync.internal.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The few C library calls the native layer makes itself: the loop's wakeup descriptor,
 * {@code strerror} for condition texts, and a memory stream for libevent's status dump. These
 * are POSIX, not libevent, so they are bound by hand rather than generated.
 */
public final class LibC {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup C = LINKER.defaultLookup();
    private static final ValueLayout.OfLong SIZE_T = ValueLayout.JAVA_LONG;

    private static final MethodHandle EVENTFD = optional("eventfd",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle WRITE = required("write",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, SIZE_T));
    private static final MethodHandle READ = required("read",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, SIZE_T));
    private static final MethodHandle CLOSE = required("close",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle STRERROR = required("strerror",
            FunctionDescriptor.of(ValueLayout.ADDRESS.withTargetLayout(
                    java.lang.foreign.MemoryLayout.sequenceLayout(Long.MAX_VALUE, ValueLayout.JAVA_BYTE)),
                    ValueLayout.JAVA_INT));
    private static final MethodHandle ERRNO_LOCATION = required("__errno_location",
            FunctionDescriptor.of(ValueLayout.ADDRESS.withTargetLayout(ValueLayout.JAVA_INT)));
    private static final MethodHandle GETSOCKNAME = required("getsockname",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle GETPEERNAME = required("getpeername",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle SETSOCKOPT = required("setsockopt",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle OPEN_MEMSTREAM = required("open_memstream",
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle FCLOSE = required("fclose",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle FREE = required("free",
            FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
    /** {@code fcntl(fd, cmd, ...)}, variadic after the command. */
    private static final MethodHandle FCNTL = C.find("fcntl").map(a -> LINKER.downcallHandle(a,
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(2))).orElseThrow(() -> new UnsatisfiedLinkError("fcntl"));
    private static final int F_GETFD = 1;

    /** eventfd flags: EFD_NONBLOCK | EFD_CLOEXEC on Linux. */
    private static final int EFD_FLAGS = 04000 | 02000000;

    private LibC() {
    }

    /** Whether {@link #eventfd()} exists on this platform. */
    public static boolean hasEventfd() {
        return EVENTFD != null;
    }

    /** A non-blocking, close-on-exec eventfd, or -1. */
    public static int eventfd() {
        try {
            return (int) EVENTFD.invokeExact(0, EFD_FLAGS);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code write(2)}; returns the byte count or -1. */
    public static long write(int fd, MemorySegment buf, long len) {
        try {
            return (long) WRITE.invokeExact(fd, buf, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code read(2)}; returns the byte count, 0 at end, or -1. */
    public static long read(int fd, MemorySegment buf, long len) {
        try {
            return (long) READ.invokeExact(fd, buf, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Whether {@code fd} is an open descriptor of this process ({@code fcntl(F_GETFD)}); asked
     * before libevent sizes its tables by the descriptor's number.
     */
    public static boolean isOpen(int fd) {
        try {
            return (int) FCNTL.invokeExact(fd, F_GETFD, 0) >= 0;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code close(2)}. */
    public static int close(int fd) {
        try {
            return (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The calling thread's errno. */
    public static int errno() {
        try {
            MemorySegment p = (MemorySegment) ERRNO_LOCATION.invokeExact();
            return p.get(ValueLayout.JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code getsockname(2)} into {@code addr} (a sockaddr_storage), or -1. */
    public static int getsockname(int fd, MemorySegment addr, MemorySegment lenp) {
        try {
            return (int) GETSOCKNAME.invokeExact(fd, addr, lenp);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code getpeername(2)} into {@code addr} (a sockaddr_storage), or -1. */
    public static int getpeername(int fd, MemorySegment addr, MemorySegment lenp) {
        try {
            return (int) GETPEERNAME.invokeExact(fd, addr, lenp);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code setsockopt(2)} with an int value. */
    public static int setsockopt(int fd, int level, int name, MemorySegment intValue) {
        try {
            return (int) SETSOCKOPT.invokeExact(fd, level, name, intValue, 4);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The C library's text for an errno value. */
    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Runs {@code writer} with a C {@code FILE *} that writes to memory, and returns what it
     * wrote as a string.
     */
    public static String captureFile(java.util.function.Consumer<MemorySegment> writer) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bufp = arena.allocate(ValueLayout.ADDRESS);
            MemorySegment sizep = arena.allocate(SIZE_T);
            MemorySegment file = (MemorySegment) OPEN_MEMSTREAM.invokeExact(bufp, sizep);
            if (file.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("open_memstream failed");
            }
            try {
                writer.accept(file);
            } finally {
                int ignored = (int) FCLOSE.invokeExact(file);
            }
            MemorySegment buf = bufp.get(ValueLayout.ADDRESS, 0);
            long size = sizep.get(SIZE_T, 0);
            try {
                return size == 0 ? "" : buf.reinterpret(size + 1).getString(0);
            } finally {
                FREE.invokeExact(buf);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static MethodHandle required(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(C.find(name).orElseThrow(
                () -> new UnsatisfiedLinkError("C library symbol not found: " + name)), fd);
    }

    private static MethodHandle optional(String name, FunctionDescriptor fd) {
        return C.find(name).map(a -> LINKER.downcallHandle(a, fd)).orElse(null);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }
}
