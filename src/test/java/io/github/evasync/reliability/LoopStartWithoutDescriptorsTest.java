package io.github.evasync.reliability;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A loop started with too few descriptors left is refused with an exception: libevent's
 * {@code event_base_new} calls {@code exit(1)} when it cannot make its signal socketpair, which
 * ended the JVM with no exception at all (a group of 1,024 loops under the default limit did).
 */
@Timeout(120)
class LoopStartWithoutDescriptorsTest {
    @Test
    void aLoopStartedWithoutDescriptorsIsRefusedAndTheJvmLivesOn() throws Exception {
        File prlimit = new File("/usr/bin/prlimit");
        assertTrue(prlimit.canExecute(), "this test needs util-linux's prlimit at " + prlimit);
        List<String> cmd = List.of(prlimit.getPath(), "--nofile=256:256",
                ProcessHandle.current().info().command().orElseThrow(),
                System.getProperty("evasync.test.jvmFlags", "--enable-native-access=ALL-UNNAMED"),
                "-cp", System.getProperty("java.class.path"), LoopStartWithoutDescriptorsChild.class.getName());
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] said = child.getInputStream().readAllBytes();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        String out = new String(said, StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), out);
        for (int free = 0; free <= 3; free++) {
            assertTrue(out.contains("free=" + free + " refused: "), out);
        }
        assertTrue(out.contains("alive, and loops still start"), out);
    }
}
