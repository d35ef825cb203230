package io.github.evasync;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/ARCHITECTURE.md names only packages and source paths that exist. */
@Timeout(30)
class ArchitectureDocTest {
    private static final Path DOC = Path.of("docs", "ARCHITECTURE.md");
    private static final Path SOURCES = Path.of("src", "main", "java");
    private static final Pattern PACKAGE = Pattern.compile("io\\.github\\.evasync(?:\\.[A-Za-z_][A-Za-z0-9_]*)*");
    private static final Pattern INTERNAL_PATH = Pattern.compile("internal/[A-Za-z0-9_/]*[A-Za-z0-9_](?:\\.java)?");

    @Test
    void everyPackageAndPathTheDocNamesExists() throws Exception {
        Set<String> names = named(Files.readString(DOC));
        assertTrue(names.size() >= 10, "the doc should name the packages and files it describes: " + names);
        assertEquals(List.of(), missing(names, SOURCES), DOC + " names what is not in " + SOURCES);
    }

    @Test
    void aNameThatDoesNotExistIsReported() {
        String text = "See io.github.evasync.nosuch, io.github.evasync.tcp.Nope.write, `internal/tcp/Nope.java`"
                + " and internal/nothing/, beside io.github.evasync.tcp.TcpSocket.write, io.github.evasync.http"
                + " and internal/tcp/Connection.java.";
        assertEquals(List.of("io.github.evasync.nosuch", "io.github.evasync.tcp.Nope.write",
                "internal/tcp/Nope.java", "internal/nothing"), missing(named(text), SOURCES));
    }

    /** Every dotted evasync name and every {@code internal/...} path in {@code text}, in order. */
    private static Set<String> named(String text) {
        Set<String> names = new LinkedHashSet<>();
        for (Pattern p : new Pattern[]{PACKAGE, INTERNAL_PATH}) {
            Matcher m = p.matcher(text);
            while (m.find()) {
                names.add(m.group());
            }
        }
        return names;
    }

    /**
     * The names that do not resolve under {@code sources}: a dotted name walks packages down to
     * a directory, or to a source file after which the rest are members; a path is relative to
     * the root package.
     */
    private static List<String> missing(Set<String> names, Path sources) {
        Path root = sources.resolve(Path.of("io", "github", "evasync"));
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            boolean found;
            if (name.startsWith("internal/")) {
                found = Files.exists(root.resolve(name));
            } else {
                found = resolvesDotted(sources, name.split("\\."));
            }
            if (!found) {
                missing.add(name);
            }
        }
        return missing;
    }

    private static boolean resolvesDotted(Path sources, String[] segments) {
        Path at = sources;
        for (String s : segments) {
            if (Files.isRegularFile(at.resolve(s + ".java"))) {
                return true;
            }
            at = at.resolve(s);
            if (!Files.isDirectory(at)) {
                return false;
            }
        }
        return true;
    }
}
