package io.github.evasync.udp;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Foreign UDP peers for the tests: python3's {@code socket} and {@code socat}. */
final class Peers {
    private Peers() {
    }

    /** A running peer process whose output is read when it ends. */
    static Process start(String... command) throws Exception {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
    }

    /** Starts {@code python3 -c script args...}. */
    static Process python(String script, Object... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("python3", "-c", script));
        for (Object a : args) {
            cmd.add(String.valueOf(a));
        }
        return start(cmd.toArray(new String[0]));
    }

    /** Waits for {@code p} to end with status 0 and returns its output, trimmed. */
    static String output(Process p) throws Exception {
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "peer hung");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** Reads one line the peer printed (its port, say), while it keeps running. */
    static String firstLine(Process p) throws Exception {
        StringBuilder b = new StringBuilder();
        var in = p.getInputStream();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            int c = in.read();
            if (c < 0 || c == '\n') {
                break;
            }
            b.append((char) c);
        }
        return b.toString().trim();
    }
}
