package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibEvent;

import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Hand-made downcall handles for the byte paths (DESIGN.md, mechanism 6): critical calls that
 * may read and write Java heap arrays in place, so a read copies once from the evbuffer into
 * the user's {@code byte[]} and a write copies once from it into the evbuffer. These libevent
 * functions never call back into Java and never block, which is what a critical call requires.
 * Also the calls whose {@code errno} we need, captured by the linker the moment they return.
 *
 * <p>A critical call must never reach Java. libevent's evbuffer functions allocate and free,
 * which is C's malloc and free unless {@link AllocationCounter} has routed them into Java for a
 * leak test; then these calls go through ordinary downcalls and a native copy instead.
 */
public final class FastCalls {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option HEAP = Linker.Option.critical(true);
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final long ERRNO_OFFSET = Linker.Option.captureStateLayout()
            .byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));

    /** Whether libevent's allocator is C's, so that critical calls into libevent cannot reach Java. */
    private static final boolean CRITICAL = !AllocationCounter.installed();
    private static final int MSG_NOSIGNAL = LibEvent.MSG_NOSIGNAL();

    // One holder class per handle, as jextract makes for its own: Linking initialises them all
    // on a fresh thread as the first loop opens, so no handle is linked later at whatever
    // stack depth its first call happens (where an overflow would break it for good).
    private static final class Write {
        static final MethodHandle HANDLE = LINKER.downcallHandle(
                LibEvent.bufferevent_write$address(), LibEvent.bufferevent_write$descriptor(), HEAP);
    }

    private static final class Remove {
        static final MethodHandle HANDLE = LINKER.downcallHandle(
                LibEvent.evbuffer_remove$address(), LibEvent.evbuffer_remove$descriptor(), HEAP);
    }

    private static final class Copyout {
        static final MethodHandle HANDLE = LINKER.downcallHandle(
                LibEvent.evbuffer_copyout$address(), LibEvent.evbuffer_copyout$descriptor(), HEAP);
    }

    private static final class Length {
        static final MethodHandle HANDLE = LINKER.downcallHandle(
                LibEvent.evbuffer_get_length$address(), LibEvent.evbuffer_get_length$descriptor(),
                Linker.Option.critical(false));
    }

    private static final class Send {
        static final MethodHandle HANDLE = LINKER.downcallHandle(
                LibEvent.send$address(), LibEvent.send$descriptor(), HEAP);
    }

    private static final class Recv {
        // recv never calls back into Java or libevent's allocator, so it may stay critical even
        // while AllocationCounter is installed.
        static final MethodHandle HANDLE = LINKER.downcallHandle(
                LibEvent.recv$address(), LibEvent.recv$descriptor(), HEAP, ERRNO);
    }

    private static final class ListenerNewBind {
        static final MethodHandle HANDLE = LINKER.downcallHandle(
                LibEvent.evconnlistener_new_bind$address(), LibEvent.evconnlistener_new_bind$descriptor(), ERRNO);
    }

    private static final class SocketConnect {
        static final MethodHandle HANDLE = LINKER.downcallHandle(
                LibEvent.bufferevent_socket_connect$address(), LibEvent.bufferevent_socket_connect$descriptor(), ERRNO);
    }

    private static final class ListenerNew {
        static final MethodHandle HANDLE = LINKER.downcallHandle(
                LibEvent.evconnlistener_new$address(), LibEvent.evconnlistener_new$descriptor(), ERRNO);
    }

    private static final class Socket {
        static final MethodHandle HANDLE = LINKER.downcallHandle(
                LibEvent.socket$address(), LibEvent.socket$descriptor(), ERRNO);
    }

    private static final class Bind {
        static final MethodHandle HANDLE = LINKER.downcallHandle(
                LibEvent.bind$address(), LibEvent.bind$descriptor(), ERRNO);
    }

    private static final class Setsockopt {
        static final MethodHandle HANDLE = LINKER.downcallHandle(
                LibEvent.setsockopt$address(), LibEvent.setsockopt$descriptor(), ERRNO);
    }

    private static final class Shutdown {
        static final MethodHandle HANDLE = LINKER.downcallHandle(
                LibEvent.shutdown$address(), LibEvent.shutdown$descriptor(), ERRNO);
    }

    private FastCalls() {
    }

    /**
     * What a handle's failure becomes. A downcall declares no checked exception, so what comes
     * out is an {@link Error} (a StackOverflowError at the call, most likely) or a
     * RuntimeException: it goes on as it is, so that callers see the real cause. Anything else
     * is a bug.
     */
    static Error rethrown(Throwable t) {
        if (t instanceof Error e) {
            return e;
        }
        if (t instanceof RuntimeException r) {
            throw r;
        }
        return new AssertionError(t);
    }

    /** Memory for {@link #errno(MemorySegment)}: allocate once per call site owner. */
    public static long captureStateSize() {
        return Linker.Option.captureStateLayout().byteSize();
    }

    /** The errno a capturing call stored in {@code state}. */
    public static int errno(MemorySegment state) {
        return state.get(ValueLayout.JAVA_INT, ERRNO_OFFSET);
    }

    /** {@code bufferevent_write} straight from a heap array (or any segment). */
    public static int bufferevent_write(MemorySegment bev, MemorySegment data, long len) {
        if (!CRITICAL) {
            try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
                MemorySegment copy = a.allocate(Math.max(1, len));
                MemorySegment.copy(data, 0, copy, 0, len);
                return LibEvent.bufferevent_write(bev, copy, len);
            }
        }
        try {
            return (int) Write.HANDLE.invokeExact(bev, data, len);
        } catch (Throwable t) {
            throw rethrown(t);
        }
    }

    /**
     * {@code send(fd, data, len, MSG_NOSIGNAL)} straight from a heap array (or any segment): a
     * non-blocking socket takes what fits and returns the count, or -1 (EAGAIN when full).
     * MSG_NOSIGNAL: a peer that has gone gives EPIPE, not a SIGPIPE.
     */
    public static long send(int fd, MemorySegment data, long len) {
        try {
            return (long) Send.HANDLE.invokeExact(fd, data, len, MSG_NOSIGNAL);
        } catch (Throwable t) {
            throw rethrown(t);
        }
    }

    /**
     * {@code recv(fd, data, len, 0)} straight into a heap array (or any segment), storing errno
     * in {@code state}: on a non-blocking socket, the count read, 0 at end of stream, or -1
     * (EAGAIN when nothing is waiting).
     */
    public static long recv(MemorySegment state, int fd, MemorySegment data, long len) {
        try {
            return (long) Recv.HANDLE.invokeExact(state, fd, data, len, 0);
        } catch (Throwable t) {
            throw rethrown(t);
        }
    }

    /** {@code evbuffer_remove} straight into a heap array (or any segment). */
    public static int evbuffer_remove(MemorySegment buf, MemorySegment data, long len) {
        if (!CRITICAL) {
            try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
                MemorySegment copy = a.allocate(Math.max(1, len));
                int n = LibEvent.evbuffer_remove(buf, copy, len);
                if (n > 0) {
                    MemorySegment.copy(copy, 0, data, 0, n);
                }
                return n;
            }
        }
        try {
            return (int) Remove.HANDLE.invokeExact(buf, data, len);
        } catch (Throwable t) {
            throw rethrown(t);
        }
    }

    /** {@code evbuffer_copyout} straight into a heap array (or any segment): peeks without draining. */
    public static long evbuffer_copyout(MemorySegment buf, MemorySegment data, long len) {
        try {
            return (long) Copyout.HANDLE.invokeExact(buf, data, len);
        } catch (Throwable t) {
            throw rethrown(t);
        }
    }

    /** {@code evbuffer_get_length}. */
    public static long evbuffer_get_length(MemorySegment buf) {
        try {
            return (long) Length.HANDLE.invokeExact(buf);
        } catch (Throwable t) {
            throw rethrown(t);
        }
    }

    /** {@code evconnlistener_new_bind}, storing errno in {@code state}. */
    public static MemorySegment evconnlistener_new_bind(MemorySegment state, MemorySegment base, MemorySegment cb,
                                                        MemorySegment arg, int flags, int backlog,
                                                        MemorySegment sa, int len) {
        try {
            return (MemorySegment) ListenerNewBind.HANDLE.invokeExact(state, base, cb, arg, flags, backlog, sa, len);
        } catch (Throwable t) {
            throw rethrown(t);
        }
    }

    /** {@code bufferevent_socket_connect}, storing errno in {@code state}. */
    public static int bufferevent_socket_connect(MemorySegment state, MemorySegment bev, MemorySegment sa, int len) {
        try {
            return (int) SocketConnect.HANDLE.invokeExact(state, bev, sa, len);
        } catch (Throwable t) {
            throw rethrown(t);
        }
    }

    /** {@code evconnlistener_new} on a socket we bound ourselves, storing errno (of its listen) in {@code state}. */
    public static MemorySegment evconnlistener_new(MemorySegment state, MemorySegment base, MemorySegment cb,
                                                   MemorySegment arg, int flags, int backlog, int fd) {
        try {
            return (MemorySegment) ListenerNew.HANDLE.invokeExact(state, base, cb, arg, flags, backlog, fd);
        } catch (Throwable t) {
            throw rethrown(t);
        }
    }

    /** {@code socket(2)}, storing errno in {@code state}. */
    public static int socket(MemorySegment state, int domain, int type, int protocol) {
        try {
            return (int) Socket.HANDLE.invokeExact(state, domain, type, protocol);
        } catch (Throwable t) {
            throw rethrown(t);
        }
    }

    /** {@code bind(2)}, storing errno in {@code state}. */
    public static int bind(MemorySegment state, int fd, MemorySegment sa, int len) {
        try {
            return (int) Bind.HANDLE.invokeExact(state, fd, sa, len);
        } catch (Throwable t) {
            throw rethrown(t);
        }
    }

    /**
     * {@code setsockopt(2)} with {@code value} (an int, or a struct such as {@code ip_mreqn}) as
     * the option, its length the segment's size; storing errno in {@code state}.
     */
    public static int setsockopt(MemorySegment state, int fd, int level, int name, MemorySegment value) {
        try {
            return (int) Setsockopt.HANDLE.invokeExact(state, fd, level, name, value, (int) value.byteSize());
        } catch (Throwable t) {
            throw rethrown(t);
        }
    }

    /** {@code shutdown(2)}, storing errno in {@code state}. */
    public static int shutdown(MemorySegment state, int fd, int how) {
        try {
            return (int) Shutdown.HANDLE.invokeExact(state, fd, how);
        } catch (Throwable t) {
            throw rethrown(t);
        }
    }
}
