package io.github.evasync.bench;

import io.github.evasync.EventLoop;
import io.github.evasync.LoopOptions;
import io.github.evasync.dns.Family;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lookups per second of distinct names against one DNS server: evasync's evdns on one loop
 * against the JDK's {@code InetAddress.getAllByName} on a pool of threads (run the JVM with
 * {@code -Dsun.net.inetaddr.ttl=0 -Dsun.net.inetaddr.negative.ttl=0} so its cache is off).
 * bench/dns.sh sets up the server and the resolver configuration. Prints one line per run.
 * Usage: DnsBench NAMESERVER DOMAIN COUNT THREADS ROUNDS
 */
public final class DnsBench {
    private DnsBench() {
    }

    public static void main(String[] args) throws Exception {
        String nameserver = args[0];
        String domain = args[1];
        int count = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        int rounds = Integer.parseInt(args[4]);
        // Warm both paths (JIT, sockets) with full runs on names no measured run uses.
        for (int w = 0; w < 5; w++) {
            jdk(domain, "w", count, threads);
            settle();
            evasync(nameserver, domain, "w", count);
            settle();
        }
        for (int r = 1; r <= rounds; r++) {
            double j = jdk(domain, "n", count, threads);
            System.out.printf("dns jdk round=%d lookups_per_s=%.0f%n", r, j);
            settle();
            double e = evasync(nameserver, domain, "n", count);
            System.out.printf("dns evasync round=%d lookups_per_s=%.0f%n", r, e);
            settle();
        }
    }

    /** Lets the previous run's threads end and its garbage go, so neither run pays for the other. */
    private static void settle() throws InterruptedException {
        System.gc();
        Thread.sleep(300);
    }

    private static double jdk(String domain, String prefix, int count, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long t0 = System.nanoTime();
            List<Future<InetAddress[]>> all = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String name = prefix + i + "." + domain;
                all.add(pool.submit(() -> InetAddress.getAllByName(name)));
            }
            for (Future<InetAddress[]> f : all) {
                if (f.get().length == 0) {
                    throw new IllegalStateException("no address");
                }
            }
            return count / ((System.nanoTime() - t0) / 1e9);
        } finally {
            pool.shutdown();
            pool.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static double evasync(String nameserver, String domain, String prefix, int count) {
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long[] t = new long[2];
        EventLoop.run(LoopOptions.defaults().nameservers(List.of(nameserver)), loop -> {
            t[0] = System.nanoTime();
            for (int i = 0; i < count; i++) {
                loop.dnsLookup(prefix + i + "." + domain, Family.UNSPEC, (a, f) -> {
                    if (answered.incrementAndGet() + failed.get() == count) {
                        t[1] = System.nanoTime();
                    }
                }, e -> {
                    if (answered.get() + failed.incrementAndGet() == count) {
                        t[1] = System.nanoTime();
                    }
                });
            }
        });
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " evasync lookups failed");
        }
        return count / ((t[1] - t[0]) / 1e9);
    }
}
