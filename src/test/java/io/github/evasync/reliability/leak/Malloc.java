package io.github.evasync.reliability.leak;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.github.evasync.reliability.leak.LeakSettings.NMT;
import static io.github.evasync.reliability.leak.LeakSettings.UNTRACKED_TRIES;

/**
 * The process's malloc'd bytes: glibc's in-use total (mallinfo2: bytes in use in the malloc
 * arenas plus bytes in mmapped blocks), and the part of it the JVM's Native Memory Tracking
 * does not account for.
 */
final class Malloc {
    private static final MethodHandle MALLINFO2;
    private static final MemoryLayout INFO = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("arena"), ValueLayout.JAVA_LONG.withName("ordblks"),
            ValueLayout.JAVA_LONG.withName("smblks"), ValueLayout.JAVA_LONG.withName("hblks"),
            ValueLayout.JAVA_LONG.withName("hblkhd"), ValueLayout.JAVA_LONG.withName("usmblks"),
            ValueLayout.JAVA_LONG.withName("fsmblks"), ValueLayout.JAVA_LONG.withName("uordblks"),
            ValueLayout.JAVA_LONG.withName("fordblks"), ValueLayout.JAVA_LONG.withName("keepcost"));

    static {
        Linker l = Linker.nativeLinker();
        MALLINFO2 = l.defaultLookup().find("mallinfo2")
                .map(a -> l.downcallHandle(a, FunctionDescriptor.of(INFO))).orElse(null);
    }

    private Malloc() {
    }

    static long inUse() {
        if (MALLINFO2 == null) {
            return -1;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = (MemorySegment) MALLINFO2.invokeExact((SegmentAllocator) a);
            return m.get(ValueLayout.JAVA_LONG, 7 * 8) + m.get(ValueLayout.JAVA_LONG, 4 * 8);
        } catch (Throwable t) {
            return -1;
        }
    }

    /**
     * The bytes malloc'd by no one the JVM tracks: glibc's in-use total less Native Memory
     * Tracking's malloc total (the JVM's own mallocs, arenas of java.lang.foreign included), or
     * -1 without -XX:NativeMemoryTracking. What is left is libevent's heap, plus the little that
     * other native libraries and glibc itself hold.
     */
    static long untracked() {
        if (!NMT) {
            return -1;
        }
        try {
            // JIT compiler and GC threads malloc and free meanwhile, by the megabyte: read NMT
            // before and after mallinfo, until both readings agree.
            long best = -1;
            for (int i = 0; i < UNTRACKED_TRIES; i++) {
                long a = nmtMalloc();
                long m = inUse();
                long b = nmtMalloc();
                if (a == b) {
                    return m - a;
                }
                best = m - (a + b) / 2;
            }
            return best;
        } catch (Exception e) {
            return -1;
        }
    }

    /**
     * NMT's malloc total, through the DiagnosticCommand MBean. By reflection: the tests compile
     * inside the module io.github.evasync, which does not read java.management; the child runs
     * on the class path, where it is there.
     */
    static long nmtMalloc() throws Exception {
        Object server = Class.forName("java.lang.management.ManagementFactory")
                .getMethod("getPlatformMBeanServer").invoke(null);
        Class<?> objectName = Class.forName("javax.management.ObjectName");
        Object name = objectName.getConstructor(String.class).newInstance("com.sun.management:type=DiagnosticCommand");
        String out = (String) Class.forName("javax.management.MBeanServerConnection")
                .getMethod("invoke", objectName, String.class, Object[].class, String[].class)
                .invoke(server, name, "vmNativeMemory", new Object[]{new String[]{"summary", "scale=b"}},
                        new String[]{String[].class.getName()});
        Matcher m = Pattern.compile("(?m)^\\s*malloc: (\\d+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no malloc total in " + out);
        }
        return Long.parseLong(m.group(1));
    }
}
