package io.github.evasync.tcp;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real peers for the socket tests: python3 scripts, socat and ss, run as processes. A peer that
 * is missing fails the test (bin/test-peers lists what to install); none is ever skipped.
 */
final class Peer {
    /** What a finished peer printed (stdout and stderr together) and its exit status. */
    record Result(int exit, String out) {
    }

    /** A peer still running: its process, for tests that talk to it meanwhile. */
    record Running(Process process) implements AutoCloseable {
        Result await() throws Exception {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("peer hung: " + process.info().commandLine().orElse("?"));
            }
            return new Result(process.exitValue(),
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
        }

        @Override
        public void close() throws Exception {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
        }
    }

    private Peer() {
    }

    /** Starts {@code command}, its input from {@code input} (or nothing). */
    static Running start(String input, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of(command)).redirectErrorStream(true);
        if (input == null) {
            pb.redirectInput(new File("/dev/null"));
        }
        Process p = pb.start();
        if (input != null) {
            p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
        }
        return new Running(p);
    }

    /** Runs {@code command} to its end. */
    static Result run(String input, String... command) throws Exception {
        try (Running r = start(input, command)) {
            return r.await();
        }
    }

    /** Runs a python3 script with arguments. */
    static Result python(String script, String... args) throws Exception {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "python3";
        cmd[1] = "-c";
        cmd[2] = script;
        System.arraycopy(args, 0, cmd, 3, args.length);
        return run(null, cmd);
    }

    /**
     * A python3 client: connects to {@code host port}, sends {@code argv[3]}, half-closes
     * ({@code shutdown(SHUT_WR)}) and prints all it reads until the server's end of stream.
     */
    static final String SEND_HALF_CLOSE_READ = String.join("\n",
            "import socket, sys",
            "s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=20)",
            "s.sendall(sys.argv[3].encode())",
            "s.shutdown(socket.SHUT_WR)",
            "got = b''",
            "while True:",
            "    b = s.recv(65536)",
            "    if not b: break",
            "    got += b",
            "print(got.decode())",
            "s.close()");
}
