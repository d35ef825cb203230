package io.github.evasync.redis;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;


/**
 * A redis-server of the test's own: Debian's {@code redis-server} on a free loopback port, in a
 * temporary directory, without persistence, in the foreground (never a system server). It can be
 * stopped and started again on the same port (a restart mid-test).
 */
final class RedisServer implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    private final Path dir;
    private final int port;
    private final List<String> extra;
    private Process process;

    private RedisServer(int port, List<String> extra) throws IOException {
        this.dir = Files.createTempDirectory("evasync-redis");
        this.port = port;
        this.extra = extra;
    }

    /** Starts a server on a free port with extra arguments such as {@code --requirepass s3cret}. */
    static RedisServer start(String... extra) throws Exception {
        RedisServer s = new RedisServer(freePort(), List.of(extra));
        s.startAgain();
        return s;
    }

    /**
     * A server for a whole test class, started before its first test and closed after its last:
     * {@code @RegisterExtension static final RedisServer server = RedisServer.forTheClass();}.
     */
    static RedisServer forTheClass() {
        try {
            return new RedisServer(freePort(), List.of());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        startAgain();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the server (again), and waits until it answers PING. */
    void startAgain() throws Exception {
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString(),
                "--logfile", dir.resolve("redis.log").toString()));
        cmd.addAll(extra);
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile())
                .redirectInput(new File("/dev/null")).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(5000);
                OutputStream out = s.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                int c = in.read();
                if (c == '+' || c == '-') { // PONG, or NOAUTH: it is up either way
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server ended: " + log());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("redis-server did not answer in 30 s: " + log());
            }
            Thread.sleep(20);
        }
    }

    /** Stops the server (SIGKILL: as abrupt as a crash) and waits for it to end. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Sends a signal to the server ({@code STOP} freezes it: it neither reads nor answers; {@code CONT}). */
    void signal(String name) throws Exception {
        Process k = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
        if (!k.waitFor(30, TimeUnit.SECONDS) || k.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " failed");
        }
    }

    /** Runs {@code redis-cli -p port args...} and returns its output, trimmed. */
    String cli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-p", String.valueOf(port)));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor(30, TimeUnit.SECONDS);
        return new String(out, StandardCharsets.UTF_8).trim();
    }

    String log() {
        try {
            return Files.readString(dir.resolve("redis.log")) + Files.readString(dir.resolve("out.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws Exception {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
