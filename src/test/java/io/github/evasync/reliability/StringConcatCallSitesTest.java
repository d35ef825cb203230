package io.github.evasync.reliability;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The library's classes hold no string-concatenation call sites ({@code invokedynamic} to
 * {@code StringConcatFactory}): the build compiles with {@code -XDstringConcat=inline}. Such a
 * site bootstraps the first time it runs, and if a {@link StackOverflowError} cuts that short
 * (a concatenation in an error message, deep in a user's callback), the site throws
 * {@code BootstrapMethodError} for the rest of the JVM's life: FirstUseOverflowTest's httpClient
 * case met exactly that under load.
 */
@Timeout(60)
class StringConcatCallSitesTest {
    @Test
    void noClassOfTheLibraryBootstrapsAConcatenation() throws IOException {
        Path classes = Path.of("target/classes/io/github/evasync");
        assertTrue(Files.isDirectory(classes), "run from the project directory, after compiling: " + classes.toAbsolutePath());
        byte[] marker = "makeConcatWithConstants".getBytes(StandardCharsets.US_ASCII);
        List<String> offenders;
        try (Stream<Path> files = Files.walk(classes)) {
            offenders = files.filter(p -> p.toString().endsWith(".class"))
                    .filter(p -> contains(read(p), marker))
                    .map(p -> classes.relativize(p).toString())
                    .sorted().toList();
        }
        assertEquals(List.of(), offenders, "classes with string-concatenation call sites");
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
