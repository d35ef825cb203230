package io.github.evasync.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The floor under every evasync call: what the Foreign Function and Memory API itself costs here,
 * measured on libevent directly, without evasync. {@code downcall} is a call into libevent that
 * does nothing ({@code event_get_version_number}); {@code downcallCritical} the same through a
 * critical (no thread-state transition) handle, as evasync uses for its hot heap-array calls;
 * {@code downcallWithUpcall} a libevent call that calls back into Java once
 * ({@code event_base_foreach_event} over one added event), the shape of every event delivered.
 * No Netty equivalent: Netty's JNI calls are internal.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FfmFloorBench {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBEVENT = SymbolLookup.libraryLookup(libeventCore(), Arena.global());
    private static final MethodHandle VERSION = LINKER.downcallHandle(symbol("event_get_version_number"),
            FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle VERSION_CRITICAL = LINKER.downcallHandle(symbol("event_get_version_number"),
            FunctionDescriptor.of(JAVA_INT), Linker.Option.critical(false));
    private static final MethodHandle FOREACH = LINKER.downcallHandle(symbol("event_base_foreach_event"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle BASE_NEW = LINKER.downcallHandle(symbol("event_base_new"),
            FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle BASE_FREE = LINKER.downcallHandle(symbol("event_base_free"),
            FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle EVENT_NEW = LINKER.downcallHandle(symbol("event_new"),
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_SHORT, ADDRESS, ADDRESS));
    private static final MethodHandle EVENT_ADD = LINKER.downcallHandle(symbol("event_add"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle EVENT_FREE = LINKER.downcallHandle(symbol("event_free"),
            FunctionDescriptor.ofVoid(ADDRESS));

    private static int visits;

    private MemorySegment base;
    private MemorySegment event;
    private MemorySegment visitor;
    private Arena arena;

    private static String libeventCore() {
        for (String name : new String[] {"libevent_core-2.1.so.7", "libevent-2.1.so.7"}) {
            try (Arena probe = Arena.ofConfined()) {
                SymbolLookup.libraryLookup(name, probe);
                return name;
            } catch (IllegalArgumentException notThere) {
                // try the next name
            }
        }
        throw new IllegalStateException("libevent 2.1 not found (apt-get install libevent-core-2.1-7)");
    }

    private static MemorySegment symbol(String name) {
        return LIBEVENT.find(name).orElseThrow();
    }

    /** The upcall: counts the events it is shown, so it is never a no-op. */
    static int visit(MemorySegment b, MemorySegment ev, MemorySegment arg) {
        visits++;
        return 0;
    }

    @Setup(Level.Trial)
    public void open() throws Throwable {
        arena = Arena.ofShared();
        base = (MemorySegment) BASE_NEW.invokeExact();
        visitor = LINKER.upcallStub(MethodHandles.lookup().findStatic(FfmFloorBench.class, "visit",
                        MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class, MemorySegment.class)),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), arena);
        // A timer an hour away, added but never run (the base never loops, so it needs no
        // callback): the one event foreach visits.
        event = (MemorySegment) EVENT_NEW.invokeExact(base, -1, (short) 0, MemorySegment.NULL, MemorySegment.NULL);
        MemorySegment oneHour = arena.allocate(JAVA_LONG, 2);
        oneHour.setAtIndex(JAVA_LONG, 0, 3600);
        int added = (int) EVENT_ADD.invokeExact(event, oneHour);
        if (added != 0) {
            throw new IllegalStateException("event_add failed");
        }
    }

    @Benchmark
    public int downcall() throws Throwable {
        return (int) VERSION.invokeExact();
    }

    @Benchmark
    public int downcallCritical() throws Throwable {
        return (int) VERSION_CRITICAL.invokeExact();
    }

    @Benchmark
    public int downcallWithUpcall() throws Throwable {
        return (int) FOREACH.invokeExact(base, visitor, MemorySegment.NULL);
    }

    @TearDown(Level.Trial)
    public void close() throws Throwable {
        EVENT_FREE.invokeExact(event);
        BASE_FREE.invokeExact(base);
        arena.close();
        if (visits == 0) {
            throw new IllegalStateException("the upcall never ran");
        }
    }
}
