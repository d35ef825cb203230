package io.github.evasync.internal.loop;

import io.github.evasync.internal.ffi.FreshStack;
import io.github.evasync.internal.ffi.Linking;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
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
 * and from a directory every evasync class is loaded (not initialized, which needs no file and
 * costs little). The JDK's address classes are initialised too (see {@link #initializeJdkClasses}). From a jar nothing more is needed: the JVM keeps the jar open.
 *
 * <p>Out of stack: every native function is linked now ({@link Linking}), so that a
 * {@link StackOverflowError} in some callback's first call into the library cannot leave a
 * binding broken for the JVM's life.
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
        loadFromDirectory();
        Linking.linkAll();
        initializeJdkClasses();
    }

    /**
     * Initialises the JDK's address classes, whose initialisers do much (InetAddress loads its
     * name service, reads properties): a lookup answered at once from /etc/hosts decodes its
     * addresses inside the API call, and an initialiser cut short there by a stack overflow
     * would leave the class unusable for the JVM's life ({@code NoClassDefFoundError}).
     */
    private static void initializeJdkClasses() {
        for (Class<?> c : new Class<?>[] {java.net.InetAddress.class, java.net.Inet4Address.class,
                java.net.Inet6Address.class, java.net.InetSocketAddress.class}) {
            try {
                Class.forName(c.getName(), true, c.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                // The path that needs it will say so.
            }
        }
    }

    private static void loadFromDirectory() {
        ClassLoader loader = HardTimes.class.getClassLoader();
        try {
            var source = HardTimes.class.getProtectionDomain().getCodeSource();
            if (source == null || !source.getLocation().getProtocol().equals("file")) {
                return;
            }
            Path root = Path.of(source.getLocation().toURI());
            Path ours = root.resolve("io/github/evasync");
            if (!Files.isDirectory(ours)) {
                return; // a jar, or a layout we do not know
            }
            try (Stream<Path> files = Files.walk(ours)) {
                files.map(p -> root.relativize(p).toString())
                        .filter(n -> n.endsWith(".class") && !n.endsWith("module-info.class"))
                        .forEach(n -> load(n.substring(0, n.length() - 6).replace('/', '.').replace('\\', '.'), loader));
            }
        } catch (Exception | LinkageError e) {
            // Best effort: without it, only a process out of descriptors is worse off.
        }
    }

    private static void load(String name, ClassLoader loader) {
        try {
            Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            // Not loadable now; the path that needs it will say so.
        }
    }
}
