package io.github.evasync.internal.udp;

import io.github.evasync.EventHandler;
import io.github.evasync.dns.Family;
import io.github.evasync.internal.dns.DnsQuery;
import io.github.evasync.internal.loop.LoopCore;

import java.net.InetAddress;
import java.util.List;
import java.util.function.Consumer;

/**
 * A datagram whose destination is a host name: looked up through the loop's resolver, in the
 * family the socket can send to (see {@link #familyFor}), then queued on its socket to the
 * addresses found, in the resolver's order: the first, and the next ones in turn while this host
 * cannot reach one (an IPv6 address on a host without an IPv6 route, say). A failed lookup goes to
 * the socket's handler as a {@code DnsError}; a socket closed meanwhile drops the datagram, and
 * the error too. A
 * class rather than a lambda: it is made inside {@code send} on the loop thread (see {@code
 * LoopCore.call}).
 */
final class NamedSend implements Consumer<List<InetAddress>> {
    private final UdpSocketImpl socket;
    private final byte[] data;
    private final int port;

    private NamedSend(UdpSocketImpl socket, byte[] data, int port) {
        this.socket = socket;
        this.data = data;
        this.port = port;
    }

    static void start(LoopCore core, UdpSocketImpl socket, byte[] data, String host, int port, Family family,
                      EventHandler handler) {
        DnsQuery.lookup(core, host, family, new NamedSend(socket, data, port), new IfOpen(core, socket, handler));
    }

    /**
     * A failed lookup's {@code DnsError}, for the socket's handler while the socket is open: once
     * it is closed no callback of it runs, and with no handler the error would otherwise end an
     * {@code EventLoop.run} loop for a datagram its socket no longer wanted.
     */
    private record IfOpen(LoopCore core, UdpSocketImpl socket, EventHandler handler) implements EventHandler {
        @Override
        public void onEvent(Exception event) {
            if (!socket.closedNow()) {
                core.errors().deliver(event, handler);
            }
        }
    }

    /**
     * {@return the family to look a name up in for a socket bound to {@code bound}}: an IPv4
     * socket reaches IPv4 only; an IPv6 socket bound to one address reaches IPv6 only (it has no
     * IPv4 source address); one bound to every address ({@code ::}, dual stack) reaches both.
     */
    static Family familyFor(boolean ipv6Socket, InetAddress bound) {
        if (!ipv6Socket) {
            return Family.INET;
        }
        return bound.isAnyLocalAddress() ? Family.UNSPEC : Family.INET6;
    }

    @Override
    public void accept(List<InetAddress> addresses) {
        if (socket.closedNow()) {
            return;
        }
        socket.sendResolved(data, addresses, port);
    }
}
