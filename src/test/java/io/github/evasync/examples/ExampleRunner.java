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

    static Result run(String example, long timeoutSeconds, String... args) throws Exception {
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
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
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
