package io.github.evasync;

/**
 * A snapshot of a loop's counters (cl-async's {@code stats}). When everything a program opened
 * is closed, every field is back to 0: the leak check tests use.
 *
 * @param openDnsQueries DNS lookups in flight
 * @param incomingTcpConnections open sockets accepted by TCP servers
 * @param outgoingTcpConnections open sockets made by {@code tcpConnect}
 * @param incomingLocalConnections open sockets accepted by Unix-domain servers ({@code unixServer},
 *        {@code httpServer} on a path)
 * @param outgoingLocalConnections open sockets made by {@code unixConnect} (and by the HTTP client
 *        with {@code HttpClientOptions.unixSocket})
 * @param openUdpSockets open datagram sockets
 * @param incomingHttpConnections open connections accepted by HTTP servers; one on a Unix socket
 *        counts here and in {@code incomingLocalConnections}
 * @param outgoingHttpConnections open connections of the HTTP client; one to a Unix socket counts
 *        here and in {@code outgoingLocalConnections}
 * @param pendingEvents user events added or active: timers in the loop's timer heap, fd watches in
 *        libevent
 * @param callbackRegistryCount objects registered to receive native callbacks
 * @param dataRegistryCount native objects (fd watches, sockets, listeners) owned by Java objects; a
 *        timer is none
 */
public record LoopStats(int openDnsQueries, int incomingTcpConnections, int outgoingTcpConnections,
                        int incomingLocalConnections, int outgoingLocalConnections, int openUdpSockets,
                        int incomingHttpConnections, int outgoingHttpConnections, int pendingEvents,
                        int callbackRegistryCount, int dataRegistryCount) {
    /** {@return whether every counter is 0: nothing is open, pending or registered} */
    public boolean isIdle() {
        return openDnsQueries == 0 && incomingTcpConnections == 0 && outgoingTcpConnections == 0
                && incomingLocalConnections == 0 && outgoingLocalConnections == 0 && openUdpSockets == 0
                && incomingHttpConnections == 0 && outgoingHttpConnections == 0 && pendingEvents == 0
                && callbackRegistryCount == 0 && dataRegistryCount == 0;
    }

    /**
     * Adds another loop's statistics to these, field by field (see {@link LoopGroup#stats()}).
     *
     * @param other the other loop's statistics
     * @return the sums
     */
    public LoopStats plus(LoopStats other) {
        return new LoopStats(openDnsQueries + other.openDnsQueries,
                incomingTcpConnections + other.incomingTcpConnections,
                outgoingTcpConnections + other.outgoingTcpConnections,
                incomingLocalConnections + other.incomingLocalConnections,
                outgoingLocalConnections + other.outgoingLocalConnections, openUdpSockets + other.openUdpSockets,
                incomingHttpConnections + other.incomingHttpConnections,
                outgoingHttpConnections + other.outgoingHttpConnections, pendingEvents + other.pendingEvents,
                callbackRegistryCount + other.callbackRegistryCount, dataRegistryCount + other.dataRegistryCount);
    }
}
