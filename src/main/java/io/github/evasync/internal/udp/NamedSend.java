package io.github.evasync.internal.udp;

import io.github.evasync.EventHandler;
import io.github.evasync.dns.Family;
import io.github.evasync.internal.dns.DnsQuery;
import io.github.evasync.internal.loop.LoopCore;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.function.Consumer;

/**
 * A datagram whose destination is a host name: looked up through the loop's resolver, then
 * queued on its socket to the first address the socket can reach (an IPv4 socket asks for IPv4
 * only; a dual-stack one takes an IPv6 address first). A failed lookup goes to the socket's
 * handler as a {@code DnsError}; a socket closed meanwhile drops the datagram. A class rather than
 * a lambda: it is made inside {@code send} on the loop thread (see {@code LoopCore.call}).
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

    static void start(LoopCore core, UdpSocketImpl socket, byte[] data, String host, int port, boolean ipv6,
                      EventHandler handler) {
        DnsQuery.lookup(core, host, ipv6 ? Family.UNSPEC : Family.INET, new NamedSend(socket, data, port), handler);
    }

    @Override
    public void accept(List<InetAddress> addresses) {
        if (socket.closedNow()) {
            return;
        }
        InetAddress chosen = addresses.get(0);
        for (InetAddress a : addresses) {
            if (a instanceof Inet6Address) {
                chosen = a;
                break;
            }
        }
        socket.sendResolved(data, chosen, port);
    }
}
