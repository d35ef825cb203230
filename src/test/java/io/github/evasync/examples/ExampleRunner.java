package io.github.evasync.examples;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a program from examples/ with the JDK running the tests, as the README's command does. */
final class ExampleRunner {
    private ExampleRunner() {
    }

    /** The finished run of one example. */
    record Result(int exitCode, String output) {
    }

    /** A started example whose output is collected as it runs. */
    static final class Running {
        final Process process;
        private final StringBuffer output = new StringBuffer();
        private final java.util.concurrent.LinkedBlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();

        Running(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        output.append(line).append('\n');
                        lines.add(line);
                    }
                } catch (java.io.IOException ignored) {
                    // the process ended
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        /** Waits for a line containing {@code text} and returns it. */
        String awaitLine(String text, long timeoutSeconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null && line.contains(text)) {
                    return line;
                }
            }
            process.destroyForcibly();
            throw new AssertionError("no line with '" + text + "' in " + timeoutSeconds + " s: " + output);
        }

        /** Waits for the process to end by itself. */
        Result finish(long timeoutSeconds) throws Exception {
            boolean done = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!done) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("example did not finish in " + timeoutSeconds + " s: " + output);
            }
            Thread.sleep(100);
            return new Result(process.exitValue(), output.toString());
        }
    }

    static Running start(String example, String... args) throws Exception {
        return new Running(process(example, args));
    }

    private static Process process(String example, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classes = null;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith("classes") && !entry.endsWith("test-classes")) {
                classes = entry;
            }
        }
        Path dir = Path.of(System.getProperty("evasync.examples.dir", "examples"));
        List<String> cmd = new ArrayList<>(List.of(java,
                System.getProperty("evasync.test.jvmFlags", "--enable-native-access=ALL-UNNAMED"),
                "-cp", classes, dir.resolve(example + ".java").toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
    }

    static Result run(String example, long timeoutSeconds, String... args) throws Exception {
        Process p = process(example, args);
        boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly().waitFor();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            throw new AssertionError(example + " did not finish in " + timeoutSeconds + " s: " + out);
        }
        return new Result(p.exitValue(), out);
    }
}
