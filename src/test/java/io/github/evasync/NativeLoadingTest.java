package io.github.evasync;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpServer;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class NativeLoadingTest {
    /** Run in a child JVM: tries to start a loop and prints what happened. */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("core-only")) {
            coreOnly();
            return;
        }
        System.out.println("available=" + EventLoop.isAvailable());
        try {
            EventLoop.run(loop -> { });
            System.out.println("RAN");
        } catch (UnsatisfiedLinkError e) {
            System.out.println("ERROR " + e.getMessage());
        }
    }

    @Test
    void missingOverrideFileGivesAClearErrorNotACrash() throws Exception {
        String missing = "/nonexistent/dir/libevent_core-2.1.so.7";
        String out = runChild(List.of("-Devasync.libevent.path=" + missing));
        assertTrue(out.contains("available=false"), out);
        assertTrue(out.contains("ERROR evasync could not load libevent 2.1"), out);
        assertTrue(out.contains(missing), "the error names the file tried: " + out);
        // The packages that hold libevent_core and libevent_extra (libevent-2.1-7 holds neither).
        assertTrue(out.contains("apt-get install libevent-core-2.1-7 libevent-extra-2.1-7"), "names the packages: " + out);
    }

    /**
     * With libevent_core alone (no libevent_extra, whose resolver only host-name lookups need)
     * a loop opens and serves; each lookup of a name fails by itself, naming the package.
     */
    private static void coreOnly() {
        boolean finished = EventLoop.run(loop -> {
            TcpServer server = loop.tcpServer("127.0.0.1", 0, (s, d) -> s.write(d), null);
            loop.tcpConnect("127.0.0.1", server.port(), (s, d) -> {
                System.out.println("ECHO " + new String(d, StandardCharsets.UTF_8));
                s.close();
                server.close();
            }, null, TcpOptions.defaults().data("ping".getBytes(StandardCharsets.UTF_8)));
            try {
                loop.dnsLookup("localhost", (a, f) -> System.out.println("RESOLVED"), e -> System.out.println("DNSERR " + e));
            } catch (IllegalStateException e) {
                System.out.println("LOOKUP " + e.getMessage());
            }
            try {
                loop.tcpConnect("localhost", server.port(), (s, d) -> { }, e -> System.out.println("CONNERR " + e));
            } catch (IllegalStateException e) {
                System.out.println("CONNECT " + e.getClass().getSimpleName());
            }
            loop.resolve("localhost").whenComplete((a, e) -> System.out.println("RESOLVE " + (e == null ? a : e.getClass().getSimpleName())));
            loop.dnsLookup("127.0.0.1", (a, f) -> System.out.println("LITERAL " + a.getHostAddress()), null);
        });
        System.out.println("FINISHED " + finished);
    }

    @Test
    void coreLibraryAloneServesAndALookupSaysWhatIsMissing() throws Exception {
        Path core = null;
        for (String dir : new String[] {"/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
                "/usr/lib64", "/usr/lib", "/usr/local/lib"}) {
            Path p = Path.of(dir, "libevent_core-2.1.so.7");
            if (core == null && Files.isRegularFile(p)) {
                core = p;
            }
        }
        assertNotNull(core, "libevent_core-2.1.so.7 not found");
        String out = runChild(List.of("-Devasync.libevent.path=" + core), "core-only");
        assertTrue(out.contains("ECHO ping"), out);
        assertTrue(out.contains("LOOKUP evasync looks host names up with libevent's resolver"), out);
        assertTrue(out.contains("apt-get install libevent-extra-2.1-7"), "names the package: " + out);
        assertTrue(out.contains("CONNECT IllegalStateException"), out);
        assertTrue(out.contains("RESOLVE IllegalStateException"), out);
        assertTrue(out.contains("LITERAL 127.0.0.1"), out);
        assertFalse(out.contains("RESOLVED") || out.contains("DNSERR") || out.contains("CONNERR"), out);
        assertTrue(out.contains("FINISHED true"), "the loop ends idle: " + out);
    }

    @Test
    void libeventIsFoundHere() {
        assertTrue(EventLoop.isAvailable(), String.valueOf(EventLoop.unavailabilityCause()));
        assertTrue(EventLoop.libeventVersion().startsWith("2.1."), EventLoop.libeventVersion());
    }

    static String runChild(List<String> jvmArgs, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add(System.getProperty("evasync.test.jvmFlags", "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(NativeLoadingTest.class.getName());
        cmd.addAll(List.of(args));
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
