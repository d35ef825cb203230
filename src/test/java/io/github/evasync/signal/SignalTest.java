package io.github.evasync.signal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each case runs in a child JVM that the test signals with kill; the test JVM is never signalled. */
@Timeout(120)
class SignalTest {
    static final class Child implements AutoCloseable {
        final Process process;
        final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final StringBuffer all = new StringBuffer();

        Child(String mode) throws Exception {
            List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                    System.getProperty("evasync.test.jvmFlags", "--enable-native-access=ALL-UNNAMED"),
                    "-cp", System.getProperty("java.class.path"), SignalChild.class.getName(), mode));
            process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        all.append(line).append('\n');
                        lines.add(line);
                    }
                } catch (Exception ignored) {
                    // the child ended
                }
            });
            t.setDaemon(true);
            t.start();
        }

        String await(String prefix) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                String l = lines.poll(100, TimeUnit.MILLISECONDS);
                if (l != null && l.startsWith(prefix)) {
                    return l;
                }
            }
            throw new AssertionError("child never printed '" + prefix + "': " + all);
        }

        void kill(String signal) throws Exception {
            Process k = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start();
            assertEquals(0, k.waitFor());
        }

        int exit() throws Exception {
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "child did not exit: " + all);
            return process.exitValue();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    @Test
    void handlerCountsThreeSignalsThenFreesItselfAndTheLoopReturns() throws Exception {
        try (Child c = new Child("count3")) {
            c.await("ready");
            for (int i = 1; i <= 3; i++) {
                c.kill("USR1");
                c.await("got " + i + " signo=" + Signals.SIGUSR1);
            }
            c.await("loop returned idle=true");
            assertEquals(0, c.exit(), c.all.toString());
        }
    }

    @Test
    void freeingRestoresTheJvmsSigtermBehaviour() throws Exception {
        try (Child c = new Child("restore")) {
            c.await("ready");
            c.kill("TERM");
            c.await("shutdown hook ran");
            assertEquals(143, c.exit(), c.all.toString());
            assertTrue(!c.all.toString().contains("evasync got SIGTERM"));
        }
    }

    @Test
    void aHandlerKeepsTheLoopAliveUntilFreed() throws Exception {
        try (Child c = new Child("keepalive")) {
            String line = c.await("ran ms=");
            long ms = Long.parseLong(line.substring("ran ms=".length()));
            assertTrue(ms >= 790, "loop ended before the handler was freed, after " + ms + " ms");
            assertEquals(0, c.exit());
        }
    }

    @Test
    void jvmSignalsAreRefusedWithAReason() throws Exception {
        try (Child c = new Child("refuse")) {
            assertTrue(c.await("refused " + Signals.SIGSEGV).contains("belongs to the JVM"));
            c.await("refused " + Signals.SIGQUIT);
            c.await("refused " + Signals.SIGUSR2);
            assertTrue(c.await("refused " + Signals.SIGKILL).contains("cannot be caught"));
            c.await("refused 0");
            assertEquals(0, c.exit(), c.all.toString());
        }
    }

    @Test
    void onlyOneLoopAtATimeOwnsSignals() throws Exception {
        try (Child c = new Child("second-loop")) {
            assertTrue(c.await("second loop").contains("refused: another event loop"), c.all.toString());
            c.await("after clear, another loop may: yes");
            c.await("first loop idle=true");
            assertEquals(0, c.exit(), c.all.toString());
        }
    }

    @Test
    void aRefusalAskedFromAnotherLoopsThreadReachesTheCallerNotTheLoop() throws Exception {
        try (Child c = new Child("from-other-loop")) {
            assertTrue(c.await("caller:").contains("refused: another event loop"), c.all.toString());
            c.await("b's timer ran");
            c.await("b returned idle=true");
            assertEquals(0, c.exit(), c.all.toString());
        }
    }

    @Test
    void aRefusalThatComesAfterTheCallersCheckIsLoggedAndTheLoopRunsOn() throws Exception {
        try (Child c = new Child("raced-owner")) {
            c.await("b's timer ran");
            c.await("b returned idle=true");
            assertEquals(0, c.exit(), c.all.toString());
            assertTrue(c.all.toString().contains("a call queued from another loop was refused"), c.all.toString());
        }
    }

    @Test
    void anExceptionInASignalHandlerFollowsTheErrorRules() throws Exception {
        try (Child c = new Child("throws")) {
            c.await("ready caught");
            c.kill("USR1");
            assertTrue(c.await("caught: ").contains("boom in a signal handler"), c.all.toString());
            c.await("ready uncaught");
            c.kill("USR1");
            c.await("rethrown: boom uncaught");
            assertEquals(0, c.exit(), c.all.toString());
        }
    }
}
