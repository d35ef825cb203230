package io.github.evasync.signal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The signal numbers are this system's, and reading them needs no libevent. */
@Timeout(60)
class SignalNumbersTest {
    /** Run in a child JVM that cannot load libevent: uses the class, prints what it saw. */
    public static void main(String[] args) {
        System.out.println("SIGTERM=" + Signals.SIGTERM + " refusal(SIGKILL)=" + (Signals.refusal(Signals.SIGKILL) != null));
    }

    @Test
    void everyConstantMatchesKillMinusL() throws Exception {
        Map<String, Integer> system = killMinusL();
        int checked = 0;
        for (Field f : Signals.class.getFields()) {
            if (f.getType() == int.class && Modifier.isStatic(f.getModifiers()) && f.getName().startsWith("SIG")) {
                assertEquals(system.get(f.getName()), (Integer) f.getInt(null), f.getName());
                checked++;
            }
        }
        assertEquals(28, checked, "public signal constants");
    }

    @Test
    void theHighestSignalIsTheLastAccepted() throws Exception {
        int highest = killMinusL().values().stream().max(Integer::compare).orElseThrow();
        assertNull(Signals.refusal(highest));
        assertNotNull(Signals.refusal(highest + 1));
    }

    @Test
    void theCLibrarysOwnSignalsAreRefusedWithTheReason() {
        // 32 and 33 are no signals kill -l names: glibc and musl keep them for their threads.
        for (int signo : new int[] {32, 33}) {
            String why = Signals.refusal(signo);
            assertNotNull(why, "signal " + signo);
            assertTrue(why.contains("C library"), why);
        }
        assertNull(Signals.refusal(31));
    }

    @Test
    void usableWithoutLibevent() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of(java, "-Devasync.libevent.path=/nonexistent/libevent_core-2.1.so.7",
                "-cp", System.getProperty("java.class.path"), SignalNumbersTest.class.getName()));
        String out = run(cmd);
        assertTrue(out.contains("SIGTERM=15 refusal(SIGKILL)=true"), out);
    }

    /** bash's {@code kill -l}: " 1) SIGHUP\t 2) SIGINT ..." up to SIGRTMAX. */
    private static Map<String, Integer> killMinusL() throws Exception {
        String out = run(List.of("bash", "-c", "kill -l"));
        Map<String, Integer> m = new HashMap<>();
        Matcher x = Pattern.compile("(\\d+)\\) (SIG[A-Z0-9+-]+)").matcher(out);
        while (x.find()) {
            m.put(x.group(2), Integer.parseInt(x.group(1)));
        }
        assertTrue(m.size() > 30, out);
        return m;
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
        boolean done = p.waitFor(30, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(done, String.join(" ", cmd) + " hung: " + out);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
        return out;
    }
}
