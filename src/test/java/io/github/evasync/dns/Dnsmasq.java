package io.github.evasync.dns;

import java.io.File;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real DNS server for the tests: Debian's dnsmasq on a free loopback UDP port, answering for
 * the zone {@code your.test} from a hosts file the test writes, NXDOMAIN for other names there.
 */
final class Dnsmasq implements AutoCloseable {
    final int port;
    private final Process process;
    private final Path dir;

    private Dnsmasq(int port, Process process, Path dir) {
        this.port = port;
        this.process = process;
        this.dir = dir;
    }

    /**
     * Starts dnsmasq serving {@code hostsLines} ("ADDRESS NAME" lines) under your.test. dnsmasq
     * listens on UDP and TCP; a port free for UDP may be taken for TCP (by a connection of another
     * test), so a start that finds its port in use tries another. While a test that opens
     * thousands of connections runs beside it (another suite on the machine), most ephemeral
     * ports are taken for TCP: hence many tries, each of which costs a bind or two.
     */
    static Dnsmasq start(List<String> hostsLines) throws Exception {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 100; attempt++) {
            try {
                return startOnce(hostsLines);
            } catch (IllegalStateException e) {
                last = e;
                if (!String.valueOf(e.getMessage()).contains("in use")) {
                    throw e;
                }
            }
        }
        throw last;
    }

    private static Dnsmasq startOnce(List<String> hostsLines) throws Exception {
        Path dir = Files.createTempDirectory("evasync-dnsmasq");
        Path hosts = dir.resolve("hosts");
        Files.write(hosts, hostsLines, StandardCharsets.US_ASCII);
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             java.net.ServerSocket tcp = new java.net.ServerSocket(probe.getLocalPort(), 1,
                     InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        } catch (java.net.BindException tcpTaken) {
            throw new IllegalStateException("port in use for TCP", tcpTaken);
        }
        List<String> cmd = new ArrayList<>(List.of(dnsmasq(), "--keep-in-foreground", "--conf-file=/dev/null",
                "--port=" + port, "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
                "--addn-hosts=" + hosts, "--local=/your.test/", "--pid-file=", "--log-facility=-",
                "--user=root", "--cache-size=0"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("log").toFile()).redirectInput(new File("/dev/null")).start();
        Dnsmasq d = new Dnsmasq(port, p, dir);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                String log = d.log();
                d.close();
                throw new IllegalStateException("dnsmasq exited: " + log);
            }
            if (d.log().contains("read " + hosts)) {
                return d;
            }
            Thread.sleep(20);
        }
        d.close();
        throw new IllegalStateException("dnsmasq did not start: " + d.log());
    }

    /** The address for LoopOptions.nameservers. */
    String address() {
        return "127.0.0.1:" + port;
    }

    String log() throws java.io.IOException {
        Path log = dir.resolve("log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static String dnsmasq() {
        for (String p : new String[]{"/usr/sbin/dnsmasq", "/usr/bin/dnsmasq", "/sbin/dnsmasq"}) {
            if (new File(p).canExecute()) {
                return p;
            }
        }
        throw new IllegalStateException("dnsmasq is not installed: apt-get install dnsmasq-base");
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }
}
