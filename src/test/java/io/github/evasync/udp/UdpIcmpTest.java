package io.github.evasync.udp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import io.github.evasync.UdpError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ICMP errors that concern other peers: a raw-socket peer forges "port unreachable" messages
 * about replies to addresses the server never talked to (127.0.0.2 and up), while a valid client
 * keeps asking. With {@code IP_RECVERR} each one leaves an error pending on the socket, which the
 * next send takes; none may cost the valid client a reply, be blamed on it, or end a loop.
 */
@Timeout(120)
class UdpIcmpTest {
    /** Requests the valid client sends. */
    private static final int REQUESTS = 300;
    /** Forged ICMP errors sent after each request. */
    private static final int FORGED_PER_REQUEST = 30;

    @RegisterExtension
    final TestLoops loops = new TestLoops();

    /**
     * The peers: argv[1] the server's port, argv[2] requests, argv[3] forged errors per request.
     * A raw ICMP socket (the tests run as root, as CI does) sends type 3 code 3 quoting a UDP
     * datagram from the server to 127.0.0.(2+k):(40000+k). The valid client paces its requests,
     * collects the answers on a thread, then says "done" and prints how many answers came back
     * and its own port.
     */
    private static final String PEERS = String.join("\n",
            "import socket, struct, sys, threading, time",
            "port, n, k = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])",
            "def csum(b):",
            "    if len(b) % 2: b += b'\\0'",
            "    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))",
            "    s = (s >> 16) + (s & 0xffff); s += s >> 16",
            "    return ~s & 0xffff",
            "def forged(j):",
            "    dst = socket.inet_aton('127.0.0.%d' % (2 + j % 50))",
            "    udp = struct.pack('!HHHH', port, 40000 + j % 50, 12, 0)",
            "    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 32, 0, 0, 64, 17, 0, socket.inet_aton('127.0.0.1'), dst)",
            "    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]",
            "    body = b'\\x03\\x03\\0\\0\\0\\0\\0\\0' + ip + udp + b'gone'",
            "    return body[:2] + struct.pack('!H', csum(body)) + body[4:]",
            "pkts = [forged(j) for j in range(50)]",
            "raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)",
            "c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "c.bind(('127.0.0.1', 0))",
            "c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)",
            "c.settimeout(0.2)",
            "got = set()",
            "running = True",
            "def collect():",
            "    while running:",
            "        try:",
            "            got.add(c.recv(100))",
            "        except socket.timeout:",
            "            pass",
            "t = threading.Thread(target=collect); t.start()",
            "j = 0",
            "for i in range(n):",
            "    c.sendto(b'%d' % i, ('127.0.0.1', port))",
            "    for _ in range(k):",
            "        raw.sendto(pkts[j % 50], ('127.0.0.1', 0)); j += 1",
            "    time.sleep(0.001)",
            "deadline = time.time() + 10",
            "while len(got) < n and time.time() < deadline:",
            "    time.sleep(0.05)",
            "time.sleep(0.3)",
            "running = False; t.join()",
            "c.sendto(b'done', ('127.0.0.1', port))",
            "print(len(got), c.getsockname()[1])");

    /** What one run saw: requests the server read, answers the client got, the client's port. */
    private record Outcome(int asked, int answered, int clientPort) {
    }

    /** An echo server that closes itself on "done"; the peers run until they print. */
    private static Outcome exchange(EventLoop loop, io.github.evasync.EventHandler handler) throws Exception {
        AtomicInteger asked = new AtomicInteger();
        UdpSocket server = loop.udpSocket("127.0.0.1", 0, (s, d, f) -> {
            if (new String(d, StandardCharsets.UTF_8).equals("done")) {
                s.close();
                return;
            }
            asked.incrementAndGet();
            s.send(d, f);
        }, handler, UdpOptions.defaults().receiveBufferSize(4 << 20));
        Process peers = Peers.python(PEERS, server.port(), REQUESTS, FORGED_PER_REQUEST);
        String[] out = Peers.output(peers).split(" ");
        return new Outcome(asked.get(), Integer.parseInt(out[0]), Integer.parseInt(out[1]));
    }

    @Test
    void forgedErrorsAboutOtherPeersCostTheValidPeerNoReplyAndAreReportedWithTheirOwnAddress() throws Exception {
        try (EventLoop loop = loops.start()) {
            Queue<String> misattributed = new ConcurrentLinkedQueue<>();
            AtomicInteger forged = new AtomicInteger();
            Outcome o = exchange(loop, ev -> {
                if (ev instanceof UdpError u && u.address() != null
                        && u.address().getAddress().getHostAddress().startsWith("127.0.0.")
                        && !u.address().getAddress().getHostAddress().equals("127.0.0.1")
                        && u.address().getPort() >= 40000) {
                    forged.incrementAndGet();
                } else if (!(ev instanceof UdpError u && u.address() == null)) {
                    // An error without an address (the kernel's error queue overflowed) blames
                    // nobody; any other event is blamed on someone who did nothing.
                    misattributed.add(String.valueOf(ev));
                }
            });
            assertTrue(o.asked() > REQUESTS / 2, "requests the server read: " + o.asked());
            assertEquals(o.asked(), o.answered(), "answers lost to errors about other peers");
            assertTrue(forged.get() > 0, "no forged error was reported");
            assertTrue(misattributed.isEmpty(), "events blamed on the wrong peer: "
                    + misattributed.stream().limit(5).toList());
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void forgedErrorsDoNotEndARunLoopWithoutAHandler() throws Exception {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        // The default handler rethrows what reaches it, which would end this loop: errors a peer
        // causes must not reach it. The loop ends only when "done" closes the server.
        boolean ended = EventLoop.run(loop -> {
            AtomicInteger asked = new AtomicInteger();
            UdpSocket server = loop.udpSocket("127.0.0.1", 0, (s, d, f) -> {
                if (new String(d, StandardCharsets.UTF_8).equals("done")) {
                    s.close();
                    return;
                }
                asked.incrementAndGet();
                s.send(d, f);
            }, null, UdpOptions.defaults().receiveBufferSize(4 << 20));
            Process peers;
            try {
                peers = Peers.python(PEERS, server.port(), REQUESTS, FORGED_PER_REQUEST);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            // The peers' report is read off the loop thread, which keeps serving meanwhile.
            Thread.ofPlatform().start(() -> {
                try {
                    String[] out = Peers.output(peers).split(" ");
                    outcome.complete(new Outcome(asked.get(), Integer.parseInt(out[0]), Integer.parseInt(out[1])));
                } catch (Throwable t) {
                    outcome.completeExceptionally(t);
                }
            });
        });
        assertTrue(ended, "the run loop was exited");
        Outcome o = outcome.get(60, TimeUnit.SECONDS);
        assertTrue(o.asked() > REQUESTS / 2, "requests the server read: " + o.asked());
        assertEquals(o.asked(), o.answered(), "answers lost to errors about other peers");
    }
}
