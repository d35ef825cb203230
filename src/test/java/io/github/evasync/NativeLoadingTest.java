package io.github.evasync;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class NativeLoadingTest {
    /** Run in a child JVM: tries to start a loop and prints what happened. */
    public static void main(String[] args) {
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
        String out = runChild("-Devasync.libevent.path=" + missing);
        assertTrue(out.contains("available=false"), out);
        assertTrue(out.contains("ERROR evasync could not load libevent 2.1"), out);
        assertTrue(out.contains(missing), "the error names the file tried: " + out);
        assertTrue(out.contains("libevent-dev") || out.contains("libevent-2.1-7"), "names the package: " + out);
    }

    @Test
    void libeventIsFoundHere() {
        assertTrue(EventLoop.isAvailable(), String.valueOf(EventLoop.unavailabilityCause()));
        assertTrue(EventLoop.libeventVersion().startsWith("2.1."), EventLoop.libeventVersion());
    }

    static String runChild(String... jvmArgs) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add(System.getProperty("evasync.test.jvmFlags", "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(List.of(jvmArgs));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(NativeLoadingTest.class.getName());
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
