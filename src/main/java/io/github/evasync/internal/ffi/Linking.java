package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibEvent;
import io.github.evasync.internal.libevent.timeval;
import io.github.evasync.internal.libevent.LibTls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/**
 * Links every downcall handle and upcall stub of the plain native layer at once, so that none is
 * linked on first use. Each of them lives in a holder class (jextract's one per function, and
 * ours in {@link FastCalls}, {@link Upcalls} and {@link LibC}) that the JVM initialises the first
 * time it is touched. If that first time falls near the end of a thread's stack and a
 * {@link StackOverflowError} strikes inside the initialiser, the JVM marks the class as failed
 * for the rest of its life: that function, and every loop that needs it, would be broken by one
 * overflow in one callback. Linked here, on a fresh thread as the first loop opens, an overflow
 * stays the one call's failure. It costs about 4 MiB of start-up memory (bench/RESULTS.md, the
 * idle server). The TLS bindings are linked the same way when TLS first loads
 * ({@link TlsNative}).
 */
public final class Linking {
    private Linking() {
    }

    /**
     * Initialises every holder class of the plain native layer. Called once per JVM from a
     * thread with a fresh stack; throws what a failed link throws.
     */
    public static void linkAll() throws ClassNotFoundException {
        for (Class<?> owner : new Class<?>[] {LibEvent.class, FastCalls.class, DatagramCalls.class, Upcalls.class, LibC.class}) {
            for (Class<?> holder : owner.getDeclaredClasses()) {
                if (owner == LibEvent.class && holder.getSimpleName().startsWith("evdns_") && !Native.hasResolver()) {
                    // No libevent_extra: no lookup will be made (Native#ensureResolver says why),
                    // and linking one would fail.
                    continue;
                }
                Class.forName(holder.getName(), true, holder.getClassLoader());
            }
        }
        try {
            Upcalls.prime();
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        // The JDK's own segment classes behind the byte paths (a write of a byte[] or a heap or
        // direct ByteBuffer) have initialisers too, which an overflow would break the same way.
        MemorySegment.ofArray(new byte[1]).get(ValueLayout.JAVA_BYTE, 0);
        MemorySegment.ofBuffer(ByteBuffer.allocate(1)).get(ValueLayout.JAVA_BYTE, 0);
        MemorySegment.ofBuffer(ByteBuffer.allocateDirect(1)).get(ValueLayout.JAVA_BYTE, 0);
        MemorySegment.ofArray(new byte[1]).asSlice(0, 1).asReadOnly();
        // A loop's base allocates its alarm's timeval from its arena as it opens (zero-filled
        // memory: the JDK's bulk-fill and architecture classes), and writes it at every arming.
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tv = arena.allocate(timeval.layout());
            timeval.tv_sec(tv, 1);
            timeval.tv_usec(tv, 1);
            tv.fill((byte) 0);
        }
        // And those of a zero-copy read's view (ReadBuffer): a confined arena, a segment moved
        // into it, a read-only direct buffer over that, touched and closed.
        try (Arena a = Arena.ofConfined()) {
            a.allocate(1).reinterpret(1, a, null).asByteBuffer().asReadOnlyBuffer().get(0);
        }
    }

    /**
     * Initialises every holder class of the TLS bindings and the ALPN stub, once the TLS
     * libraries are loaded ({@link TlsNative}), from a thread with a fresh stack.
     */
    public static void linkTls() throws ClassNotFoundException {
        for (Class<?> holder : LibTls.class.getDeclaredClasses()) {
            Class.forName(holder.getName(), true, holder.getClassLoader());
        }
        Class.forName(AlpnSelect.class.getName(), true, AlpnSelect.class.getClassLoader());
        Class.forName(TlsConnection.Write.class.getName(), true, TlsConnection.Write.class.getClassLoader());
    }
}
