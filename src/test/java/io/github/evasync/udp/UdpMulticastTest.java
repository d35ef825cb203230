package io.github.evasync.udp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import io.github.evasync.UdpError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Multicast membership and broadcast. Membership is checked through the kernel's answers (a second
 * join of the same group is refused, a leave of a group never joined too), and delivery on {@code
 * lo} when it has the MULTICAST flag, else on the first interface that is up and does multicast.
 */
@Timeout(60)
class UdpMulticastTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @Test
    void joinAndLeaveAreWhatTheKernelSaysTheyAre() throws Exception {
        NetworkInterface lo = NetworkInterface.getByName("lo");
        InetAddress group = InetAddress.getByName("239.255.42.1");
        try (EventLoop loop = loops.start()) {
            UdpSocket s = loop.udpSocket("0.0.0.0", 0, null, null);
            s.joinGroup(group, lo);
            UdpError twice = assertThrows(UdpError.class, () -> s.joinGroup(group, lo));
            assertEquals(98, twice.errcode(), twice.getMessage()); // EADDRINUSE: already a member
            assertTrue(twice.getMessage().contains("239.255.42.1"), twice.getMessage());
            s.leaveGroup(group, lo);
            UdpError notMember = assertThrows(UdpError.class, () -> s.leaveGroup(group, lo));
            assertEquals(99, notMember.errcode(), notMember.getMessage()); // EADDRNOTAVAIL
            s.close();
            Idle.assertIdle(loop);
        }
    }

    @Test
    void ipv6JoinAndLeave() throws Exception {
        NetworkInterface ni = multicastInterface(Inet6Address.class);
        InetAddress group = InetAddress.getByName("ff02::1:4242");
        try (EventLoop loop = loops.start()) {
            UdpSocket s = loop.udpSocket("::", 0, null, null);
            s.joinGroup(group, ni);
            assertThrows(UdpError.class, () -> s.joinGroup(group, ni));
            s.leaveGroup(group, ni);
            assertThrows(UdpError.class, () -> s.leaveGroup(group, ni));
            UdpSocket v4 = loop.udpSocket("127.0.0.1", 0, null, null);
            assertThrows(IllegalArgumentException.class, () -> v4.joinGroup(group));
            v4.close();
            s.close();
            Idle.assertIdle(loop);
        }
    }

    @Test
    void aMemberReceivesWhatIsSentToItsGroup() throws Exception {
        NetworkInterface ni = multicastInterface(Inet4Address.class);
        InetAddress group = InetAddress.getByName("239.255.42.2");
        try (EventLoop loop = loops.start()) {
            CompletableFuture<String> got = new CompletableFuture<>();
            UdpSocket member = loop.udpSocket("0.0.0.0", 0,
                    (s, d, f) -> got.complete(new String(d, StandardCharsets.UTF_8)), null,
                    UdpOptions.defaults().reuseAddress(true));
            member.joinGroup(group, ni);
            UdpSocket sender = loop.udpSocket(addressOf(ni, Inet4Address.class).getHostAddress(), 0, null, ev -> got.completeExceptionally(ev),
                    UdpOptions.defaults().multicastLoopback(true).multicastTtl(0));
            sender.send("to the group".getBytes(StandardCharsets.UTF_8), new InetSocketAddress(group, member.port()));
            assertEquals("to the group", got.get(10, TimeUnit.SECONDS));
            member.leaveGroup(group, ni);
            sender.close();
            member.close();
            Idle.assertIdle(loop);
        }
    }

    @Test
    void broadcastNeedsTheFlag() throws Exception {
        try (EventLoop loop = loops.start()) {
            CompletableFuture<Exception> refused = new CompletableFuture<>();
            CompletableFuture<String> got = new CompletableFuture<>();
            UdpSocket receiver = loop.udpSocket("0.0.0.0", 0,
                    (s, d, f) -> got.complete(new String(d, StandardCharsets.UTF_8)), null);
            UdpSocket sender = loop.udpSocket("127.0.0.1", 0, null, ev -> {
                if (!refused.complete(ev)) {
                    got.completeExceptionally(ev);
                }
            });
            InetSocketAddress all = new InetSocketAddress("127.255.255.255", receiver.port());
            assertFalse(sender.isBroadcast());
            sender.send("not allowed".getBytes(StandardCharsets.UTF_8), all);
            Exception e = refused.get(10, TimeUnit.SECONDS);
            assertEquals(13, ((UdpError) e).errcode(), e.getMessage()); // EACCES
            assertEquals(all, ((UdpError) e).address());
            sender.setBroadcast(true);
            assertTrue(sender.isBroadcast());
            sender.send("to everyone".getBytes(StandardCharsets.UTF_8), all);
            assertEquals("to everyone", got.get(10, TimeUnit.SECONDS));
            sender.setBroadcast(false);
            assertFalse(sender.isBroadcast());
            sender.close();
            receiver.close();
            Idle.assertIdle(loop);
        }
    }

    /**
     * The interface the multicast tests use: {@code lo} when it has the MULTICAST flag (traffic
     * then stays on the host), else the first interface that is up, does multicast and has an
     * address of {@code family}. Fails saying exactly what this machine lacks.
     */
    private static NetworkInterface multicastInterface(Class<? extends InetAddress> family) throws Exception {
        NetworkInterface lo = NetworkInterface.getByName("lo");
        if (lo != null && lo.isUp() && lo.supportsMulticast() && addressOf(lo, family) != null) {
            return lo;
        }
        StringBuilder seen = new StringBuilder();
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (ni.isUp() && ni.supportsMulticast() && addressOf(ni, family) != null) {
                return ni;
            }
            seen.append("\n  ").append(ni.getName()).append(": ").append(ni.isUp() ? "up" : "DOWN")
                    .append(ni.supportsMulticast() ? ", multicast" : ", NO MULTICAST flag")
                    .append(addressOf(ni, family) != null ? "" : ", NO " + family.getSimpleName() + " address");
        }
        throw new AssertionError("the multicast tests need an interface that is up, has the MULTICAST flag and an "
                + family.getSimpleName() + " address (lo with MULTICAST is preferred: ip link set lo multicast on);"
                + " this machine has:" + seen);
    }

    private static InetAddress addressOf(NetworkInterface ni, Class<? extends InetAddress> family) {
        for (InetAddress a : Collections.list(ni.getInetAddresses())) {
            if (family.isInstance(a)) {
                return a;
            }
        }
        return null;
    }
}
