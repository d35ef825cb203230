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
    private int incomingLocal;
    private int outgoingLocal;
    private int udp;
    private int incomingHttp;
    private int outgoingHttp;

    // Made with the loop, as classes rather than lambdas or method references: every event,
    // socket, server and DNS request of the loop is counted through them, and a lambda linked
    // first inside such an API call could be cut short there for the JVM's life (see LoopCore.call).
    private final IntConsumer nativeObjectCount = new Counter(this, Counter.NATIVE_ONLY);
    private final IntConsumer incomingSocketCount = new Counter(this, Counter.INCOMING_TCP);
    private final IntConsumer outgoingSocketCount = new Counter(this, Counter.OUTGOING_TCP);
    private final IntConsumer incomingLocalCount = new Counter(this, Counter.INCOMING_LOCAL);
    private final IntConsumer outgoingLocalCount = new Counter(this, Counter.OUTGOING_LOCAL);
    private final IntConsumer udpSocketCount = new Counter(this, Counter.UDP);

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

    /**
     * {@return what a Unix-domain stream socket's native owner tells its deltas: native objects
     * and open local sockets of that direction}
     *
     * @param incoming whether the socket was accepted
     */
    public IntConsumer localSocketCount(boolean incoming) {
        return incoming ? incomingLocalCount : outgoingLocalCount;
    }

    /** {@return what a datagram socket's native owner tells its deltas: native objects and open UDP sockets} */
    public IntConsumer udpSocketCount() {
        return udpSocketCount;
    }

    /** Counts native objects, and for a socket the open sockets of its kind too. */
    private static final class Counter implements IntConsumer {
        static final int NATIVE_ONLY = 0;
        static final int INCOMING_TCP = 1;
        static final int OUTGOING_TCP = 2;
        static final int INCOMING_LOCAL = 3;
        static final int OUTGOING_LOCAL = 4;
        static final int UDP = 5;

        private final LoopCounts counts;
        private final int kind;

        Counter(LoopCounts counts, int kind) {
            this.counts = counts;
            this.kind = kind;
        }

        @Override
        public void accept(int delta) {
            counts.nativeObjects(delta);
            switch (kind) {
                case INCOMING_TCP -> counts.incomingTcp += delta;
                case OUTGOING_TCP -> counts.outgoingTcp += delta;
                case INCOMING_LOCAL -> counts.incomingLocal += delta;
                case OUTGOING_LOCAL -> counts.outgoingLocal += delta;
                case UDP -> counts.udp += delta;
                default -> { }
            }
        }
    }

    /** Native objects owned by Java objects of this loop (stats' dataRegistryCount) changed by {@code delta}. */
    public void nativeObjects(int delta) {
        nativeObjects += delta;
    }

    /**
     * Fd watches added or active changed by {@code delta}; stats' pendingEvents adds the timers,
     * which the timer heap counts itself.
     */
    public void pendingEvents(int delta) {
        pendingEvents += delta;
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
     * @param timers timers scheduled or activated, which the timer heap holds
     */
    LoopStats stats(int dnsQueries, int registered, int timers) {
        return new LoopStats(dnsQueries, incomingTcp, outgoingTcp, incomingLocal, outgoingLocal, udp, incomingHttp,
                outgoingHttp, pendingEvents + timers, registered, nativeObjects);
    }
}
