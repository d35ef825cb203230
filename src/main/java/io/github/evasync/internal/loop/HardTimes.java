package io.github.evasync.internal.loop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.stream.Stream;

/**
 * Loads, while it still can, what the loop needs when the process is out of descriptors: an
 * accept error then pauses the listener, logs, closes sockets, and perhaps shuts the loop down,
 * all paths that may not have run before. Two things open a file on the way: the JDK's first
 * formatting of a log record reads its time-zone data (and once that read fails, time zones
 * stay broken for the JVM's life); and on a class path of directories (an IDE, {@code exec:java}),
 * loading each class opens its file. So the time-zone data is read now, and from a directory
 * every evasync class is loaded (not initialized, which needs no file and costs little). From a
 * jar nothing more is needed: the JVM keeps the jar open. Done once per JVM, as the first loop
 * opens.
 */
final class HardTimes {
    static {
        try {
            ZoneId.systemDefault().getRules();
        } catch (RuntimeException ignored) {
            // No time-zone data: logging does without, as it would have anyway.
        }
        loadFromDirectory();
    }

    private HardTimes() {
    }

    /** Runs the loading above once; later calls cost nothing. */
    static void prepare() {
        // The static initializer is the work.
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
