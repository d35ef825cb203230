package io.github.evasync.reliability.leak;

import io.github.evasync.LoopStats;
import io.github.evasync.internal.ffi.AllocationCounter;

import java.util.ArrayList;
import java.util.List;

import static io.github.evasync.reliability.leak.LeakSettings.COUNTING;

/**
 * What one workload came to, for its {@code RESULT} line: its samples before, between and
 * after the rounds, the peak of libevent's live blocks, its loop's counters, whether it
 * settled, how many units ended, and what went wrong.
 */
final class Result {
    final String name;
    final long t0 = System.nanoTime();
    Sample before;
    Sample warm;
    Sample after;
    Sample closed;
    long peakAlloc = -1;
    LoopStats s0;
    LoopStats statsWarm;
    LoopStats statsAfter;
    boolean settledWarm;
    boolean settledAfter;
    int units;
    final List<String> failures = new ArrayList<>();

    Result(String name) {
        this.name = name;
    }

    void peak() {
        if (COUNTING) {
            peakAlloc = Math.max(peakAlloc, AllocationCounter.live());
        }
    }

    /** A loop's counters in one word, as the RESULT line and the failures show them. */
    static String compact(LoopStats s) {
        return s == null ? "none" : s.openDnsQueries() + "/" + s.incomingTcpConnections() + "/"
                + s.outgoingTcpConnections() + "/" + s.incomingHttpConnections() + "/" + s.outgoingHttpConnections()
                + "/" + s.pendingEvents() + "/" + s.callbackRegistryCount() + "/" + s.dataRegistryCount();
    }
}
