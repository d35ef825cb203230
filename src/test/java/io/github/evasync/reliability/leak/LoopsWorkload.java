package io.github.evasync.reliability.leak;

import io.github.evasync.EventHandler;
import io.github.evasync.EventLoop;
import io.github.evasync.LoopOptions;
import io.github.evasync.LoopStats;
import io.github.evasync.http.HttpRequestSpec;
import io.github.evasync.http.HttpServer;
import io.github.evasync.tcp.ServerOptions;
import io.github.evasync.tcp.TcpServer;
import io.github.evasync.tcp.TcpSocket;

import java.net.DatagramSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.github.evasync.reliability.leak.LeakSettings.LOOP_BUSY_TASK;
import static io.github.evasync.reliability.leak.LeakSettings.LOOP_CLIENTS;
import static io.github.evasync.reliability.leak.LeakSettings.LOOP_CLIENT_BYTES;
import static io.github.evasync.reliability.leak.LeakSettings.LOOP_CLOSE_TIMEOUT;
import static io.github.evasync.reliability.leak.LeakSettings.LOOP_DNS_LOOKUPS;
import static io.github.evasync.reliability.leak.LeakSettings.LOOP_HTTP_CALLS;
import static io.github.evasync.reliability.leak.LeakSettings.LOOP_TIMERS;

/**
 * Each unit is a whole loop, closed with everything in flight: sockets with a quarter
 * megabyte queued to a server that does not read, HTTP requests the server has not
 * answered (callbacks and futures), pending timers and an interval, DNS lookups a silent
 * nameserver never answers. Each unit is one of {@code kinds}: a live loop closed from
 * another thread while its thread runs a task, a run loop ended by exit(), a run loop ended
 * by an exception from a callback.
 *
 * <p>Not a {@link Workload}: no loop lives through the rounds, so the child runs the units one
 * after another on its main thread and samples between loops.
 */
final class LoopsWorkload {
    static final int LIVE_CLOSED = 0;
    static final int EXITED = 1;
    static final int THROWN_OUT = 2;
    final String name;
    final int[] kinds;
    final Tally t = new Tally();
    DatagramSocket silentDns;
    Runnable peak = () -> { };

    LoopsWorkload(String name, int... kinds) {
        this.name = name;
        this.kinds = kinds;
    }

    void unit(int i) throws Exception {
        String ns = "127.0.0.1:" + silentDns.getLocalPort();
        LoopOptions o = LoopOptions.defaults().nameservers(List.of(ns)).dnsTimeout(Duration.ofSeconds(30))
                .uncaughtHandler(e -> t.unexpected("loops: uncaught", e));
        AtomicInteger requests = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        switch (kinds[i % kinds.length]) {
            case LIVE_CLOSED -> {
                t.expect("liveClosed");
                EventLoop loop = EventLoop.start(o);
                loop.submit(() -> {
                    load(loop, accepted, requests);
                    return null;
                }).get(10, TimeUnit.SECONDS);
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while ((accepted.get() < LOOP_CLIENTS || requests.get() < 2 * LOOP_HTTP_CALLS)
                        && System.nanoTime() < end) {
                    Thread.sleep(1);
                }
                inFlight(accepted, requests);
                peak.run();
                LoopStats s = loop.stats();
                if (s.openDnsQueries() != LOOP_DNS_LOOKUPS) {
                    t.unexpected("dns lookups in flight at close: " + s, null);
                }
                // Closed while the loop thread is busy in a task, as an application's would be.
                CountDownLatch busy = new CountDownLatch(1);
                loop.execute(() -> {
                    busy.countDown();
                    long until = System.nanoTime() + LOOP_BUSY_TASK.toNanos();
                    while (System.nanoTime() - until < 0) {
                        Thread.onSpinWait();
                    }
                });
                busy.await();
                Thread closer = new Thread(loop::close, "leak-closer");
                closer.start();
                closer.join(LOOP_CLOSE_TIMEOUT.toMillis());
                if (closer.isAlive()) {
                    StringBuilder sb = new StringBuilder("a live loop with work in flight did not close in "
                            + LOOP_CLOSE_TIMEOUT.toMillis() + " ms (unit " + i + "); its thread:");
                    Thread.getAllStackTraces().forEach((th, st) -> {
                        if (th.getName().startsWith("evasync-loop")) {
                            sb.append("\n  ").append(th).append(' ').append(th.getState());
                            for (StackTraceElement e : st) {
                                sb.append("\n      at ").append(e);
                            }
                        }
                    });
                    throw new IllegalStateException(sb.toString());
                }
                if (loop.isClosed()) {
                    t.got("liveClosed");
                }
            }
            case EXITED -> {
                t.expect("exited");
                boolean idle = EventLoop.run(o, loop -> {
                    load(loop, accepted, requests);
                    whenLoaded(loop, accepted, requests, () -> {
                        peak.run();
                        loop.exit();
                    });
                });
                inFlight(accepted, requests);
                if (!idle) {
                    t.got("exited");
                }
            }
            default -> {
                t.expect("thrownOut");
                try {
                    EventLoop.run(o, loop -> {
                        load(loop, accepted, requests);
                        whenLoaded(loop, accepted, requests, () -> {
                            throw new Boom("loop", () -> { });
                        });
                    });
                    t.unexpected("the loop did not rethrow", null);
                } catch (Boom b) {
                    t.got("thrownOut");
                }
                inFlight(accepted, requests);
            }
        }
        noteOutcome();
    }

