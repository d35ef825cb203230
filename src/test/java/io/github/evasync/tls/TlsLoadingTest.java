package io.github.evasync.tls;

import io.github.evasync.EventLoop;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TLS libraries load on first use only: a child JVM that runs a plain TCP exchange never maps
 * libssl or libevent_openssl (its {@code /proc/self/maps} says so), one that uses TLS does, and
 * one pointed at a missing copy gets an error naming the packages and the property.
 */
@Timeout(60)
class TlsLoadingTest {
    /** The child: "plain", "tls" or "missing"; prints the TLS libraries it has mapped, or the error. */
    public static void main(String[] args) throws Exception {
        String mode = args[0];
        try {
            EventLoop.run(loop -> {
                TcpServer s = loop.tcpServer("127.0.0.1", 0, (c, d) -> {
                    c.write(d);
                    c.close();
                }, ev -> { });
                TcpOptions o = TcpOptions.defaults().data("x");
                if (!mode.equals("plain")) {
                    // The plain server echoes the ClientHello back, which fails the handshake and ends the run.
                    o = o.tls(TlsOptions.client().insecureTrustAll().handshakeTimeout(java.time.Duration.ofMillis(100)));
                }
                loop.tcpConnect("127.0.0.1", s.port(), (c, d) -> { }, ev -> s.close(), o);
            });
        } catch (UnsatisfiedLinkError e) {
            System.out.println("ERROR " + e.getMessage());
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.contains("libssl") || line.contains("libevent_openssl")) {
                System.out.println("MAPPED " + line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        System.out.println("done");
    }

    @Test
    void aPlainTcpProgramNeverLoadsTheTlsLibraries() throws Exception {
        String out = runChild("plain");
        assertTrue(out.contains("done"), out);
        assertFalse(out.contains("MAPPED"), out);
    }

    @Test
    void usingTlsLoadsThem() throws Exception {
        String out = runChild("tls");
        assertTrue(out.contains("MAPPED") && out.contains("libssl.so.3") && out.contains("libevent_openssl-2.1.so.7"), out);
    }

    @Test
    void aMissingLibraryNamesThePackagesAndTheProperty() throws Exception {
        String out = runChild("missing", "-Devasync.tls.path=/nonexistent/libssl.so.3");
        assertTrue(out.contains("ERROR evasync could not load the TLS libraries"), out);
        assertTrue(out.contains("libssl3") && out.contains("libevent-openssl-2.1-7"), out);
        assertTrue(out.contains("evasync.tls.path") && out.contains("/nonexistent/libssl.so.3"), out);
        assertFalse(out.contains("MAPPED"), out);
    }

    private static String runChild(String mode, String... jvmArgs) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add(System.getProperty("evasync.test.jvmFlags", "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(List.of(jvmArgs));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(TlsLoadingTest.class.getName());
        cmd.add(mode);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
        boolean done = p.waitFor(30, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(done, "child JVM hung: " + out);
        assertEquals(0, p.exitValue(), "child JVM exit code, output: " + out);
        return out;
    }
}
