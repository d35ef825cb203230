package io.github.evasync.reliability;

import io.github.evasync.EventLoop;
import io.github.evasync.Await;
import io.github.evasync.Idle;
import io.github.evasync.LoopOptions;
import io.github.evasync.LoopStats;
import io.github.evasync.TestLoops;
import io.github.evasync.http.HttpServer;
import io.github.evasync.tcp.ServerOptions;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpServer;
import io.github.evasync.tcp.TcpSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sockets, servers and loops closed at awkward moments: nothing crashes, no callback runs late. */
@Timeout(60)
class CloseFromAnywhereTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @Test
    void socketClosedDuringConnectAndTwice() {
        AtomicInteger calls = new AtomicInteger();
        EventLoop.run(loop -> {
            TcpServer server = loop.tcpServer("127.0.0.1", 0, null, null);
            TcpSocket s = loop.tcpConnect("127.0.0.1", server.port(), (x, d) -> calls.incrementAndGet(),
                    e -> calls.incrementAndGet(), TcpOptions.defaults().connectCallback(x -> calls.incrementAndGet()));
            s.close();
            s.close();
            s.closeNow();
            assertTrue(s.isClosed());
            loop.delay(Duration.ofMillis(50), server::close);
            Idle.atExit(loop);
        });
        assertEquals(0, calls.get(), "no callback runs for a socket closed before it connected");
    }

    @Test
    void socketClosedDuringItsDnsLookup() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            AtomicInteger calls = new AtomicInteger();
            LoopOptions o = LoopOptions.defaults().nameservers(List.of("127.0.0.1:" + silent.getLocalPort()));
            EventLoop.run(o, loop -> {
                TcpSocket s = loop.tcpConnect("slow.example.test", 80, (x, d) -> calls.incrementAndGet(),
                        e -> calls.incrementAndGet());
                assertEquals(1, loop.stats().openDnsQueries());
                loop.delay(Duration.ofMillis(30), () -> {
                    s.closeNow();
                    assertEquals(0, loop.stats().openDnsQueries());
                });
                Idle.atExit(loop);
            });
            assertEquals(0, calls.get());
        }
    }

    @Test
    void socketsClosedInsideTheirOwnCallbacks() {
        List<String> seen = new ArrayList<>();
        EventLoop.run(loop -> {
            TcpServer[] server = new TcpServer[1];
            // The server closes once both clients have closed themselves and it has accepted both.
            Runnable closeServerWhenDone = () -> {
                if (seen.contains("read callback closes") && seen.contains("connect callback closes")
                        && seen.stream().filter("accepted"::equals).count() == 2) {
                    server[0].close();
                }
            };
            server[0] = loop.tcpServer("127.0.0.1", 0, (s, d) -> {
                s.write(d, w -> {
                    seen.add("write callback closes");
                    w.close();
                    w.close();
                });
            }, e -> seen.add("server side " + e.getClass().getSimpleName()),
                    ServerOptions.defaults().connectCallback(s -> {
                        seen.add("accepted");
                        closeServerWhenDone.run();
                    }));
            loop.tcpConnect("127.0.0.1", server[0].port(), (s, d) -> {
                seen.add("read callback closes");
                s.closeNow();
                s.closeNow();
                closeServerWhenDone.run();
            }, e -> {
                seen.add("handler closes " + e.getClass().getSimpleName());
                ((io.github.evasync.TcpInfo) e).socket().close();
            }, TcpOptions.defaults().data("x").connectCallback(s -> seen.add("connected")));
            TcpSocket third = loop.tcpConnect("127.0.0.1", server[0].port(), null, null,
                    TcpOptions.defaults().connectCallback(s -> {
                        seen.add("connect callback closes");
                        s.close();
                        closeServerWhenDone.run();
                    }));
            Idle.atExit(loop);
        });
        assertTrue(seen.contains("read callback closes"), seen.toString());
        assertTrue(seen.contains("connect callback closes"), seen.toString());
    }

    @Test
    void closedFromAnotherThreadWhileBusy() throws Exception {
        try (EventLoop loop = loops.start()) {
            CountDownLatch connected = new CountDownLatch(1);
            TcpServer server = loop.tcpServer("127.0.0.1", 0, (s, d) -> s.write(d), null);
            TcpSocket client = loop.tcpConnect("127.0.0.1", server.port(), (s, d) -> s.write(d), null,
                    TcpOptions.defaults().data("ping-pong").connectCallback(s -> connected.countDown()));
            assertTrue(connected.await(5, TimeUnit.SECONDS));
            Thread.sleep(50);
            Thread closer = new Thread(() -> {
                client.close();
                client.close();
                server.close();
            });
            closer.start();
            closer.join();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void serverClosedWithConnectionsOpenThenLoopClosedWithEverythingPending() throws Exception {
        EventLoop loop = loops.start();
        HttpServer http = loop.httpServer("127.0.0.1", 0, req -> { /* never answered */ }, null);
        TcpServer tcp = loop.tcpServer("127.0.0.1", 0, null, null);
        for (int i = 0; i < 20; i++) {
            loop.tcpConnect("127.0.0.1", tcp.port(), null, null);
            loop.httpClient("http://127.0.0.1:" + http.port() + "/" + i, (s, h, b) -> { }, e -> { });
        }
        loop.delay(Duration.ofSeconds(30), () -> { });
        loop.resolve("localhost");
        // Everything is in flight once the servers have accepted the clients.
        Await.until(() -> "connections accepted: " + loop.stats(), () -> {
            LoopStats st = loop.stats();
            return st.incomingTcpConnections() >= 20 && st.incomingHttpConnections() > 0;
        });
        http.close();
        tcp.close();
        assertTrue(loop.stats().incomingTcpConnections() > 0);
        loop.close();
        assertTrue(loop.isClosed());
    }

    @Test
    void loopClosedFromInsideACallback() {
        AtomicInteger after = new AtomicInteger();
        AtomicInteger atClose = new AtomicInteger(-1);
        EventLoop.run(loop -> {
            TcpServer server = loop.tcpServer("127.0.0.1", 0, (s, d) -> {
                atClose.set(after.get());
                loop.close();
                loop.delay(() -> after.incrementAndGet());
            }, null);
            loop.tcpConnect("127.0.0.1", server.port(), null, null, TcpOptions.defaults().data("bye"));
            loop.interval(Duration.ofMillis(5), after::incrementAndGet);
        });
        assertTrue(atClose.get() >= 0, "the read callback that closes the loop ran");
        assertEquals(atClose.get(), after.get(), "neither the interval nor the new delay ran after the close");
    }

    @Test
    void lateAnswersToGoneClientsAreDropped() {
        List<String> seen = new ArrayList<>();
        EventLoop.run(loop -> {
            HttpServer[] http = new HttpServer[1];
            TcpSocket[] c = new TcpSocket[1];
            // The client goes away once its request has arrived; the answer comes 100 ms later.
            http[0] = loop.httpServer("127.0.0.1", 0, req -> {
                c[0].closeNow();
                loop.delay(Duration.ofMillis(100), () -> {
                    req.respond(200, Map.of(), "too late");
                    seen.add("answered=" + req.isAnswered());
                    http[0].close();
                });
            }, null);
            c[0] = loop.tcpConnect("127.0.0.1", http[0].port(), null, null,
                    TcpOptions.defaults().data("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
            Idle.atExit(loop);
        });
        assertEquals(List.of("answered=true"), seen);
    }
}
