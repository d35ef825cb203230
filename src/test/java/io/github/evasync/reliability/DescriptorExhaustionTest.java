package io.github.evasync.reliability;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Out of descriptors, a server keeps its loop: a child JVM under {@code prlimit --nofile=64}
 * runs an HTTP server and a TCP echo server with null event handlers (as the README does) and
 * takes a burst of far more clients than it has descriptors. The loop must not end, must not
 * spin while clients wait, must go on serving the clients it took, and must take the waiting
 * ones as descriptors come back; the accept errors go to the log.
 */
@Timeout(60)
class DescriptorExhaustionTest {
    /** The child's descriptor limit, soft and hard; a JVM starts and serves under it. */
    private static final int LIMIT = 64;
    /** Clients per server: together well over the limit, so many must wait for a descriptor. */
    private static final int PER_SERVER = 80;
    /** Clients per server served before the burst, well within the limit. */
    private static final int FIRST = 5;
    private static final String ACCEPT_ERROR = "TcpAcceptError";

    /**
     * Run from a jar (how the library ships) and from directories (an IDE, {@code exec:java}),
     * where each class not yet loaded needs a descriptor of its own.
     */
    @ParameterizedTest(name = "from a jar: {0}")
    @ValueSource(booleans = {true, false})
    void aServerOutOfDescriptorsBacksOffKeepsServingAndRecovers(boolean fromJar, @TempDir Path tmp) throws Exception {
        File prlimit = new File("/usr/bin/prlimit");
        assertTrue(prlimit.canExecute(), "this test needs util-linux's prlimit at " + prlimit);
        List<String> cmd = List.of(prlimit.getPath(), "--nofile=" + LIMIT + ":" + LIMIT,
                ProcessHandle.current().info().command().orElseThrow(),
                System.getProperty("evasync.test.jvmFlags", "--enable-native-access=ALL-UNNAMED"),
                "-cp", fromJar ? classesJar(tmp).toString() : System.getProperty("java.class.path"),
                DescriptorExhaustionChild.class.getName());
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Output out = new Output(child.getInputStream());
        List<Client> clients = new ArrayList<>();
        try {
            String ready = out.await(l -> l.startsWith("ready ") || l.startsWith("loop failed"), 15_000);
            Matcher m = Pattern.compile("ready http=(\\d+) tcp=(\\d+) fds=(-?\\d+)").matcher(ready);
            assertTrue(m.find(), out.summary());
            int httpPort = Integer.parseInt(m.group(1));
            int tcpPort = Integer.parseInt(m.group(2));
            // prlimit execs the JVM, so the child's pid is the JVM's and the limit is its own.
            String limits = Files.readString(Path.of("/proc/" + child.pid() + "/limits"));
            assertTrue(limits.matches("(?s).*Max open files\\s+" + LIMIT + "\\s+" + LIMIT + "\\s.*"), limits);

            // A few clients of each server first, all served while descriptors are plenty, so that
            // both servers have connections to go on serving; then the burst. Every connect
            // completes in the kernel's accept queue; each client asks at once.
            for (int i = 0; i < PER_SERVER; i++) {
                clients.add(Client.open(true, httpPort, clients.size()));
                clients.add(Client.open(false, tcpPort, clients.size()));
                if (i == FIRST - 1) {
                    assertEquals(2 * FIRST, awaitAnswers(child, clients, 1_000, 10_000).size(), out.summary());
                    for (Client c : clients) {
                        c.ask();
                    }
                }
            }
            List<Client> served = awaitAnswers(child, clients, 1_000, 10_000);
            List<Client> waiting = new ArrayList<>(clients);
            waiting.removeAll(served);
            String state = "served " + served.size() + " of " + clients.size() + "\n" + out.summary();
            assertTrue(child.isAlive(), "the child died under the burst: " + state);
            assertTrue(served.containsAll(clients.subList(0, 2 * FIRST)), state);
            assertTrue(waiting.stream().anyMatch(c -> c.http), "no HTTP client waits; was the limit hit? " + state);
            assertTrue(waiting.stream().anyMatch(c -> !c.http), "no TCP client waits; was the limit hit? " + state);
            assertTrue(out.count(ACCEPT_ERROR) > 0, "no accept error was logged: " + state);

            // Out of descriptors, the loop still serves the connections it has.
            for (Client c : served) {
                c.ask();
            }
            for (Client c : served) {
                c.answer(5_000);
            }

            // And it does not spin while clients wait. libevent alone retries the accept at once,
            // for ever: with the back-off taken out, this child used 130% of a core (the loop
            // thread and its log lines) and logged some 39,000 accept errors in these 2 s. With
            // the 100 ms back-off the loop makes about ten failed accepts and log lines a second
            // per server, and the child measured 4-6% (the JVM's own threads included). 30% sits
            // far from both, leaving room for JIT and GC threads on a loaded 2-core machine.
            long errorsBefore = out.count(ACCEPT_ERROR);
            long cpu0 = cpuTicks(child.pid());
            long t0 = System.nanoTime();
            Thread.sleep(2_000);
            long cpu1 = cpuTicks(child.pid());
            double seconds = (System.nanoTime() - t0) / 1e9;
            double share = (cpu1 - cpu0) / (double) clockTicks() / seconds;
            long errorsDuring = out.count(ACCEPT_ERROR) - errorsBefore;
            System.out.printf("descriptor exhaustion: %d of %d clients served at first, child CPU %.1f%% of a core"
                    + " over %.1f s with clients waiting, %d accept errors logged meanwhile, such as: %s%n",
                    served.size(), clients.size(), share * 100, seconds, errorsDuring,
                    out.text().lines().filter(l -> l.contains(ACCEPT_ERROR)).findFirst().orElse("none"));
            assertTrue(child.isAlive(), out.summary());
            assertTrue(share < 0.30, "the child spins while clients wait: " + share * 100 + "% of a core\n" + out.summary());
            // It keeps retrying (the waiting clients are not forgotten), at a bounded rate.
            assertTrue(errorsDuring > 0 && errorsDuring < 200, errorsDuring + " accept errors in 2 s\n" + out.summary());

            // Close most served clients; as descriptors come back the waiting ones are taken and
            // served, round after round, until every client of the burst has its answer.
            List<Client> kept = List.of(clients.get(0), clients.get(1));
            List<Client> done = new ArrayList<>(served);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!waiting.isEmpty()) {
                for (Client c : done) {
                    if (!kept.contains(c)) {
                        c.close();
                    }
                }
                done = awaitAnswers(child, waiting, 0, 3_000);
                waiting.removeAll(done);
                if (System.nanoTime() > deadline) {
                    fail(waiting.size() + " clients were never accepted\n" + out.summary());
                }
            }
            for (Client c : done) {
                if (!kept.contains(c)) {
                    c.close();
                }
            }

            // A fresh client of each server is served, and the kept ones still are.
            for (Client c : List.of(Client.open(true, httpPort, -1), Client.open(false, tcpPort, -2))) {
                c.answer(5_000);
                c.close();
            }
            for (Client c : kept) {
                c.ask();
                c.answer(5_000);
                c.close();
            }

            child.getOutputStream().write("stop\n".getBytes(StandardCharsets.UTF_8));
            child.getOutputStream().flush();
            assertTrue(child.waitFor(15, TimeUnit.SECONDS), "the child did not stop\n" + out.summary());
            out.join();
            String text = out.text();
            assertEquals(0, child.exitValue(), out.summary());
            assertTrue(text.contains("loop ended"), out.summary());
            // The accept errors were logged, not thrown: nothing failed and nothing went uncaught.
            assertTrue(text.contains("Too many open files"), out.summary());
            assertFalse(text.contains("loop failed") || text.contains("Exception in thread"), out.summary());
        } finally {
            for (Client c : clients) {
                c.close();
            }
            child.destroyForcibly();
        }
    }

    /**
     * Polls the clients until those that have an answer stop growing for {@code quietMs} (and at
     * least one has one), or {@code maxMs} passes, or the child dies; reads and checks each answer.
     */
    private static List<Client> awaitAnswers(Process child, List<Client> clients, long quietMs, long maxMs)
            throws IOException, InterruptedException {
        List<Client> answered = new ArrayList<>();
        long start = System.nanoTime();
        long last = start;
        while (true) {
            for (Client c : clients) {
                if (!answered.contains(c) && c.hasAnswer()) {
                    c.answer(5_000);
                    answered.add(c);
                    last = System.nanoTime();
                }
            }
            long now = System.nanoTime();
            if (answered.size() == clients.size()
                    || (!answered.isEmpty() && now - last > TimeUnit.MILLISECONDS.toNanos(quietMs))
                    || now - start > TimeUnit.MILLISECONDS.toNanos(maxMs) || !child.isAlive()) {
                return answered;
            }
            Thread.sleep(20);
        }
    }

    /**
     * The compiled classes, main and test, as one jar, the way the library is deployed. A JVM
     * reads a class-path directory one open file per class it loads, so out of descriptors it
     * cannot load a class it has not loaded yet (evasync loads its own ahead for that case); a
     * jar it keeps open.
     */
    private static Path classesJar(Path dir) throws IOException {
        Path jar = dir.resolve("classes.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                Path root = Path.of(entry);
                if (!Files.isDirectory(root)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                        out.putNextEntry(new JarEntry(root.relativize(f).toString().replace(File.separatorChar, '/')));
                        Files.copy(f, out);
                        out.closeEntry();
                    }
                }
            }
        }
        return jar;
    }

    /** utime + stime of all the process's threads, in clock ticks. */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // Fields after the command name, which is in parentheses and may hold spaces.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // utime and stime are fields 14 and 15 of stat(5); here 0-based from field 3.
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor();
            return Long.parseLong(s);
        } catch (Exception e) {
            return 100;
        }
    }

    /** One plain blocking client: an HTTP GET on a kept-alive connection, or a line to echo. */
    private static final class Client {
        final boolean http;
        final int id;
        final Socket socket;
        int asked;

        private Client(boolean http, int id, Socket socket) {
            this.http = http;
            this.id = id;
            this.socket = socket;
        }

        static Client open(boolean http, int port, int id) throws IOException {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            Client c = new Client(http, id, s);
            c.ask();
            return c;
        }

        void ask() throws IOException {
            asked++;
            String request = http
                    ? "GET /" + id + "/" + asked + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    : "echo " + id + " " + asked + "\n";
            OutputStream o = socket.getOutputStream();
            o.write(request.getBytes(StandardCharsets.US_ASCII));
            o.flush();
        }

        boolean hasAnswer() throws IOException {
            return socket.getInputStream().available() > 0;
        }

        /** Reads the whole answer to the last request and checks it. */
        void answer(int timeoutMs) throws IOException {
            socket.setSoTimeout(timeoutMs);
            InputStream in = socket.getInputStream();
            if (http) {
                String head = readUntil(in, "\r\n\r\n");
                assertTrue(head.startsWith("HTTP/1.1 200"), head);
                Matcher m = Pattern.compile("(?i)content-length:\\s*(\\d+)").matcher(head);
                assertTrue(m.find(), head);
                assertEquals("ok", new String(in.readNBytes(Integer.parseInt(m.group(1))), StandardCharsets.US_ASCII));
            } else {
                assertEquals("echo " + id + " " + asked + "\n", readUntil(in, "\n"));
            }
        }

        private static String readUntil(InputStream in, String end) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (!b.toString(StandardCharsets.US_ASCII).endsWith(end)) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("the server closed the connection after: " + b);
                }
                b.write(c);
            }
            return b.toString(StandardCharsets.US_ASCII);
        }

        /** Closes after every answer was read, so the close is a FIN, never a reset. */
        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Nothing to do.
            }
        }
    }

    /** The child's output, read as it comes. */
    private static final class Output {
        private final StringBuilder text = new StringBuilder();
        private final Thread reader;

        Output(InputStream in) {
            reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (text) {
                            text.append(line).append('\n');
                            text.notifyAll();
                        }
                    }
                } catch (IOException ignored) {
                    // The child is gone.
                }
            }, "child-output");
            reader.setDaemon(true);
            reader.start();
        }

        String text() {
            synchronized (text) {
                return text.toString();
            }
        }

        /** The output for a failure message: its start and end when it is long (a spin logs a lot). */
        String summary() {
            List<String> lines = text().lines().toList();
            if (lines.size() <= 80) {
                return String.join("\n", lines);
            }
            return String.join("\n", lines.subList(0, 40)) + "\n... " + (lines.size() - 80) + " lines ...\n"
                    + String.join("\n", lines.subList(lines.size() - 40, lines.size()));
        }

        long count(String s) {
            return text().lines().filter(l -> l.contains(s)).count();
        }

        String await(java.util.function.Predicate<String> line, long ms) throws InterruptedException {
            long deadline = System.currentTimeMillis() + ms;
            synchronized (text) {
                while (true) {
                    for (String l : text.toString().split("\n")) {
                        if (line.test(l)) {
                            return l;
                        }
                    }
                    long left = deadline - System.currentTimeMillis();
                    if (left <= 0) {
                        fail("the child did not get ready:\n" + text);
                    }
                    text.wait(left);
                }
            }
        }

        void join() throws InterruptedException {
            reader.join(5_000);
        }
    }
}
