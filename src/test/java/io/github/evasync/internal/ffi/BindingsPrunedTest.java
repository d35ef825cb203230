package io.github.evasync.internal.ffi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The generated bindings hold what the hand-written code uses and nothing more
 * (jextract/README.md). There are two lists, one per jextract run: {@code jextract/includes.txt}
 * makes the header class {@code LibEvent}, {@code jextract/tls-includes.txt} makes {@code LibTls}.
 * For each, every name in the list is referenced from {@code src/main/java} outside the generated
 * package, every member of its header class the code references is in the list, and the header
 * class holds exactly the list; every generated struct or typedef class the code names is in one
 * of the lists. Reads sources, so it runs from the project directory, as Maven does.
 */
@Timeout(60)
class BindingsPrunedTest {
    private static final Path MAIN = Path.of("src/main/java");
    private static final String PACKAGE = "io.github.evasync.internal.libevent";
    private static final Path GENERATED = MAIN.resolve(PACKAGE.replace('.', '/'));
    private static final Pattern OPTION = Pattern.compile("--include-(function|constant|var|struct|union|typedef) (\\w+)");
    private static final Pattern CLASS_USE = Pattern.compile(Pattern.quote(PACKAGE) + "\\.([\\w$]+|\\*)");

    /** One jextract run: its include list and the header class it makes. */
    private record Run(Path includes, String header) {
        Pattern member() {
            // Not "LibEvent.class": the class literal names the header, no member of it.
            return Pattern.compile("\\b" + header + "\\s*\\.\\s*(?!class\\b)(\\w+)");
        }

        Pattern staticImport() {
            return Pattern.compile("import\\s+static\\s+" + Pattern.quote(PACKAGE) + "\\." + header + "\\.(\\w+|\\*)\\s*;");
        }

        boolean isHeaderClass(String generatedClass) {
            return generatedClass.equals(header) || generatedClass.startsWith(header + "$");
        }
    }

    private static final List<Run> RUNS = List.of(
            new Run(Path.of("jextract/includes.txt"), "LibEvent"),
            new Run(Path.of("jextract/tls-includes.txt"), "LibTls"));

    @Test
    void everyIncludedSymbolIsUsedByHandWrittenCode() {
        Map<Path, String> sources = handWritten();
        List<String> unused = new ArrayList<>();
        for (Run run : RUNS) {
            Map<String, String> includes = includes(run);
            Uses uses = Uses.of(sources, run);
            Set<String> used = new TreeSet<>(uses.classes);
            // A struct that is only a field of a used struct (in_addr inside sockaddr_in) is needed
            // too: jextract refuses to generate the outer one without it.
            boolean grew = true;
            while (grew) {
                grew = false;
                for (String name : includes.keySet()) {
                    if (isClassKind(includes.get(name)) && !used.contains(name) && usedClassRefersTo(used, name)) {
                        grew = used.add(name);
                    }
                }
            }
            includes.forEach((name, kind) -> {
                boolean referenced = isClassKind(kind) ? used.contains(name) : uses.members.contains(name);
                if (!referenced) {
                    unused.add(run.includes() + ": --include-" + kind + " " + name);
                }
            });
        }
        assertEquals(List.of(), unused,
                "the jextract include lists name symbols no hand-written code uses; remove them and regenerate");
    }

    @Test
    void everyGeneratedNameTheCodeUsesIsInTheList() {
        Map<Path, String> sources = handWritten();
        Set<String> allIncluded = new TreeSet<>();
        RUNS.forEach(run -> allIncluded.addAll(includes(run).keySet()));
        List<String> missing = new ArrayList<>();
        List<String> wildcards = new ArrayList<>();
        for (Run run : RUNS) {
            Map<String, String> includes = includes(run);
            Uses uses = Uses.of(sources, run);
            Set<String> shared = sharedLayouts(run);
            for (String member : uses.members) {
                if (!includes.containsKey(member) && !shared.contains(member)) {
                    missing.add(run.header() + "." + member);
                }
            }
            for (String cls : uses.classes) {
                if (!allIncluded.contains(owner(cls))) {
                    missing.add(cls);
                }
            }
            wildcards.addAll(uses.wildcards);
        }
        assertEquals(List.of(), missing, "hand-written code uses generated names the jextract include lists do not hold");
        assertEquals(List.of(), wildcards,
                "a wildcard import of the generated package hides what it uses from this test; import by name");
    }

    @Test
    void theGeneratedPackageMatchesTheList() throws IOException {
        Set<String> allIncluded = new TreeSet<>();
        List<String> absent = new ArrayList<>();
        for (Run run : RUNS) {
            Map<String, String> includes = includes(run);
            allIncluded.addAll(includes.keySet());
            String header = strip(Files.readString(GENERATED.resolve(run.header() + ".java")));
            includes.forEach((name, kind) -> {
                boolean present = isClassKind(kind)
                        ? Files.exists(GENERATED.resolve(name + ".java"))
                        : Pattern.compile("public static (?:class \\b" + name + "\\b|[\\w.<>\\[\\]]+ " + name + "\\()")
                                .matcher(header).find();
                if (!present) {
                    absent.add(run.header() + "." + name);
                }
            });
        }
        assertEquals(List.of(), absent, "listed in a jextract include list but not generated: run jextract/generate.sh");

        List<String> stale = new ArrayList<>();
        try (Stream<Path> files = Files.list(GENERATED)) {
            files.map(p -> p.getFileName().toString().replaceFirst("\\.java$", ""))
                    .filter(c -> !c.equals("package-info") && RUNS.stream().noneMatch(r -> r.isHeaderClass(c)))
                    .filter(c -> !allIncluded.contains(owner(c)))
                    .forEach(stale::add);
        }
        assertEquals(List.of(), stale, "generated but in no jextract include list: run jextract/generate.sh");
    }

