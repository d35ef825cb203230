package io.github.evasync.internal.loop;

import io.github.evasync.internal.ffi.FreshStack;
import io.github.evasync.internal.ffi.Linking;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Prepares, while it still can, what a loop needs in hard times, once per JVM as the first loop
 * opens.
 *
 * <p>Out of descriptors: an accept error then pauses the listener, logs, closes sockets, and
 * perhaps shuts the loop down, all paths that may not have run before. Two things open a file on
 * the way: the JDK's first formatting of a log record reads its time-zone data (and once that
 * read fails, time zones stay broken for the JVM's life); and on a class path of directories (an
 * IDE, {@code exec:java}), loading each class opens its file. So the time-zone data is read now,
 * and every evasync class is loaded now.
 *
 * <p>Out of stack: a class whose initialiser a {@link StackOverflowError} cuts short, where the
 * class is first touched, stays broken for the JVM's life. So every native function is linked
 * now ({@link Linking}), every evasync class a plain-TCP program may use is initialised now, and
 * the JDK's address classes too (see {@link #initializeJdkClasses}).
 *
 * <p>The work runs on a thread of its own, so its depth does not depend on the caller's; it is
 * no class initialiser, so a failure (an overflow in the caller's frames, say) is retried by the
 * next loop that opens instead of breaking this class.
 */
final class HardTimes {
    private static boolean prepared;

    private HardTimes() {
    }

    /**
     * Does the work above once per JVM; later calls cost a lock. Throws what a failed native
     * link throws, and the next call tries again.
     */
    static synchronized void prepare() {
        if (prepared) {
            return;
        }
        Throwable failure = new FreshStack("evasync-prepare") {
            @Override
            protected void work() throws ClassNotFoundException {
                prepareNow();
            }
        }.runAndWait();
        if (failure != null) {
            throw new IllegalStateException("evasync could not link its native calls", failure);
        }
        prepared = true;
    }

    private static void prepareNow() throws ClassNotFoundException {
        try {
            ZoneId.systemDefault().getRules();
        } catch (RuntimeException ignored) {
            // No time-zone data: logging does without, as it would have anyway.
        }
        loadOurClasses();
        Linking.linkAll();
        initializeJdkClasses();
        warmTaskQueue();
    }

    /**
     * Runs every path of a throwaway task queue and wake state once, so that their VarHandle
     * call sites are linked here and not first inside an {@code execute} at the stack's edge
     * (a chunk full, a wakeup claimed, a queue sealed).
     */
    private static void warmTaskQueue() {
        TaskQueue<Object> q = new TaskQueue<>(2);
        LoopWake w = new LoopWake();
        for (int i = 0; i < 5; i++) {
            q.offer(q);
        }
        w.waitingAndEmpty(q);
        w.claimWakeup();
        w.awake();
        while (q.poll() != null) {
            q.isEmpty();
        }
        q.close();
        q.offer(q);
    }

    /**
     * Initialises the JDK's address and concurrency classes, whose initialisers do much (InetAddress loads its
     * name service, reads properties): a lookup answered at once from /etc/hosts decodes its
     * addresses inside the API call, and an initialiser cut short there by a stack overflow
     * would leave the class unusable for the JVM's life ({@code NoClassDefFoundError}).
     */
    private static void initializeJdkClasses() {
        // The atomics and concurrent classes the library uses inside API calls (a Unix server's
        // path lock, say): their initialisers look up VarHandles, deep enough to be cut short.
        // The loop itself no longer touches AtomicBoolean, which used to initialise it early.
        for (Class<?> c : new Class<?>[] {java.net.InetAddress.class, java.net.Inet4Address.class,
                java.net.Inet6Address.class, java.net.InetSocketAddress.class,
                java.util.concurrent.atomic.AtomicBoolean.class, java.util.concurrent.atomic.AtomicInteger.class,
                java.util.concurrent.atomic.AtomicLong.class, java.util.concurrent.atomic.AtomicReference.class,
                java.util.concurrent.ConcurrentHashMap.class, java.util.concurrent.CompletableFuture.class,
                java.util.concurrent.Semaphore.class}) {
            try {
                Class.forName(c.getName(), true, c.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                // The path that needs it will say so.
            }
        }
        initializeUnixSocketClasses();
        try {
            // The HTTP server's Date field: formatting an instant initialises java.time's date and
            // time classes (LocalDateTime among them), which a first answer deep in a callback
            // could otherwise break for good (FirstUseOverflowTest's respond case met that).
            // Days past the 28th take other paths than the first of a month (leap-year checks).
            java.time.format.DateTimeFormatter date = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                    .withZone(java.time.ZoneOffset.UTC);
            date.format(java.time.Instant.EPOCH);
            date.format(java.time.Instant.ofEpochSecond(951_782_400L)); // 2000-02-29
            date.format(java.time.Instant.ofEpochSecond(System.currentTimeMillis() / 1000));
            java.time.Year.isLeap(2000);
            // The Date field itself, as the server makes it.
            io.github.evasync.internal.http.HttpDate.format(0L);
            io.github.evasync.internal.http.HttpDate.format(951_782_400L);
            io.github.evasync.internal.http.HttpDate.format(System.currentTimeMillis() / 1000);
        } catch (RuntimeException | LinkageError e) {
            // The server's first answer will say so.
        }
    }

    /**
     * What {@code unixServer} uses of the JDK on the loop thread (UnixSocketFile,
     * UnixSocketClaim), used here the same way, making no file: the {@code unix:} attribute view
     * on {@code /} and on a missing name (the NoSuchFileException path), a Unix channel's
     * non-blocking connect to a missing name (its address class and the failure's), and a file
     * lock taken and released on {@code /dev/null}.
     */
    private static void initializeUnixSocketClasses() {
        java.nio.file.Path missing = java.nio.file.Path.of("/nonexistent-evasync-warmup/s.sock");
        try {
            java.nio.file.Files.readAttributes(java.nio.file.Path.of("/"), "unix:dev,ino,mode,ctime",
                    java.nio.file.LinkOption.NOFOLLOW_LINKS);
            java.nio.file.Files.readAttributes(missing, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (java.io.IOException | RuntimeException | LinkageError expected) {
            // NoSuchFileException for the missing name; anything else: unixServer will say so.
        }
        java.nio.file.Files.exists(missing, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ch.configureBlocking(false);
            ch.connect(java.net.UnixDomainSocketAddress.of(missing));
        } catch (java.io.IOException | RuntimeException | LinkageError expected) {
            // No such file: the failure's classes are initialised too.
        }
        for (String name : new String[] {"java.net.ConnectException", "java.nio.file.NoSuchFileException"}) {
            try {
                Class.forName(name, true, null);
            } catch (ClassNotFoundException | LinkageError e) {
                // The path that needs it will say so.
            }
        }
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(java.nio.file.Path.of("/dev/null"),
                java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.channels.FileLock lock = ch.tryLock();
            if (lock != null) {
                lock.release();
            }
        } catch (java.io.IOException | RuntimeException | LinkageError e) {
            // No /dev/null, or it takes no lock: unixServer's claim will say what it needs.
        }
    }

    /**
     * Loads every evasync class and initialises those a plain-TCP loop may use: a class whose
     * initialiser fails (an overflow where it is first touched) is broken for the JVM's life,
     * and from a class-path directory each first load opens a file. TLS classes are left for
     * TLS's own first use (they would start TLS's machinery for programs that never use it),
     * and so are the examples and the leak tests' allocation counter.
     */
    private static void loadOurClasses() {
        ClassLoader loader = HardTimes.class.getClassLoader();
        for (String name : ourClassNames()) {
            boolean initialise = !name.contains(".tls.") && !name.contains(".examples.") && !name.contains("Tls")
                    && !name.contains("Ssl") && !name.contains("SSL_") && !name.contains("Alpn")
                    && !name.contains("AllocationCounter")
                    // The bindings' holders are Linking's: it knows which libraries are here.
                    && !name.startsWith("io.github.evasync.internal.libevent.LibEvent$");
            try {
                Class.forName(name, initialise, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // Not loadable now; the path that needs it will say so.
            }
        }
    }

    /** The binary names of evasync's classes, from its class-path directory or its jar. */
    private static List<String> ourClassNames() {
        List<String> names = new ArrayList<>();
        try {
            var source = HardTimes.class.getProtectionDomain().getCodeSource();
            if (source == null || !source.getLocation().getProtocol().equals("file")) {
                return names;
            }
            Path root = Path.of(source.getLocation().toURI());
            if (Files.isDirectory(root)) {
                Path ours = root.resolve("io/github/evasync");
                if (Files.isDirectory(ours)) {
                    try (Stream<Path> files = Files.walk(ours)) {
                        for (Path p : (Iterable<Path>) files::iterator) {
                            addClass(names, root.relativize(p).toString().replace('\\', '/'));
                        }
                    }
                }
            } else {
                try (JarFile jar = new JarFile(root.toFile())) {
                    for (JarEntry e : Collections.list(jar.entries())) {
                        addClass(names, e.getName());
                    }
                }
            }
        } catch (Exception | LinkageError e) {
            // Best effort: without it, only a process in hard times is worse off.
        }
        return names;
    }

    /**
     * The library's own packages below {@code io/github/evasync/}. A jar that holds evasync with
     * other code (an application's shaded jar, the benchmarks' jar) may have more classes under
     * that prefix, and initialising those would run someone else's initialisers at loop open.
     */
    private static final List<String> OUR_SUBPACKAGES = List.of("tcp/", "dns/", "http/", "signal/", "tls/", "udp/",
            "redis/", "internal/");

    private static void addClass(List<String> names, String path) {
        if (isOurClassFile(path)) {
            names.add(path.substring(0, path.length() - 6).replace('/', '.'));
        }
    }

    /** {@return whether {@code path}, a jar entry or a path below a class-path root, is a class of the library} */
    static boolean isOurClassFile(String path) {
        String prefix = "io/github/evasync/";
        if (!path.startsWith(prefix) || !path.endsWith(".class") || path.endsWith("-info.class")) {
            return false;
        }
        String rest = path.substring(prefix.length());
        boolean ours = rest.indexOf('/') < 0;
        for (String p : OUR_SUBPACKAGES) {
            ours |= rest.startsWith(p);
        }
        return ours;
    }

}
