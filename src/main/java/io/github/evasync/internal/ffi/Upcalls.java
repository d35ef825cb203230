package io.github.evasync.internal.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The static upcall stubs, one per C callback signature, allocated once in the global arena
 * (DESIGN.md, mechanism 2).
 *
 * <p>Every body is a guard: nothing may unwind through libevent's frames, or the JVM aborts
 * (mechanism 3). A throwable that escapes the dispatcher goes to the loop's {@link LoopSink};
 * if even that fails, it is dropped, because there is nowhere safe left to put it.
 */
public final class Upcalls {
    /** {@code void (*)(evutil_socket_t fd, short what, void *arg)}. */
    public static final MemorySegment EVENT_CALLBACK;

    static {
        try {
            Linker linker = Linker.nativeLinker();
            var lookup = MethodHandles.lookup();
            EVENT_CALLBACK = linker.upcallStub(
                    lookup.findStatic(Upcalls.class, "onEvent",
                            MethodType.methodType(void.class, int.class, short.class, MemorySegment.class)),
                    FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT, ValueLayout.JAVA_SHORT, ValueLayout.ADDRESS),
                    Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Upcalls() {
    }

    /** The handle to pass as a callback's {@code void *arg}. */
    public static MemorySegment arg(long handle) {
        return MemorySegment.ofAddress(handle);
    }

    private static void onEvent(int fd, short what, MemorySegment arg) {
        HandleTable table = null;
        try {
            long handle = arg.address();
            table = HandleTable.of(handle);
            if (table == null || table.sink().stopping()) {
                return;
            }
            NativeCallbacks kind = table.kind(handle);
            if (kind != null) {
                kind.onEvent(table.target(handle), fd, what);
            }
        } catch (Throwable t) {
            escape(table, t);
        }
    }

    private static void escape(HandleTable table, Throwable t) {
        try {
            if (table != null) {
                table.sink().escaped(t);
            }
        } catch (Throwable ignored) {
            // Nothing is safe to do here: rethrowing would unwind into C and abort the JVM.
        }
    }
}
