package io.github.evasync.reliability.leak;

import io.github.evasync.internal.ffi.AllocationCounter;

import java.io.File;
import java.util.Map;
import java.util.TreeMap;

import static io.github.evasync.reliability.leak.LeakSettings.COUNTING;

/**
 * One measurement: libevent's live blocks (-1 when not counted), entries of /proc/self/fd;
 * and in the samples that are kept (not in every poll): the bytes in use by malloc (every
 * native allocation of the process, the JVM's own included) from glibc's mallinfo2, the
 * part of them that the JVM's Native Memory Tracking does not account for (see
 * {@link Malloc#untracked()}), and libevent's live blocks by size.
 *
 * <p>libevent's blocks are counted in {@code counting} mode, with {@link AllocationCounter}
 * installed (where the byte paths of {@code FastCalls} take the copying fallback); the
 * untracked bytes in {@code production} mode (the critical downcalls, as in production), run
 * with Native Memory Tracking.
 */
record Sample(long alloc, int fds, long mallocBytes, long untracked, Map<Long, Integer> sizes) {
    /** What settling polls: cheap. */
    static Sample quick() {
        return new Sample(COUNTING ? AllocationCounter.live() : -1, fdCount(), -1, -1, null);
    }

    /** A sample to keep. */
    static Sample full() {
        return new Sample(COUNTING ? AllocationCounter.live() : -1, fdCount(), Malloc.inUse(), Malloc.untracked(),
                COUNTING ? AllocationCounter.liveBySize() : null);
    }

    boolean notAbove(Sample s) {
        return alloc <= s.alloc && fds <= s.fds;
    }

    @Override
    public String toString() {
        return "alloc=" + alloc + " fds=" + fds;
    }

    /** The block sizes whose count differs from {@code earlier}'s, as size:+n. */
    String sizesSince(Sample earlier) {
        if (sizes == null || earlier == null || earlier.sizes == null) {
            return "none";
        }
        TreeMap<Long, Integer> diff = new TreeMap<>();
        sizes.forEach((k, v) -> diff.merge(k, v, Integer::sum));
        earlier.sizes.forEach((k, v) -> diff.merge(k, -v, Integer::sum));
        StringBuilder sb = new StringBuilder();
        diff.forEach((k, v) -> {
            if (v != 0) {
                sb.append(sb.isEmpty() ? "" : ",").append(k).append(':').append(v > 0 ? "+" : "").append(v);
            }
        });
        return sb.isEmpty() ? "none" : sb.toString();
    }

    static int fdCount() {
        String[] names = new File("/proc/self/fd").list();
        // The listing holds the descriptor that reads it; the same in every sample.
        return names == null ? -1 : names.length;
    }
}
