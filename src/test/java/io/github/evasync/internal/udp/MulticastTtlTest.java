package io.github.evasync.internal.udp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import io.github.evasync.udp.UdpOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code UdpOptions.multicastTtl} reaches the kernel for both families (IPv6's hop limit too). */
@Timeout(30)
class MulticastTtlTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @Test
    void theHopLimitIsSetOnIpv4AndIpv6Sockets() {
        try (EventLoop loop = loops.start()) {
            UdpOptions o = UdpOptions.defaults().multicastTtl(7);
            UdpSocketImpl v4 = (UdpSocketImpl) loop.udpSocket("127.0.0.1", 0, null, null, o);
            UdpSocketImpl v6 = (UdpSocketImpl) loop.udpSocket("::1", 0, null, null, o);
            UdpSocketImpl dual = (UdpSocketImpl) loop.udpSocket(null, 0, null, null, o);
            assertEquals(7, v4.multicastTtl());
            assertEquals(7, v6.multicastTtl(), "IPV6_MULTICAST_HOPS");
            assertEquals(7, dual.multicastTtl(), "IPV6_MULTICAST_HOPS on a dual-stack socket");
            v4.close();
            v6.close();
            dual.close();
            Idle.assertIdle(loop);
        }
    }
}
