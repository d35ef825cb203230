package io.github.evasync.http;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real curl against our server and returns what it printed (stdout, then stderr). */
final class Curl {
    record Result(int exit, String out, String err) {
    }

    private Curl() {
    }

    static Result run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20"));
        cmd.addAll(List.of(args));
        File err = File.createTempFile("curl", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err).redirectInput(new File("/dev/null")).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("curl hung: " + cmd);
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                    java.nio.file.Files.readString(err.toPath()));
        } finally {
            err.delete();
        }
    }
}
