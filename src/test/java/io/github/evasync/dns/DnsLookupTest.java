package io.github.evasync.dns;

import io.github.evasync.DnsError;
import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.LoopOptions;
import io.github.evasync.TestLoops;
import io.github.evasync.tcp.TcpSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class DnsLookupTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    static Dnsmasq dns;

    @BeforeAll
    static void startDns() throws Exception {
        List<String> hosts = new ArrayList<>(List.of(
                "10.1.2.3 a.your.test",
                "fd00::1 six.your.test",
                "10.1.2.4 both.your.test",
                "fd00::2 both.your.test",
                "10.0.0.1 multi.your.test",
                "10.0.0.2 multi.your.test",
                "10.0.0.3 multi.your.test"));
        for (int i = 0; i < 1000; i++) {
            hosts.add("10.9." + (i / 256) + "." + (i % 256) + " n" + i + ".your.test");
        }
        dns = Dnsmasq.start(hosts);
    }

    @AfterAll
    static void stopDns() throws Exception {
        dns.close();
    }

    static LoopOptions options() {
        return LoopOptions.defaults().nameservers(List.of(dns.address())).dnsTimeout(Duration.ofSeconds(2));
    }

    record Answer(InetAddress address, Family family) {
    }

    static List<Object> lookup(String host, Family family) {
        List<Object> got = new ArrayList<>();
        EventLoop.run(options(), loop -> {
            loop.dnsLookup(host, family, (a, f) -> got.add(new Answer(a, f)), got::add);
            Idle.atExit(loop);
        });
        return got;
    }

    @Test
    void aRecord() throws Exception {
        assertEquals(List.of(new Answer(InetAddress.getByName("10.1.2.3"), Family.INET)), lookup("a.your.test", Family.INET));
    }

    @Test
    void aaaaRecord() throws Exception {
        assertEquals(List.of(new Answer(InetAddress.getByName("fd00::1"), Family.INET6)),
                lookup("six.your.test", Family.INET6));
    }

    @Test
    void unspecGivesEitherFamily() throws Exception {
        List<Object> got = lookup("both.your.test", Family.UNSPEC);
        assertEquals(1, got.size(), got.toString());
        Answer a = (Answer) got.get(0);
        assertTrue(Set.of(InetAddress.getByName("10.1.2.4"), InetAddress.getByName("fd00::2")).contains(a.address()));
        assertEquals(Family.of(a.address()), a.family());
    }

    @Test
    void resolveGivesEveryAddress() throws Exception {
        List<InetAddress> all = new ArrayList<>();
        EventLoop.run(options(), loop -> {
            loop.resolve("multi.your.test").thenAccept(all::addAll);
            Idle.atExit(loop);
        });
        assertEquals(Set.of(InetAddress.getByName("10.0.0.1"), InetAddress.getByName("10.0.0.2"),
                InetAddress.getByName("10.0.0.3")), new HashSet<>(all));
        assertEquals(3, all.size());
    }

    @Test
    void nxdomainGivesExactlyOneDnsError() {
        List<Object> got = lookup("missing.your.test", Family.INET);
        assertEquals(1, got.size(), got.toString());
        DnsError e = assertInstanceOf(DnsError.class, got.get(0));
        assertTrue(e.errcode() != 0);
        assertEquals("missing.your.test", e.host());
        // errmsg() is libevent's text alone (API.md); the message names the host as well.
        assertFalse(e.errmsg().contains("missing.your.test"), e.errmsg());
        assertFalse(e.errmsg().isBlank());
        assertTrue(e.getMessage().startsWith("missing.your.test: " + e.errmsg()), e.getMessage());
    }

    @Test
    void noAddressOfTheFamilyIsAnError() {
        List<Object> got = lookup("a.your.test", Family.INET6);
        assertEquals(1, got.size(), got.toString());
        assertInstanceOf(DnsError.class, got.get(0));
    }

    @Test
    void literalsResolveWithoutAQueryEvenWhenNoServerAnswers() throws Exception {
        List<Object> got = new ArrayList<>();
        LoopOptions deaf = LoopOptions.defaults().nameservers(List.of("127.0.0.1:9")).dnsTimeout(Duration.ofMillis(100));
        EventLoop.run(deaf, loop -> {
            loop.dnsLookup("192.0.2.7", (a, f) -> got.add(new Answer(a, f)), got::add);
            loop.dnsLookup("2001:db8::7", Family.INET6, (a, f) -> got.add(new Answer(a, f)), got::add);
            assertEquals(0, loop.stats().openDnsQueries());
            Idle.atExit(loop);
        });
        assertEquals(List.of(new Answer(InetAddress.getByName("192.0.2.7"), Family.INET),
                new Answer(InetAddress.getByName("2001:db8::7"), Family.INET6)), got);
    }

    @Test
    void localhostComesFromEtcHosts() throws Exception {
        List<Object> got = new ArrayList<>();
        EventLoop.run(loop -> {
            loop.dnsLookup("localhost", Family.INET, (a, f) -> got.add(new Answer(a, f)), got::add);
            Idle.atExit(loop);
        });
        assertEquals(List.of(new Answer(InetAddress.getByName("127.0.0.1"), Family.INET)), got);
    }

    @Test
    void silentNameserverTimesOutWithinTimeoutTimesAttempts() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            List<Object> got = new ArrayList<>();
            AtomicLong ms = new AtomicLong();
            LoopOptions o = LoopOptions.defaults().nameservers(List.of("127.0.0.1:" + silent.getLocalPort()))
                    .dnsTimeout(Duration.ofMillis(200));
            long t0 = System.nanoTime();
            EventLoop.run(o, loop -> {
                loop.dnsLookup("quiet.your.test", Family.INET, (a, f) -> got.add(a), e -> {
                    ms.set((System.nanoTime() - t0) / 1_000_000);
                    got.add(e);
                });
                assertEquals(1, loop.stats().openDnsQueries());
                Idle.atExit(loop);
            });
            assertEquals(1, got.size(), got.toString());
            DnsError e = assertInstanceOf(DnsError.class, got.get(0));
            assertTrue(e.errmsg().toLowerCase().contains("time") || e.errmsg().toLowerCase().contains("fail")
                    || e.errcode() != 0, e.toString());
            // Not before the first attempt's timeout; the class timeout bounds the rest.
            assertTrue(ms.get() >= 190, "gave up early, after " + ms + " ms");
        }
    }

    @Test
    void thousandConcurrentLookupsAllAnswered() {
        AtomicInteger answered = new AtomicInteger();
        List<Object> wrong = new ArrayList<>();
        EventLoop.run(options(), loop -> {
            for (int i = 0; i < 1000; i++) {
                String expected = "10.9." + (i / 256) + "." + (i % 256);
                loop.dnsLookup("n" + i + ".your.test", Family.INET, (a, f) -> {
                    if (a.getHostAddress().equals(expected)) {
                        answered.incrementAndGet();
                    } else {
                        wrong.add(a);
                    }
                }, wrong::add);
            }
            assertEquals(1000, loop.stats().openDnsQueries());
            Idle.atExit(loop);
        });
        assertEquals(List.of(), wrong);
        assertEquals(1000, answered.get());
    }

    @Test
    void pendingLookupsAreCancelledOnExit() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            AtomicInteger called = new AtomicInteger();
            LoopOptions o = LoopOptions.defaults().nameservers(List.of("127.0.0.1:" + silent.getLocalPort()));
            EventLoop.run(o, loop -> {
                for (int i = 0; i < 10; i++) {
                    loop.dnsLookup("never" + i + ".your.test", (a, f) -> called.incrementAndGet(),
                            e -> called.incrementAndGet());
                }
                loop.delay(Duration.ofMillis(50), loop::exit);
            });
            Thread.sleep(100);
            assertEquals(0, called.get(), "no callback runs for a cancelled lookup");
        }
    }

    @Test
    void liveLoopResolveFromAnotherThread() throws Exception {
        try (EventLoop loop = loops.start(options())) {
            assertEquals(List.of(InetAddress.getByName("10.1.2.3")), loop.resolve("a.your.test").get(10, TimeUnit.SECONDS));
            var e = assertThrows(ExecutionException.class, () -> loop.resolve("nope.your.test").get(10, TimeUnit.SECONDS));
            assertInstanceOf(DnsError.class, e.getCause());
            Idle.assertIdle(loop);
        }
    }

    @Test
    void tcpConnectToAnUnknownNameGivesDnsError() {
        List<Exception> events = new ArrayList<>();
        EventLoop.run(options(), loop -> {
            TcpSocket s = loop.tcpConnect("missing.your.test", 80, null, events::add);
            Idle.atExit(loop);
        });
        assertEquals(1, events.size(), events.toString());
        assertInstanceOf(DnsError.class, events.get(0));
    }

    @Test
    void badHostsAreRefusedByName() {
        EventLoop.run(loop -> {
            for (String bad : new String[]{null, "", "a".repeat(64) + ".test", ("abc.").repeat(70)}) {
                var e = assertThrows(IllegalArgumentException.class, () -> loop.dnsLookup(bad, (a, f) -> { }, null));
                assertTrue(e.getMessage().contains("host"), e.getMessage());
            }
            Idle.atExit(loop);
        });
    }

    /**
     * A nameserver is refused when the options are made, not at the first lookup: what follows
     * an IPv6 literal's bracket was not looked at.
     */
    @Test
    void badNameserversAreRefusedAtOnce() {
        for (String bad : new String[] {"[::1]garbage", "[::1]:", "[::1]:0", "[::1]:65536", "[::1]:x", "[::1", "1.2.3.4:99999",
                "example.com", ""}) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> LoopOptions.defaults().nameservers(java.util.List.of(bad)), bad);
            assertTrue(e.getMessage().startsWith("servers"), e.getMessage());
        }
        for (String good : new String[] {"[::1]", "[::1]:5353", "127.0.0.1", "127.0.0.1:53"}) {
            assertEquals(java.util.List.of(good), LoopOptions.defaults().nameservers(java.util.List.of(good)).nameservers());
        }
    }
}
