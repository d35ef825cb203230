package io.github.evasync.reliability;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@link StackOverflowError} can strike inside any API call (see {@link StackOverflowTest}),
 * the first call of its kind in the process included. It must stay that call's failure: the same
 * call made later at a normal depth must work. Something linked lazily on first use breaks that
 * rule when the overflow strikes inside the linking: a class initialiser that fails leaves its
 * class unusable for the life of the JVM ({@code NoClassDefFoundError: Could not initialize
 * class LibC$Fcntl}), and a lambda whose bootstrap failed leaves its call site failing with
 * {@code BootstrapMethodError}; then every later call of that kind, on every loop, throws.
 * Each case runs in a fresh child JVM ({@link FirstUseOverflowChild}), where nothing was
 * linked yet; the child's loop ends with {@code exit()}, which frees what the overflows cut
 * short.
 */
@Timeout(120)
class FirstUseOverflowTest {
    @ParameterizedTest
    @ValueSource(strings = {"watchFd", "delay", "interval", "makeEvent", "event.add", "event.remove",
            "event.activate", "event.free", "tcpServer", "unixServer", "tcpConnect",
            "accepted.write", "accepted.setTimeouts", "accepted.enable", "accepted.disable", "accepted.close",
            "outgoing.write", "outgoing.setTimeouts", "outgoing.enable", "outgoing.disable", "outgoing.close",
            "dnsLookup", "httpServer", "respond",
            "httpClient", "dnsLookup.localhost", "onBody", "shutdown", "firstLoop"})
    void anOverflowInTheFirstCallDoesNotBreakLaterOnes(String kind) throws Exception {
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElseThrow(),
                System.getProperty("evasync.test.jvmFlags", "--enable-native-access=ALL-UNNAMED"),
                "-cp", System.getProperty("java.class.path"), FirstUseOverflowChild.class.getName(), kind);
        // stdin stays a pipe nobody writes to: the descriptor the watchFd case watches.
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try {
            assertTrue(child.waitFor(90, TimeUnit.SECONDS), "the child did not finish");
            out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            child.destroyForcibly();
        }
        assertTrue(out.contains("after: ok"), "the child said:\n" + out);
    }
}
