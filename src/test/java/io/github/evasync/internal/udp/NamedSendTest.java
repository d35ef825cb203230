package io.github.evasync.internal.udp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import io.github.evasync.dns.Family;
import io.github.evasync.udp.UdpSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Datagrams sent to a host name: the family looked up for each kind of socket, and the next
 * address of the lookup tried when this host cannot reach one (an IPv6 address on an IPv4-only
 * host). No address a DNS answer carries fails locally on every machine, so the addresses are
 * handed to the socket as a lookup would hand them: a link-local IPv6 address on the loopback
 * interface, which has no link-local route (ENETUNREACH, always), then a working IPv4 one.
 */
@Timeout(30)
class NamedSendTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @Test
    void eachSocketLooksUpTheFamilyItCanReach() throws Exception {
        assertEquals(Family.INET, NamedSend.familyFor(false, InetAddress.ofLiteral("127.0.0.1")));
        assertEquals(Family.INET, NamedSend.familyFor(false, InetAddress.ofLiteral("0.0.0.0")));
        assertEquals(Family.INET6, NamedSend.familyFor(true, InetAddress.ofLiteral("::1")));
        assertEquals(Family.UNSPEC, NamedSend.familyFor(true, InetAddress.ofLiteral("::")));
        try (EventLoop loop = loops.start()) {
            UdpSocket v6 = loop.udpSocket("::1", 0, null, null);
            UdpSocket both = loop.udpSocket(null, 0, null, null);
            UdpSocket v4 = loop.udpSocket("127.0.0.1", 0, null, null);
            assertEquals(Family.INET6, loop.submit(() -> ((UdpSocketImpl) v6).lookupFamily()).get());
            assertEquals(Family.UNSPEC, loop.submit(() -> ((UdpSocketImpl) both).lookupFamily()).get());
            assertEquals(Family.INET, loop.submit(() -> ((UdpSocketImpl) v4).lookupFamily()).get());
            v6.close();
            both.close();
            v4.close();
            Idle.assertIdle(loop);
        }
    }

    @Test
    void anAddressThisHostCannotReachGivesWayToTheNext() throws Exception {
        try (EventLoop loop = loops.start()) {
            CompletableFuture<byte[]> got = new CompletableFuture<>();
            Queue<Exception> errors = new ConcurrentLinkedQueue<>();
            UdpSocket server = loop.udpSocket("127.0.0.1", 0, (s, d, f) -> got.complete(d), null);
            UdpSocket client = loop.udpSocket(null, 0, null, errors::add);
            int lo = NetworkInterface.getByName("lo").getIndex();
            InetAddress unreachable = Inet6Address.getByAddress(null, InetAddress.ofLiteral("fe80::1").getAddress(), lo);
            loop.execute(() -> ((UdpSocketImpl) client).sendResolved(new byte[] {7},
                    List.of(unreachable, InetAddress.ofLiteral("127.0.0.1")), server.port()));
            assertEquals(7, got.get(10, TimeUnit.SECONDS)[0]);
            assertTrue(errors.isEmpty(), errors.toString());
            client.close();
            server.close();
            Idle.assertIdle(loop);
        }
    }

    @Test
    void withNoAddressLeftTheErrorNamesTheLastOneTried() throws Exception {
        try (EventLoop loop = loops.start()) {
            CompletableFuture<Exception> error = new CompletableFuture<>();
            UdpSocket client = loop.udpSocket(null, 0, null, error::complete);
            int lo = NetworkInterface.getByName("lo").getIndex();
            InetAddress unreachable = Inet6Address.getByAddress(null, InetAddress.ofLiteral("fe80::1").getAddress(), lo);
            loop.execute(() -> ((UdpSocketImpl) client).sendResolved(new byte[] {7}, List.of(unreachable), 9));
            io.github.evasync.UdpError e = (io.github.evasync.UdpError) error.get(10, TimeUnit.SECONDS);
            assertEquals(101, e.errcode(), e.getMessage()); // ENETUNREACH
            assertEquals(unreachable, e.address().getAddress());
            client.close();
            Idle.assertIdle(loop);
        }
    }
}
