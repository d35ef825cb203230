package io.github.evasync.udp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import io.github.evasync.UdpError;
import io.github.evasync.internal.ffi.DatagramReceive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batches: more datagrams than one recvmmsg takes, datagrams too large, a flood beside a timer. */
@Timeout(60)
class UdpBatchTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    /**
     * What a kernel receive buffer costs per small datagram at most (its buffer's true size with
     * the bookkeeping, about 1 KiB on Linux): twice that, to be safe.
     */
    private static final int BUFFER_PER_SMALL_DATAGRAM = 2048;

    /**
     * How many small datagrams fit at once in {@code s}'s receive buffer as the kernel granted it
     * (it caps the size asked at net.core.rmem_max), at most {@code wanted}: a burst larger than
     * that would be dropped by the kernel without a word, and the test would fail for the machine.
     */
    private static int burstThatFits(UdpSocket s, int wanted) {
        int granted = ((io.github.evasync.internal.udp.UdpSocketImpl) s).receiveBufferSize();
        return Math.min(wanted, granted / BUFFER_PER_SMALL_DATAGRAM);
    }

    @Test
    void manyDatagramsInOneBurstAllArriveWholeAndInOrder() throws Exception {
        try (EventLoop loop = loops.start()) {
            Set<String> seen = ConcurrentHashMap.newKeySet();
            AtomicInteger outOfOrder = new AtomicInteger();
            AtomicInteger last = new AtomicInteger(-1);
            CountDownLatch[] latch = new CountDownLatch[1];
            // Small datagrams: 64 per recvmmsg. A large receive buffer keeps the burst in the kernel.
            UdpSocket server = loop.udpSocket("127.0.0.1", 0, (s, data, from) -> {
                String text = new String(data, StandardCharsets.UTF_8);
                int n = Integer.parseInt(text.substring(1));
                if (n != last.get() + 1) {
                    outOfOrder.incrementAndGet();
                }
                last.set(n);
                if (seen.add(text)) {
                    latch[0].countDown();
                }
            }, null, UdpOptions.defaults().maxDatagramSize(2048).receiveBufferSize(4 << 20));
            int count = burstThatFits(server, 4 * DatagramReceive.MAX_SLOTS + 7);
            // More than two full batches, or the test says nothing about batches.
            assertTrue(count > 2 * DatagramReceive.MAX_SLOTS + 1, "the kernel granted a receive buffer for only "
                    + count + " small datagrams (raise net.core.rmem_max)");
            CountDownLatch all = new CountDownLatch(count);
            latch[0] = all;
            // The loop is held busy while python sends them all, so they wait in the kernel together.
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch sent = new CountDownLatch(1);
            loop.execute(() -> {
                held.countDown();
                try {
                    sent.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            held.await();
            Process p = Peers.python(String.join("\n",
                    "import socket, sys",
                    "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
                    "for i in range(int(sys.argv[2])):",
                    "    s.sendto(b'#%d' % i, ('127.0.0.1', int(sys.argv[1])))"), server.port(), count);
            Peers.output(p);
            sent.countDown();
            assertTrue(all.await(30, TimeUnit.SECONDS), "received " + seen.size() + " of " + count);
            assertEquals(0, outOfOrder.get());
            server.close();
            Idle.assertIdle(loop);
        }
    }

    @Test
    void aDatagramLargerThanTheSocketTakesIsReportedNotCut() throws Exception {
        try (EventLoop loop = loops.start()) {
            CompletableFuture<UdpError> error = new CompletableFuture<>();
            CompletableFuture<byte[]> small = new CompletableFuture<>();
            AtomicInteger delivered = new AtomicInteger();
            UdpSocket server = loop.udpSocket("127.0.0.1", 0, (s, data, from) -> {
                delivered.incrementAndGet();
                small.complete(data);
            }, ev -> error.complete((UdpError) ev), UdpOptions.defaults().maxDatagramSize(1024));
            UdpSocket client = loop.udpSocket("127.0.0.1", 0, null, null);
            client.send(new byte[1025], server.localAddress());
            UdpError e = error.get(10, TimeUnit.SECONDS);
            assertEquals(90, e.errcode(), e.getMessage()); // EMSGSIZE
            assertTrue(e.getMessage().contains("1025 bytes"), e.getMessage());
            assertEquals(client.port(), e.address().getPort());
            // The socket goes on: a datagram of exactly the size is delivered whole.
            client.send(new byte[1024], server.localAddress());
            assertEquals(1024, small.get(10, TimeUnit.SECONDS).length);
            assertEquals(1, delivered.get());
            client.close();
            server.close();
            Idle.assertIdle(loop);
        }
    }

    @Test
    void theLargestDatagramsArriveWholeByDefault() throws Exception {
        try (EventLoop loop = loops.start()) {
            CompletableFuture<byte[]> v4 = new CompletableFuture<>();
            CompletableFuture<byte[]> v6 = new CompletableFuture<>();
            UdpSocket server4 = loop.udpSocket("127.0.0.1", 0, (s, d, f) -> v4.complete(d), null,
                    UdpOptions.defaults().receiveBufferSize(1 << 20));
            UdpSocket server6 = loop.udpSocket("::1", 0, (s, d, f) -> v6.complete(d), null,
                    UdpOptions.defaults().receiveBufferSize(1 << 20));
            UdpSocket client = loop.udpSocket(null, 0, null, null, UdpOptions.defaults().sendBufferSize(1 << 20));
            byte[] big4 = new byte[65507];
            big4[65506] = 7;
            byte[] big6 = new byte[65527];
            big6[65526] = 9;
            client.send(big4, server4.localAddress());
            client.send(big6, server6.localAddress());
            assertEquals(7, v4.get(10, TimeUnit.SECONDS)[65506]);
            assertEquals(9, v6.get(10, TimeUnit.SECONDS)[65526]);
            client.close();
            server4.close();
            server6.close();
            Idle.assertIdle(loop);
        }
    }

    @Test
    void aFloodDoesNotStarveATimer() throws Exception {
        try (EventLoop loop = loops.start()) {
            AtomicInteger received = new AtomicInteger();
            UdpSocket server = loop.udpSocket("127.0.0.1", 0, (s, d, f) -> received.incrementAndGet(), null);
            // The flood lasts longer than the test needs; the test ends it.
            Process flood = Peers.python(String.join("\n",
                    "import socket, sys, time",
                    "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
                    "end = time.time() + 60",
                    "while time.time() < end:",
                    "    for i in range(500):",
                    "        s.sendto(b'x' * 32, ('127.0.0.1', int(sys.argv[1])))"), server.port());
            try {
                io.github.evasync.Await.until("the flood reaches the loop", () -> received.get() > 1000);
                int before = received.get();
                AtomicInteger ticks = new AtomicInteger();
                var interval = loop.interval(java.time.Duration.ofMillis(20), ticks::incrementAndGet);
                // A starved loop would never get there: the bound fails it.
                io.github.evasync.Await.until(() -> "timer ticks during the flood: " + ticks.get(),
                        () -> ticks.get() >= 10);
                int during = received.get() - before;
                assertTrue(flood.isAlive(), "the flood ended too early to tell");
                interval.free();
                // The timer ticked while datagrams kept being read, not after the flood.
                assertTrue(during > 1000, "datagrams read while the timer ticked: " + during);
            } finally {
                flood.destroy();
                flood.waitFor(30, TimeUnit.SECONDS);
            }
            server.close();
            Idle.assertIdle(loop);
        }
    }

    @Test
    void sendsOfOneTurnAllLeaveAndArrive() throws Exception {
        try (EventLoop loop = loops.start()) {
            CountDownLatch[] latch = new CountDownLatch[1];
            UdpSocket server = loop.udpSocket("127.0.0.1", 0, (s, d, f) -> latch[0].countDown(), null,
                    UdpOptions.defaults().receiveBufferSize(4 << 20));
            // They all leave before the server reads one: all must fit in its buffer.
            int count = burstThatFits(server, 300);
            assertTrue(count > 2 * io.github.evasync.internal.ffi.DatagramSend.MAX, "the kernel granted a receive"
                    + " buffer for only " + count + " small datagrams (raise net.core.rmem_max)");
            CountDownLatch all = new CountDownLatch(count);
            latch[0] = all;
            UdpSocket client = loop.udpSocket("127.0.0.1", 0, null, null);
            InetSocketAddress to = server.localAddress();
            loop.execute(() -> {
                for (int i = 0; i < count; i++) {
                    client.send(("n" + i).getBytes(StandardCharsets.UTF_8), to);
                }
            });
            assertTrue(all.await(30, TimeUnit.SECONDS), "left: " + all.getCount());
            client.close();
            server.close();
            Idle.assertIdle(loop);
        }
    }
}
