package io.github.evasync.internal.ffi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Native calls live in {@code internal/ffi} (and the generated {@code internal/libevent}):
 * code anywhere else talks to the typed owners there, never to {@code LibEvent},
 * {@code MemorySegment} or {@code Arena}. The files named below still do, until they are moved
 * onto owners; the list may only shrink: a file that stops needing its place fails this test
 * until it is taken off, and a file that starts making native calls fails it at once.
 */
@Timeout(30)
class NativeCallsStayInFfiTest {
    /** Files that still make native calls themselves (issue 15's work list). */
    private static final Set<String> NOT_YET_MOVED = Set.of(
            "internal/loop/LoopCore.java");

    private static final Pattern NATIVE = Pattern.compile(
            "import io\\.github\\.evasync\\.internal\\.libevent\\.|import java\\.lang\\.foreign\\.|\\bLibEvent\\.|\\bMemorySegment\\b|\\bArena\\b");

    @Test
    void nativeCallsOnlyInFfiAndTheListedFiles() throws IOException {
        Path root = Path.of("src/main/java/io/github/evasync");
        Set<String> calling = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                if (rel.startsWith("internal/ffi/") || rel.startsWith("internal/libevent/")) {
                    continue;
                }
                if (NATIVE.matcher(withoutComments(Files.readString(p))).find()) {
                    calling.add(rel);
                }
            }
        }
        assertEquals(new TreeSet<>(NOT_YET_MOVED), calling,
                "files outside internal/ffi that make native calls (left: the list; right: the tree)");
    }

    @Test
    void thePatternSeesWhatItLooksFor() {
        for (String src : List.of("import java.lang.foreign.MemorySegment;", "x = LibEvent.event_new(a);",
                "MemorySegment s;", "try (Arena a = Arena.ofConfined()) {}")) {
            assertEquals(true, NATIVE.matcher(withoutComments(src)).find(), src);
        }
        assertEquals(false, NATIVE.matcher(withoutComments("// MemorySegment in a comment\n/* Arena */ int x;")).find());
    }

    private static String withoutComments(String java) {
        return java.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
    }
}
