package io.github.evasync.reliability;

import io.github.evasync.Event;
import io.github.evasync.EventLoop;
import io.github.evasync.LoopOptions;
import io.github.evasync.http.HttpClientOptions;
import io.github.evasync.http.HttpServer;
import io.github.evasync.internal.ffi.AllocationCounter;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpServer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs in a JVM of its own with libevent's allocations counted: a warm-up loop, then each
 * workload in a fresh loop, printing libevent's live allocation count before and after.
 */
public final class AllocationChild {
    private AllocationChild() {
    }

    public static void main(String[] args) {
        if (!AllocationCounter.installed()) {
            throw new IllegalStateException("run with -D" + AllocationCounter.PROPERTY + "=true");
        }
        String dns = args.length > 0 ? args[0] : null;
        // libevent keeps a few process-wide blocks after its first loop; measure from there.
        EventLoop.run(loop -> loop.delay(Duration.ofMillis(1), () -> { }));
        measure("timers", AllocationChild::timers, LoopOptions.defaults());
        measure("tcp", AllocationChild::tcpCycles, LoopOptions.defaults());
        measure("http", AllocationChild::http, LoopOptions.defaults());
        if (dns != null) {
            measure("dns", AllocationChild::dns,
                    LoopOptions.defaults().nameservers(List.of(dns)).dnsTimeout(Duration.ofSeconds(2)));
        }
        System.out.println("all done");
    }

    private static void measure(String name, java.util.function.Consumer<EventLoop> work, LoopOptions o) {
        long before = AllocationCounter.live();
        long t0 = System.nanoTime();
        long[] during = {0};
        EventLoop.run(o, loop -> {
            work.accept(loop);
            during[0] = AllocationCounter.live();
        });
        long after = AllocationCounter.live();
        System.out.printf("%s before=%d during=%d after=%d ms=%d%n", name, before, during[0], after,
                (System.nanoTime() - t0) / 1_000_000);
    }

    /** 10,000 timers in every state: fired, pending then freed, freed twice, freed in their own callback. */
    private static void timers(EventLoop loop) {
        for (int i = 0; i < 2500; i++) {
            loop.delay(Duration.ofMillis(i % 10), () -> { });
            Event pending = loop.delay(Duration.ofSeconds(60), () -> { });
            pending.free();
            Event twice = loop.makeEvent(() -> { });
            twice.add(Duration.ofSeconds(60));
            twice.free();
            twice.free();
            Event[] self = new Event[1];
            self[0] = loop.interval(Duration.ofMillis(1), () -> self[0].free());
        }
    }

    /** 100,000 connect, write, close cycles, 100 at a time. */
    private static void tcpCycles(EventLoop loop) {
        int total = 100_000;
        AtomicInteger started = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        TcpServer server = loop.tcpServer("127.0.0.1", 0, (s, d) -> s.close(), e -> { });
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            if (started.get() >= total) {
                return;
            }
            started.incrementAndGet();
            loop.tcpConnect("127.0.0.1", server.port(), null, e -> {
                if (done.incrementAndGet() == total) {
                    server.close();
                }
                next[0].run();
            }, TcpOptions.defaults().data("x"));
        };
        for (int i = 0; i < 100; i++) {
            next[0].run();
        }
    }

    /** 10,000 HTTP requests on kept-alive connections and 10,000 on new ones. */
    private static void http(EventLoop loop) {
        HttpServer server = loop.httpServer("127.0.0.1", 0, req -> req.respond(200, Map.of(), "ok"), null);
        String url = "http://127.0.0.1:" + server.port() + "/";
        AtomicInteger left = new AtomicInteger(20_000);
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            int n = left.decrementAndGet();
            if (n < 0) {
                return;
            }
            HttpClientOptions o = n % 2 == 0 ? HttpClientOptions.defaults()
                    : HttpClientOptions.defaults().header("Connection", "close");
            loop.httpClient(url, (st, h, b) -> finish(loop, server, n, next[0]), e -> finish(loop, server, n, next[0]), o);
        };
        for (int i = 0; i < 20; i++) {
            next[0].run();
        }
    }

    private static void finish(EventLoop loop, HttpServer server, int n, Runnable next) {
        if (n == 0) {
            loop.closeIdleHttpConnections();
            server.close();
        } else {
            next.run();
        }
    }

    /** 10,000 lookups, half of names that do not exist. */
    private static void dns(EventLoop loop) {
        for (int i = 0; i < 10_000; i++) {
            String name = (i % 2 == 0 ? "n" : "missing") + i + ".your.test";
            loop.dnsLookup(name, (a, f) -> { }, e -> { });
        }
    }
}
