package io.github.evasync.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the plain-main load programs ({@link TimerLoad}, {@link BulkLoad}) read of the process
 * and the thread they run on: thread CPU time, GC time, heap in use, RSS, and three glibc calls
 * made through FFM (Linux only): {@code mallinfo2}, {@code malloc_trim} and
 * {@code sched_setaffinity}.
 */
final class Os {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MALLOC_TRIM = find("malloc_trim",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
    /** glibc's {@code struct mallinfo2}: ten {@code size_t}s. */
    private static final StructLayout MALLINFO2_LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("arena"), ValueLayout.JAVA_LONG.withName("ordblks"),
            ValueLayout.JAVA_LONG.withName("smblks"), ValueLayout.JAVA_LONG.withName("hblks"),
            ValueLayout.JAVA_LONG.withName("hblkhd"), ValueLayout.JAVA_LONG.withName("usmblks"),
            ValueLayout.JAVA_LONG.withName("fsmblks"), ValueLayout.JAVA_LONG.withName("uordblks"),
            ValueLayout.JAVA_LONG.withName("fordblks"), ValueLayout.JAVA_LONG.withName("keepcost"));
    private static final MethodHandle MALLINFO2 = find("mallinfo2", FunctionDescriptor.of(MALLINFO2_LAYOUT));
    private static final MethodHandle SET_AFFINITY = find("sched_setaffinity",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));

    private Os() {
    }

    private static MethodHandle find(String name, FunctionDescriptor fd) {
        return LINKER.defaultLookup().find(name).map(a -> LINKER.downcallHandle(a, fd)).orElse(null);
    }

    /** {@return the calling thread's CPU time (user and system), in nanoseconds} */
    static long threadCpu() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /** {@return the CPU time of the whole process so far, every thread (user and system), in nanoseconds} */
    static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** {@return milliseconds spent in collections so far, all collectors together} */
    static long gcMillis() {
        long t = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            t += Math.max(0, gc.getCollectionTime());
        }
        return t;
    }

    /** Collects a few times, so that what is left on the heap is what is reachable. */
    static void settleHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
    }

    /** {@return bytes in use on the heap (call {@link #settleHeap()} first)} */
    static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** {@return this process's resident set (VmRSS), in bytes} */
    static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }

    /**
     * {@return the bytes malloc has handed out and not had back, every arena and the mmapped
     * blocks ({@code mallinfo2}'s {@code uordblks + hblkhd}); -1 where there is no mallinfo2
     * (glibc before 2.33)}
     */
    static long mallocInUse() {
        if (MALLINFO2 == null) {
            return -1;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = (MemorySegment) MALLINFO2.invokeExact((SegmentAllocator) a);
            return m.get(ValueLayout.JAVA_LONG, MALLINFO2_LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("uordblks")))
                    + m.get(ValueLayout.JAVA_LONG, MALLINFO2_LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("hblkhd")));
        } catch (Throwable t) {
            return -1;
        }
    }

    /**
     * Hands malloc's free memory back to the system ({@code malloc_trim(0)}), so that an RSS
     * reading counts what native code holds rather than what it held once; false where there is
     * no such call.
     */
    static boolean mallocTrim() {
        if (MALLOC_TRIM == null) {
            return false;
        }
        try {
            int r = (int) MALLOC_TRIM.invokeExact(0L);
            return r >= 0;
        } catch (Throwable t) {
            return false;
        }
    }

    /** Pins the calling thread to {@code cpu}; a negative cpu does nothing. Throws when it cannot. */
    static void pinCurrentThread(int cpu) {
        if (cpu < 0) {
            return;
        }
        if (SET_AFFINITY == null || cpu >= 1024) {
            throw new IllegalStateException("cannot pin a thread to cpu " + cpu + " here");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment mask = a.allocate(128, 8); // cpu_set_t: 1024 bits
            mask.set(ValueLayout.JAVA_LONG, (cpu / 64) * 8L, 1L << (cpu % 64));
            int r = (int) SET_AFFINITY.invokeExact(0, 128L, mask);
            if (r != 0) {
                throw new IllegalStateException("sched_setaffinity to cpu " + cpu + " failed");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
