package io.github.evasync.bench.servers;

import io.github.evasync.EventLoop;
import io.github.evasync.LoopOptions;
import io.github.evasync.internal.ffi.AllocationCounter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The soak's server (bench/soak.sh): HTTP hello world on one loop for SECONDS, printing every
 * 10 s the RSS, libevent's live allocation count (when run with
 * {@code -Devasync.libevent.countAllocations=true}) and the loop's connection counts.
 * Usage: SoakServer PORT SECONDS
 */
public final class SoakServer {
    private SoakServer() {
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        long seconds = Long.parseLong(args[1]);
        long t0 = System.nanoTime();
        EventLoop.run(LoopOptions.defaults(), loop -> {
            var server = loop.httpServer("127.0.0.1", port,
                    req -> req.respond(200, Map.of("Content-Type", "text/plain"), "Hello, World!"), null);
            System.out.println("soak listening on 127.0.0.1:" + server.port());
            var sampler = loop.interval(Duration.ofSeconds(10), () -> {
                var st = loop.stats();
                System.out.printf("sample t=%d rss_kb=%d libevent_allocs=%d http_conns=%d tcp_conns=%d%n",
                        (System.nanoTime() - t0) / 1_000_000_000L, rssKb(),
                        AllocationCounter.installed() ? AllocationCounter.live() : -1,
                        st.incomingHttpConnections(), st.incomingTcpConnections());
            });
            loop.delay(Duration.ofSeconds(seconds), () -> {
                sampler.free();
                server.close();
            });
        });
        System.out.println("soak done");
    }

    private static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D+", ""));
                }
            }
        } catch (java.io.IOException ignored) {
            // not Linux
        }
        return -1;
    }
}
