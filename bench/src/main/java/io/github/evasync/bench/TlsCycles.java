package io.github.evasync.bench;

import io.github.evasync.EventLoop;
import io.github.evasync.LoopStats;
import io.github.evasync.TcpEof;
import io.github.evasync.tcp.ServerOptions;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpServer;
import io.github.evasync.tls.TlsOptions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * bench/tls.sh's handshake soak: on one evasync loop, CYCLES (2,000) rounds of an evasync TLS
 * client connecting to an evasync TLS server (TLS 1.3, the client trusting the test CA), a full
 * handshake, one echo, and the close; then the loop's counters must be back to idle. Prints
 * the RSS before and after, and exits 1 when a cycle failed or the loop is not idle.
 * <pre>{@code java -cp benchmarks.jar io.github.evasync.bench.TlsCycles CA CERT KEY [CYCLES]}</pre>
 */
public final class TlsCycles {
    private TlsCycles() {
    }

    public static void main(String[] args) throws Exception {
        Path ca = Path.of(args[0]);
        int cycles = args.length > 3 ? Integer.parseInt(args[3]) : 2000;
        TlsOptions server = TlsOptions.server(Path.of(args[1]), Path.of(args[2])).minVersion("TLSv1.3");
        TlsOptions client = TlsOptions.client().trust(ca).minVersion("TLSv1.3");
        byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
        List<Object> unexpected = new ArrayList<>();
        int[] done = {0};
        int[] echoes = {0};
        CompletableFuture<Void> finished = new CompletableFuture<>();
        TcpServer[] listener = new TcpServer[1];
        long rssBefore;
        long t0;
        try (EventLoop loop = EventLoop.start()) {
            listener[0] = loop.submit(() -> loop.tcpServer("127.0.0.1", 0, (c, d) -> {
                c.write(d);
                c.close();
            }, ev -> {
                if (!(ev instanceof TcpEof)) {
                    unexpected.add("server: " + ev);
                }
            }, ServerOptions.defaults().tls(server))).get(10, TimeUnit.SECONDS);
            int port = listener[0].port();
            System.out.println("before: " + loop.stats() + " (listening)");
            rssBefore = rssKb();
            t0 = System.nanoTime();
            Runnable[] next = new Runnable[1];
            next[0] = () -> loop.tcpConnect("127.0.0.1", port, (c, d) -> {
                if (new String(d, StandardCharsets.US_ASCII).equals("ping")) {
                    echoes[0]++;
                }
            }, ev -> {
                if (!(ev instanceof TcpEof)) {
                    unexpected.add("client: " + ev);
                }
                if (++done[0] < cycles) {
                    next[0].run();
                } else {
                    listener[0].close();
                    finished.complete(null);
                }
            }, TcpOptions.defaults().tls(client).data(ping));
            loop.execute(next[0]);
            finished.get(Math.max(60, cycles / 10), TimeUnit.SECONDS);
            double secs = (System.nanoTime() - t0) / 1e9;
            // Closing finishes on the loop; give the last frees a moment, bounded.
            LoopStats stats = loop.stats();
            for (int i = 0; i < 50 && !stats.isIdle(); i++) {
                Thread.sleep(100);
                stats = loop.stats();
            }
            long rssAfter = rssKb();
            System.out.printf("cycles=%d echoes=%d unexpected=%d seconds=%.2f handshakes_per_s=%.0f%n", done[0],
                    echoes[0], unexpected.size(), secs, done[0] / secs);
            System.out.println("after: " + stats + " idle=" + stats.isIdle());
            System.out.println("rss_before_kb=" + rssBefore + " rss_after_kb=" + rssAfter);
            unexpected.stream().limit(5).forEach(u -> System.out.println("  " + u));
            boolean ok = done[0] == cycles && echoes[0] == cycles && unexpected.isEmpty() && stats.isIdle();
            System.out.println(ok ? "soak OK" : "soak FAILED");
            loop.close();
            System.exit(ok ? 0 : 1);
        }
    }

    private static long rssKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
