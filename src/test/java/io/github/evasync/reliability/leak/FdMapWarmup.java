package io.github.evasync.reliability.leak;

import io.github.evasync.Event;
import io.github.evasync.EventLoop;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static io.github.evasync.reliability.leak.LeakSettings.FD_MAP_WARMUP;

/**
 * libevent keeps one small block (an evmap_io, 16 bytes) for each descriptor number it has
 * ever watched, for the life of the event base; event_base_free frees them. A round that
 * reaches a descriptor number no earlier round reached adds one, which is no leak: so,
 * before the first round, each workload's loop watches every number up to
 * {@link LeakSettings#FD_MAP_WARMUP} above those open, and the rounds (which stay below it) then add none.
 */
final class FdMapWarmup {
    private FdMapWarmup() {
    }

    /** Watches, then frees, {@link LeakSettings#FD_MAP_WARMUP} eventfds on {@code loop}'s thread. */
    static void warm(EventLoop loop) {
        int[] fds = new int[FD_MAP_WARMUP];
        Event[] events = new Event[FD_MAP_WARMUP];
        try {
            for (int i = 0; i < fds.length; i++) {
                fds[i] = (int) LibC.EVENTFD.invokeExact(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC);
                if (fds[i] < 0) {
                    throw new IllegalStateException("eventfd failed");
                }
                events[i] = loop.watchFd(fds[i], () -> { }, null, null, null);
            }
            for (int i = 0; i < fds.length; i++) {
                events[i].free();
                if ((int) LibC.CLOSE.invokeExact(fds[i]) != 0) {
                    throw new IllegalStateException("close failed");
                }
            }
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** eventfd and close, for {@link #warm}. */
    static final class LibC {
        static final int EFD_NONBLOCK = 04000;
        static final int EFD_CLOEXEC = 02000000;
        static final MethodHandle EVENTFD = Linker.nativeLinker().downcallHandle(
                Linker.nativeLinker().defaultLookup().find("eventfd").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        static final MethodHandle CLOSE = Linker.nativeLinker().downcallHandle(
                Linker.nativeLinker().defaultLookup().find("close").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }
}
