package io.github.evasync.udp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The send queue's bound, onDrain, and datagrams of unusual shapes. */
@Timeout(60)
class UdpFlowControlTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @Test
    void sendReturnsFalseAboveTheHighWatermarkAndOnDrainRunsOnceItLeft() throws Exception {
        try (EventLoop loop = loops.start()) {
            CountDownLatch arrived = new CountDownLatch(3);
            UdpSocket server = loop.udpSocket("127.0.0.1", 0, (s, d, f) -> arrived.countDown(), null);
            UdpSocket client = loop.udpSocket("127.0.0.1", 0, null, null,
                    UdpOptions.defaults().sendHighWatermark(1000));
            InetSocketAddress to = server.localAddress();
            List<Object> seen = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> drained = new CompletableFuture<>();
            loop.execute(() -> {
                // All three are queued during this turn, so the bound counts them together.
                seen.add(client.send(new byte[600], to));
                seen.add(client.send(new byte[600], to));
                seen.add(client.send(new byte[10], to));
                client.onDrain(() -> drained.complete(null));
            });
            drained.get(10, TimeUnit.SECONDS);
            assertEquals(List.of(true, false, false), seen);
            assertTrue(arrived.await(10, TimeUnit.SECONDS));
            client.close();
            server.close();
            Idle.assertIdle(loop);
        }
    }

    @Test
    void onDrainWithNothingQueuedRunsOnTheNextTurn() throws Exception {
        try (EventLoop loop = loops.start()) {
            UdpSocket s = loop.udpSocket("127.0.0.1", 0, null, null);
            CompletableFuture<Boolean> ran = new CompletableFuture<>();
            s.onDrain(() -> ran.complete(loop.inLoop()));
            assertTrue(ran.get(10, TimeUnit.SECONDS));
            s.close();
            Idle.assertIdle(loop);
        }
    }

    @Test
    void onDrainAskedInsideTheDatagramCallbackRuns() throws Exception {
        try (EventLoop loop = loops.start()) {
            CompletableFuture<Void> ran = new CompletableFuture<>();
            UdpSocket server = loop.udpSocket("127.0.0.1", 0, (s, d, f) -> s.onDrain(() -> ran.complete(null)), null);
            UdpSocket client = loop.udpSocket("127.0.0.1", 0, null, null);
            client.send(new byte[1], server.localAddress());
            ran.get(10, TimeUnit.SECONDS);
            client.close();
            server.close();
            Idle.assertIdle(loop);
        }
    }

    @Test
    void emptyDatagramsGoBothWays() throws Exception {
        try (EventLoop loop = loops.start()) {
            UdpSocket server = loop.udpSocket("127.0.0.1", 0, (s, d, f) -> s.send(d, f), null);
            String out = Peers.output(Peers.python(String.join("\n",
                    "import socket, sys",
                    "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
                    "s.settimeout(10)",
                    "s.sendto(b'', ('127.0.0.1', int(sys.argv[1])))",
                    "data, addr = s.recvfrom(100)",
                    "print('len', len(data))"), server.port()));
            assertEquals("len 0", out);
            server.close();
            Idle.assertIdle(loop);
        }
    }

    @Test
    void anUnresolvedAddressIsLookedUp() throws Exception {
        try (EventLoop loop = loops.start()) {
            CompletableFuture<byte[]> got = new CompletableFuture<>();
            UdpSocket server = loop.udpSocket("127.0.0.1", 0, (s, d, f) -> got.complete(d), null);
            UdpSocket client = loop.udpSocket("127.0.0.1", 0, null, null);
            client.send(new byte[] {42}, InetSocketAddress.createUnresolved("localhost", server.port()));
            assertEquals(42, got.get(10, TimeUnit.SECONDS)[0]);
            client.close();
            server.close();
            Idle.awaitIdle(loop);
        }
    }
}
