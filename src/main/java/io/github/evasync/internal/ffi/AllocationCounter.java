package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibEvent;
import io.github.evasync.internal.libevent.event_set_mem_functions$free_fn;
import io.github.evasync.internal.libevent.event_set_mem_functions$malloc_fn;
import io.github.evasync.internal.libevent.event_set_mem_functions$realloc_fn;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts libevent's live heap allocations, for leak tests: with the system property
 * {@value #PROPERTY} set, {@link Native} routes libevent's allocator through these functions
 * ({@code event_set_mem_functions}) before any other libevent call. They call the C library's
 * own malloc, realloc and free, so only the count is added. Slow (an upcall per allocation):
 * for tests in a JVM of their own, never for production.
 */
public final class AllocationCounter {
    /** The system property that turns counting on. */
    public static final String PROPERTY = "evasync.libevent.countAllocations";

    private static final AtomicLong LIVE = new AtomicLong();
    /** The size of every live block, by address: what a leak report shows. */
    private static final Map<Long, Long> SIZES = new ConcurrentHashMap<>();
    private static final Object LOCK = new Object();
    private static final Linker LINKER = Linker.nativeLinker();
    // The C library's allocator has the signatures of the hooks libevent takes (the generated
    // typedefs of event_set_mem_functions), so one descriptor serves the call and the hook.
    private static final MethodHandle MALLOC = LINKER.downcallHandle(LINKER.defaultLookup().find("malloc").orElseThrow(),
            event_set_mem_functions$malloc_fn.descriptor());
    private static final MethodHandle REALLOC = LINKER.downcallHandle(LINKER.defaultLookup().find("realloc").orElseThrow(),
            event_set_mem_functions$realloc_fn.descriptor());
    private static final MethodHandle FREE = LINKER.downcallHandle(LINKER.defaultLookup().find("free").orElseThrow(),
            event_set_mem_functions$free_fn.descriptor());
    private static volatile boolean installed;

    private AllocationCounter() {
    }

    /** Whether counting is on. */
    public static boolean installed() {
        Native.isAvailable(); // loading libevent is what installs the counter
        return installed;
    }

    /** How many blocks libevent holds now. */
    public static long live() {
        return LIVE.get();
    }

    /**
     * How many live blocks libevent holds of each size: a leak shows as the sizes that grew
     * (16-byte evmap_io slots, 128-byte events, bufferevents, evbuffer chains of 1 KiB and up).
     *
     * @return block size to count, smallest size first
     */
    public static TreeMap<Long, Integer> liveBySize() {
        TreeMap<Long, Integer> bySize = new TreeMap<>();
        for (Long size : SIZES.values()) {
            bySize.merge(size, 1, Integer::sum);
        }
        return bySize;
    }

    /** Installs the counting allocator; called once by {@link Native}, before libevent is used. */
    static void install() {
        try {
            var lookup = MethodHandles.lookup();
            MemorySegment malloc = LINKER.upcallStub(lookup.findStatic(AllocationCounter.class, "malloc",
                    MethodType.methodType(MemorySegment.class, long.class)),
                    event_set_mem_functions$malloc_fn.descriptor(), Arena.global());
            MemorySegment realloc = LINKER.upcallStub(lookup.findStatic(AllocationCounter.class, "realloc",
                    MethodType.methodType(MemorySegment.class, MemorySegment.class, long.class)),
                    event_set_mem_functions$realloc_fn.descriptor(), Arena.global());
            MemorySegment free = LINKER.upcallStub(lookup.findStatic(AllocationCounter.class, "free",
                    MethodType.methodType(void.class, MemorySegment.class)),
                    event_set_mem_functions$free_fn.descriptor(), Arena.global());
            LibEvent.event_set_mem_functions(malloc, realloc, free);
            installed = true;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    // Each call and its bookkeeping hold LOCK: once a block is freed (by free or by a realloc
    // that moved it), another loop's thread may be handed the same address at once.

    private static MemorySegment malloc(long size) {
        try {
            synchronized (LOCK) {
                MemorySegment p = (MemorySegment) MALLOC.invokeExact(size);
                if (!p.equals(MemorySegment.NULL)) {
                    LIVE.incrementAndGet();
                    SIZES.put(p.address(), size);
                }
                return p;
            }
        } catch (Throwable t) {
            return MemorySegment.NULL;
        }
    }

    private static MemorySegment realloc(MemorySegment old, long size) {
        try {
            synchronized (LOCK) {
                MemorySegment p = (MemorySegment) REALLOC.invokeExact(old, size);
                boolean hadOld = !old.equals(MemorySegment.NULL);
                boolean hasNew = !p.equals(MemorySegment.NULL);
                if (!hadOld && hasNew) {
                    LIVE.incrementAndGet();
                } else if (hadOld && !hasNew && size == 0) {
                    LIVE.decrementAndGet();
                }
                if (hadOld && (hasNew || size == 0)) {
                    SIZES.remove(old.address());
                }
                if (hasNew) {
                    SIZES.put(p.address(), size);
                }
                return p;
            }
        } catch (Throwable t) {
            return MemorySegment.NULL;
        }
    }

    private static void free(MemorySegment p) {
        try {
            if (!p.equals(MemorySegment.NULL)) {
                synchronized (LOCK) {
                    LIVE.decrementAndGet();
                    SIZES.remove(p.address());
                    FREE.invokeExact(p);
                }
            }
        } catch (Throwable t) {
            // Nothing safe to do inside libevent's free.
        }
    }
}
