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
 * {@code MemorySegment} or {@code Arena}. This is issue 15's plain check ({@code grep -rl
 * 'LibEvent\.' src/main/java | grep -v internal/ffi | grep -v internal/libevent} prints nothing),
 * widened to the FFM types.
 */
@Timeout(30)
class NativeCallsStayInFfiTest {
    private static final Pattern NATIVE = Pattern.compile(
            "import io\\.github\\.evasync\\.internal\\.libevent\\.|import java\\.lang\\.foreign\\.|\\bLibEvent\\.|\\bMemorySegment\\b|\\bArena\\b");

    @Test
    void nativeCallsOnlyInFfi() throws IOException {
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
        assertEquals(Set.of(), calling, "files outside internal/ffi and internal/libevent that make native calls");
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