    private void inFlight(AtomicInteger accepted, AtomicInteger requests) {
        if (accepted.get() < LOOP_CLIENTS || requests.get() < 2 * LOOP_HTTP_CALLS) {
            t.unexpected("the loop closed before its work was in flight: accepted " + accepted
                    + ", requests " + requests, null);
        }
    }

    private void whenLoaded(EventLoop loop, AtomicInteger accepted, AtomicInteger requests, Runnable then) {
        loop.delay(Duration.ofMillis(1), () -> {
            if (accepted.get() >= LOOP_CLIENTS && requests.get() >= 2 * LOOP_HTTP_CALLS) {
                then.run();
            } else {
                whenLoaded(loop, accepted, requests, then);
            }
        });
    }

    /** The futures of this unit's loop.http calls, and how many of its pending operations called back. */
    final List<CompletableFuture<?>> futures = new ArrayList<>();
    final AtomicInteger heard = new AtomicInteger();

    /**
     * What became of the work in flight once the loop was gone: every future is complete
     * (a loop that ends completes what it still owed); callbacks are noted, not checked.
     */
    private void noteOutcome() {
        for (CompletableFuture<?> f : futures) {
            if (f.isDone()) {
                t.note("futureDoneAfterClose");
            } else {
                t.unexpected("a future of a closed loop never completed", null);
            }
        }
        for (int k = 0; k < heard.get(); k++) {
            t.note("callbackOfPendingWork");
        }
        futures.clear();
        heard.set(0);
    }

    private void load(EventLoop loop, AtomicInteger accepted, AtomicInteger requests) {
        EventHandler quiet = ev -> heard.incrementAndGet();
        TcpServer sink = loop.tcpServer("127.0.0.1", 0, (s, d) -> { }, quiet,
                ServerOptions.defaults().connectCallback(s -> {
                    s.disable(true, false);
                    accepted.incrementAndGet();
                }));
        byte[] chunk = new byte[LOOP_CLIENT_BYTES];
        for (int c = 0; c < LOOP_CLIENTS; c++) {
            TcpSocket s = loop.tcpConnect("127.0.0.1", sink.port(), null, quiet);
            s.write(chunk, x -> heard.incrementAndGet());
        }
        HttpServer mute = loop.httpServer("127.0.0.1", 0, req -> requests.incrementAndGet(), quiet);
        String url = "http://127.0.0.1:" + mute.port() + "/";
        for (int c = 0; c < LOOP_HTTP_CALLS; c++) {
            loop.httpClient(url, (st, h, b) -> heard.incrementAndGet(), quiet);
            futures.add(loop.http(HttpRequestSpec.get(url + "f")));
        }
        for (int c = 0; c < LOOP_TIMERS; c++) {
            loop.delay(Duration.ofSeconds(60 + c), () -> { });
        }
        loop.interval(Duration.ofMillis(1), () -> { });
        for (int c = 0; c < LOOP_DNS_LOOKUPS; c++) {
            loop.dnsLookup("never" + c + ".your.test", (a, f) -> heard.incrementAndGet(), quiet);
        }
    }
}
