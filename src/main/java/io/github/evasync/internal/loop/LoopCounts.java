package io.github.evasync.internal.loop;

import io.github.evasync.LoopStats;

import java.util.function.IntConsumer;

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

    // Made with the loop, as classes rather than lambdas or method references: every event,
    // socket, server and DNS request of the loop is counted through them, and a lambda linked
    // first inside such an API call could be cut short there for the JVM's life (see LoopCore.call).
    private final IntConsumer nativeObjectCount = new Counter(this, false, false);
    private final IntConsumer incomingSocketCount = new Counter(this, true, true);
    private final IntConsumer outgoingSocketCount = new Counter(this, true, false);

    LoopCounts() {
    }

    /** {@return what tells {@link #nativeObjects(int)} its deltas, for a native owner} */
    public IntConsumer nativeObjectCount() {
        return nativeObjectCount;
    }

    /**
     * {@return what a TCP socket's native owner tells its deltas: they count as native objects
     * and as open sockets of that direction}
     *
     * @param incoming whether the socket was accepted
     */
    public IntConsumer socketCount(boolean incoming) {
        return incoming ? incomingSocketCount : outgoingSocketCount;
    }

    /** Counts native objects, and with {@code tcp} open sockets of one direction too. */
    private static final class Counter implements IntConsumer {
        private final LoopCounts counts;
        private final boolean tcp;
        private final boolean incoming;

        Counter(LoopCounts counts, boolean tcp, boolean incoming) {
            this.counts = counts;
            this.tcp = tcp;
            this.incoming = incoming;
        }

        @Override
        public void accept(int delta) {
            counts.nativeObjects(delta);
            if (tcp) {
                counts.tcp(incoming, delta);
            }
        }
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