    /** The TLS list is kept apart: a symbol of libssl in the plain list would make every program link it. */
    @Test
    void theListsDoNotOverlap() {
        Set<String> plain = includes(RUNS.get(0)).keySet();
        List<String> both = includes(RUNS.get(1)).keySet().stream().filter(plain::contains).toList();
        assertEquals(List.of(), both, "named in both jextract include lists");
    }

    /** The listed symbol a generated class comes from: jextract names a function's callback parameter type function$param. */
    private static String owner(String generatedClass) {
        int dollar = generatedClass.indexOf('$');
        return dollar < 0 ? generatedClass : generatedClass.substring(0, dollar);
    }

    private static boolean isClassKind(String kind) {
        return kind.equals("struct") || kind.equals("union") || kind.equals("typedef");
    }

    private static boolean usedClassRefersTo(Set<String> used, String name) {
        Pattern ref = Pattern.compile("\\b" + Pattern.quote(name) + "\\s*\\.");
        for (String user : used) {
            Path file = GENERATED.resolve(user + ".java");
            if (Files.exists(file) && ref.matcher(strip(read(file))).find()) {
                return true;
            }
        }
        return false;
    }

    /** The list's names, each with its kind, in file order; fails on a line that is not an option. */
    private static Map<String, String> includes(Run run) {
        Map<String, String> names = new LinkedHashMap<>();
        for (String line : read(run.includes()).split("\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            Matcher m = OPTION.matcher(t);
            if (!m.matches()) {
                throw new AssertionError("not an include option in " + run.includes() + ": " + t);
            }
            if (names.put(m.group(2), m.group(1)) != null) {
                throw new AssertionError("named twice in " + run.includes() + ": " + m.group(2));
            }
        }
        return names;
    }

    /** The layouts jextract always emits in the header class's $shared (C_INT, C_POINTER...), whatever the list. */
    private static Set<String> sharedLayouts(Run run) {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("public static final [\\w.]+ (\\w+)\\s*=")
                .matcher(read(GENERATED.resolve(run.header() + "$shared.java")));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Every hand-written source under src/main/java, comments and string literals removed. */
    private static Map<Path, String> handWritten() {
        Map<Path, String> sources = new HashMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            files.filter(p -> p.toString().endsWith(".java") && !p.startsWith(GENERATED))
                    .forEach(p -> sources.put(p, strip(read(p))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (sources.isEmpty()) {
            throw new AssertionError("no sources under " + MAIN.toAbsolutePath());
        }
        return sources;
    }

    /** What the hand-written code names from the generated package, through one header class. */
    private record Uses(Set<String> members, Set<String> classes, List<String> wildcards) {
        static Uses of(Map<Path, String> sources, Run run) {
            Uses uses = new Uses(new TreeSet<>(), new TreeSet<>(), new ArrayList<>());
            Pattern member = run.member();
            Pattern staticImport = run.staticImport();
            sources.forEach((path, text) -> {
                collect(member, text, uses.members);
                Matcher s = staticImport.matcher(text);
                while (s.find()) {
                    if (s.group(1).equals("*")) {
                        uses.wildcards.add(path.toString());
                    } else {
                        uses.members.add(s.group(1));
                    }
                }
                Matcher c = CLASS_USE.matcher(text);
                while (c.find()) {
                    String name = c.group(1);
                    if (name.equals("*")) {
                        uses.wildcards.add(path.toString());
                    } else if (RUNS.stream().noneMatch(r -> r.isHeaderClass(name))) {
                        uses.classes.add(name);
                    }
                }
            });
            return uses;
        }

        private static void collect(Pattern p, String text, Set<String> into) {
            Matcher m = p.matcher(text);
            while (m.find()) {
                into.add(m.group(1));
            }
        }
    }

    /** Java source without comments, string, text block and char literals, so prose does not count as use. */
    private static String strip(String src) {
        StringBuilder out = new StringBuilder(src.length());
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (src.startsWith("//", i)) {
                i = skipTo(src, i, "\n");
                out.append('\n');
            } else if (src.startsWith("/*", i)) {
                i = skipTo(src, i + 2, "*/");
                out.append(' ');
            } else if (src.startsWith("\"\"\"", i)) {
                i = skipTo(src, i + 3, "\"\"\"");
                out.append("\"\"");
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && src.charAt(j) != c) {
                    j += src.charAt(j) == '\\' ? 2 : 1;
                }
                i = j + 1;
                out.append(c).append(c);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** The index just past the first {@code end} at or after {@code from}, or the text's end. */
    private static int skipTo(String src, int from, String end) {
        int at = src.indexOf(end, from);
        return at < 0 ? src.length() : at + end.length();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
