package io.github.evasync.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every Java block of the README compiles against the library as it is: a block is what a
 * newcomer copies first, and one that stopped compiling (a switch over the conditions that a new
 * kind made non-exhaustive, a renamed method) is found here rather than by them. Each block
 * becomes the body of a method of its own; the names a block uses without declaring them
 * ({@code loop}, the {@code serverTls} of the block before) are that method's parameters.
 */
@Timeout(120)
class ReadmeSnippetsTest {
    private static final String IMPORTS = """
            import io.github.evasync.*;
            import io.github.evasync.tcp.*;
            import io.github.evasync.dns.*;
            import io.github.evasync.http.*;
            import io.github.evasync.signal.*;
            import io.github.evasync.tls.*;
            import io.github.evasync.udp.*;
            import io.github.evasync.redis.*;
            import java.nio.file.Path;
            import java.time.Duration;
            import java.util.Map;
            import static java.nio.charset.StandardCharsets.UTF_8;
            """;

    static List<String> javaBlocks(List<String> readme) {
        List<String> blocks = new ArrayList<>();
        StringBuilder block = null;
        for (String line : readme) {
            if (block == null && line.trim().equals("```java")) {
                block = new StringBuilder();
            } else if (block != null && line.trim().equals("```")) {
                blocks.add(block.toString());
                block = null;
            } else if (block != null && !line.startsWith("import ")) {
                block.append(line).append('\n');
            }
        }
        return blocks;
    }

    static String asClass(List<String> blocks) {
        StringBuilder src = new StringBuilder(IMPORTS).append("\nclass ReadmeSnippets {\n");
        for (int i = 0; i < blocks.size(); i++) {
            String b = blocks.get(i);
            List<String> params = new ArrayList<>();
            if (!b.contains("loop ->") && b.contains("loop.")) {
                params.add("EventLoop loop");
            }
            if (b.contains("serverTls") && !b.contains("TlsOptions serverTls")) {
                params.add("TlsOptions serverTls");
            }
            src.append("  static void block").append(i + 1).append('(').append(String.join(", ", params))
                    .append(") throws Exception {\n").append(b).append("  }\n");
        }
        return src.append("}\n").toString();
    }

    @Test
    void everyJavaBlockOfTheReadmeCompiles() throws Exception {
        List<String> blocks = javaBlocks(Files.readAllLines(Path.of("README.md")));
        assertTrue(blocks.size() >= 10, "the README's Java blocks were not found: " + blocks.size());
        String source = asClass(blocks);
        Path dir = Files.createTempDirectory("readme-snippets");
        try {
            Files.writeString(dir.resolve("ReadmeSnippets.java"), source);
            // javac in a child process: the tests run inside the library's module, which does not
            // read java.compiler. The JDK running the tests compiles, as a reader's would.
            Path javac = Path.of(System.getProperty("java.home"), "bin", "javac");
            Process p = new ProcessBuilder(javac.toString(), "-proc:none", "-d", dir.resolve("out").toString(),
                    "-cp", Path.of("target", "classes").toAbsolutePath().toString(),
                    dir.resolve("ReadmeSnippets.java").toString()).redirectErrorStream(true).start();
            byte[] said = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "javac did not finish");
            assertEquals(0, p.exitValue(), () -> "README blocks do not compile:\n"
                    + new String(said, StandardCharsets.UTF_8) + "\n" + numbered(source));
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static String numbered(String source) {
        StringBuilder b = new StringBuilder();
        String[] lines = source.split("\n");
        for (int i = 0; i < lines.length; i++) {
            b.append(i + 1).append(": ").append(lines[i]).append('\n');
        }
        return b.toString();
    }
}
