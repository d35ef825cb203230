package io.github.evasync.internal.loop;

import io.github.evasync.LoopStats;

/**
 * What a loop counts for its stats ({@code LoopStats}): objects that own native memory, armed
 * events, open sockets and HTTP connections by direction. The owners report changes as deltas;
 * nothing else writes these. Loop thread only.
 */
public final class LoopCounts {
    private int nativeObjects;
    private int pendingEvents;
    private int incomingTcp;
    private int outgoingTcp;
    private int incomingHttp;
    private int outgoingHttp;

    LoopCounts() {
    }

    /** Native objects owned by Java objects of this loop (stats' dataRegistryCount) changed by {@code delta}. */
    public void nativeObjects(int delta) {
        nativeObjects += delta;
    }

    /** Events added or active (stats' pendingEvents) changed by {@code delta}. */
    public void pendingEvents(int delta) {
        pendingEvents += delta;
    }

    /** Open TCP sockets changed by {@code delta}, accepted ({@code incoming}) or made by connecting. */
    public void tcp(boolean incoming, int delta) {
        if (incoming) {
            incomingTcp += delta;
        } else {
            outgoingTcp += delta;
        }
    }

    /** Open HTTP connections changed by {@code delta}, accepted ({@code incoming}) or the client's. */
    public void http(boolean incoming, int delta) {
        if (incoming) {
            incomingHttp += delta;
        } else {
            outgoingHttp += delta;
        }
    }

    /**
     * {@return the counts as stats}
     *
     * @param dnsQueries DNS queries in flight, which the resolver counts
     * @param registered objects in the loop's handle table, its own wake event left out
     */
    LoopStats stats(int dnsQueries, int registered) {
        return new LoopStats(dnsQueries, incomingTcp, outgoingTcp, incomingHttp, outgoingHttp, pendingEvents,
                registered, nativeObjects);
    }
}
