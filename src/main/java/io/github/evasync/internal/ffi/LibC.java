package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibEvent;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The few C library calls the native layer makes itself: the loop's wakeup descriptor,
 * {@code strerror} for condition texts, and a memory stream for libevent's status dump. They
 * are POSIX, not libevent; jextract generates them with the rest (jextract/includes.txt), and
 * this class is their one typed wrapper.
 */
public final class LibC {
    private static final ValueLayout.OfLong SIZE_T = ValueLayout.JAVA_LONG;

    /** Not every platform has eventfd; the generated binding would only fail on first call. */
    private static final boolean HAS_EVENTFD = Linker.nativeLinker().defaultLookup().find("eventfd").isPresent();
    private static final int EFD_FLAGS = LibEvent.EFD_NONBLOCK() | LibEvent.EFD_CLOEXEC();
    private static final int F_GETFD = LibEvent.F_GETFD();

    /** errno: the peer refused the connection. */
    public static final int ECONNREFUSED = LibEvent.ECONNREFUSED();
    /** errno: the address (a port, a socket file) is in use. */
    public static final int EADDRINUSE = LibEvent.EADDRINUSE();
    /** errno: no such file. */
    public static final int ENOENT = LibEvent.ENOENT();
    /** errno: a non-blocking connect has started. */
    public static final int EINPROGRESS = LibEvent.EINPROGRESS();

    /**
     * {@code fcntl(fd, cmd, int)}: the variadic part specialised once, in a holder that
     * {@link Linking} initialises as the first loop opens.
     */
    private static final class Fcntl {
        static final LibEvent.fcntl INT = LibEvent.fcntl.makeInvoker(LibEvent.C_INT);
    }

    private LibC() {
    }

    /** Whether {@link #eventfd()} exists on this platform. */
    public static boolean hasEventfd() {
        return HAS_EVENTFD;
    }

    /** A non-blocking, close-on-exec eventfd, or -1. */
    public static int eventfd() {
        return LibEvent.eventfd(0, EFD_FLAGS);
    }

    /** {@code write(2)}; returns the byte count or -1. */
    public static long write(int fd, MemorySegment buf, long len) {
        return LibEvent.write(fd, buf, len);
    }

    /** {@code read(2)}; returns the byte count, 0 at end, or -1. */
    public static long read(int fd, MemorySegment buf, long len) {
        return LibEvent.read(fd, buf, len);
    }

    /**
     * Whether {@code fd} is an open descriptor of this process ({@code fcntl(F_GETFD)}); asked
     * before libevent sizes its tables by the descriptor's number.
     */
    public static boolean isOpen(int fd) {
        return Fcntl.INT.apply(fd, F_GETFD, 0) >= 0;
    }

    /** {@code close(2)}. */
    public static int close(int fd) {
        return LibEvent.close(fd);
    }

    /** The calling thread's errno. */
    public static int errno() {
        return LibEvent.__errno_location().get(ValueLayout.JAVA_INT, 0);
    }

    /** {@code getsockname(2)} into {@code addr} (a sockaddr_storage), or -1. */
    public static int getsockname(int fd, MemorySegment addr, MemorySegment lenp) {
        return LibEvent.getsockname(fd, addr, lenp);
    }

    /** {@code getpeername(2)} into {@code addr} (a sockaddr_storage), or -1. */
    public static int getpeername(int fd, MemorySegment addr, MemorySegment lenp) {
        return LibEvent.getpeername(fd, addr, lenp);
    }

    /** {@code setsockopt(2)} with an int value. */
    public static int setsockopt(int fd, int level, int name, MemorySegment intValue) {
        return LibEvent.setsockopt(fd, level, name, intValue, (int) ValueLayout.JAVA_INT.byteSize());
    }

    /** The C library's text for an errno value. */
    public static String strerror(int errno) {
        return LibEvent.strerror(errno).getString(0);
    }

    /** getaddrinfo's text for one of its error codes (a failed host name lookup). */
    public static String gaiStrerror(int code) {
        return LibEvent.evutil_gai_strerror(code).getString(0);
    }

    /**
     * Runs {@code writer} with a C {@code FILE *} that writes to memory, and returns what it
     * wrote as a string.
     */
    public static String captureFile(java.util.function.Consumer<MemorySegment> writer) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bufp = arena.allocate(ValueLayout.ADDRESS);
            MemorySegment sizep = arena.allocate(SIZE_T);
            MemorySegment file = LibEvent.open_memstream(bufp, sizep);
            if (file.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("open_memstream failed");
            }
            try {
                writer.accept(file);
            } finally {
                LibEvent.fclose(file);
            }
            MemorySegment buf = bufp.get(ValueLayout.ADDRESS, 0);
            long size = sizep.get(SIZE_T, 0);
            try {
                return size == 0 ? "" : buf.reinterpret(size + 1).getString(0);
            } finally {
                LibEvent.free(buf);
            }
        }
    }
}
