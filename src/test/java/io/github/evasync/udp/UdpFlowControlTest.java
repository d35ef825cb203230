package io.github.evasync.udp;

import io.github.evasync.Await;
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
import java.util.concurrent.atomic.AtomicInteger;

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
    void aPumpThatAsksForOnDrainAgainWaitsForTheQueueToDrain() throws Exception {
        int total = 3000;
        int size = 100;
        int high = 4000;
        try (EventLoop loop = loops.start()) {
            AtomicInteger arrived = new AtomicInteger();
            UdpSocket server = loop.udpSocket("127.0.0.1", 0, (s, d, f) -> arrived.incrementAndGet(), null);
            UdpSocket client = loop.udpSocket("127.0.0.1", 0, null, null,
                    UdpOptions.defaults().sendHighWatermark(high));
            InetSocketAddress to = server.localAddress();
            byte[] b = new byte[size];
            AtomicInteger sent = new AtomicInteger();
            List<Integer> perRun = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> done = new CompletableFuture<>();
            // Node's pump: send until send() says false, then wait for the drain.
            Runnable[] pump = new Runnable[1];
            pump[0] = () -> {
                int n = 0;
                boolean ok = true;
                while (ok && sent.get() < total) {
                    ok = client.send(b, to);
                    sent.incrementAndGet();
                    n++;
                }
                perRun.add(n);
                if (sent.get() < total) {
                    client.onDrain(pump[0]);
                } else {
                    done.complete(null);
                }
            };
            loop.execute(pump[0]);
            done.get(30, TimeUnit.SECONDS);
            // A drain callback runs only below half the mark, so each run queues at least the
            // other half before send says false: never a run of one datagram into a full queue.
            int least = high / 2 / size;
            List<Integer> full = perRun.subList(0, perRun.size() - 1); // the last run stops at total
            assertTrue(full.stream().allMatch(n -> n >= least),
                    "datagrams queued per pump run (a run of 1 means it ran with the queue full): "
                            + perRun.subList(0, Math.min(perRun.size(), 40)));
            assertTrue(perRun.size() < total / least + 2, "pump runs: " + perRun.size());
            Await.until("a datagram arrives", () -> arrived.get() > 0);
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
