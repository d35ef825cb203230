package io.github.evasync;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * evasync as a user gets it: a copy of this project is installed ({@code mvn install}) into a
 * throwaway local repository, a separate Maven project ({@code src/it/consumer}) that depends on
 * {@code io.github.evasync:evasync} is built against it, and its program (a TCP echo and a
 * timer) runs on the class path and as a named module on the module path; jshell then runs a
 * loop with nothing but the jar. Nothing here reads this build's own classes.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ConsumerTest {
    @TempDir
    static Path work;
    private static Path jar;
    private static Path consumerClasses;

    /** The user's own repository serves plugins and the like, Maven Central what it lacks. */
    private static Path settings(Path repo) throws IOException {
        String userRepo = System.getProperty("evasync.test.userRepo",
                System.getProperty("user.home") + "/.m2/repository");
        String repos = """
                <repository><id>user-cache</id><url>%s</url>
                  <releases><enabled>true</enabled></releases><snapshots><enabled>false</enabled></snapshots></repository>
                """.formatted(Path.of(userRepo).toUri());
        String xml = """
                <settings>
                  <localRepository>%s</localRepository>
                  <profiles><profile><id>cache</id>
                    <repositories>%s</repositories>
                    <pluginRepositories>%s</pluginRepositories>
                  </profile></profiles>
                  <activeProfiles><activeProfile>cache</activeProfile></activeProfiles>
                </settings>
                """.formatted(repo, repos, repos.replace("repository>", "pluginRepository>"));
        Path f = work.resolve("settings.xml");
        Files.writeString(f, xml);
        return f;
    }

    private static String run(Path dir, List<String> command, String stdin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "finished: " + command);
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), command + " failed:\n" + text);
        return text;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static String java(String tool) {
        return Path.of(System.getProperty("java.home"), "bin", tool).toString();
    }

    @BeforeAll
    static void installAndBuildTheConsumer() throws Exception {
        Path base = Path.of(System.getProperty("evasync.basedir", "."));
        String version = System.getProperty("evasync.version", "0.1.0-SNAPSHOT");
        Path repo = work.resolve("repo");
        Path s = settings(repo);
        // A copy, so that this build's target/ (in use by the running tests) is left alone.
        Path copy = work.resolve("evasync");
        for (String f : List.of("pom.xml", "LICENSE", "NOTICE")) {
            Files.createDirectories(copy);
            Files.copy(base.resolve(f), copy.resolve(f));
        }
        copyTree(base.resolve("src/main"), copy.resolve("src/main"));
        run(copy, List.of("mvn", "-B", "-q", "-s", s.toString(), "install", "-DskipTests",
                "-Dmaven.javadoc.skip=true"), null);
        jar = repo.resolve("io/github/evasync/evasync/" + version + "/evasync-" + version + ".jar");
        assertTrue(Files.isRegularFile(jar), "installed: " + jar);
        Path consumer = work.resolve("consumer");
        copyTree(base.resolve("src/it/consumer"), consumer);
        run(consumer, List.of("mvn", "-B", "-q", "-s", s.toString(), "-Devasync.version=" + version, "compile"), null);
        consumerClasses = consumer.resolve("target/classes");
    }

    @Test
    void theJarCarriesItsLicenseAndModule() throws Exception {
        String list = run(work, List.of(java("jar"), "--list", "--file", jar.toString()), null);
        assertTrue(list.contains("META-INF/LICENSE") && list.contains("META-INF/NOTICE"), list);
        String module = run(work, List.of(java("jar"), "--describe-module", "--file", jar.toString()), null);
        assertTrue(module.contains("io.github.evasync") && module.contains("exports io.github.evasync.tcp")
                && !module.contains("exports io.github.evasync.internal"), module);
    }

    @Test
    void onTheClassPath() throws Exception {
        String out = run(work, List.of(java("java"), "--enable-native-access=ALL-UNNAMED", "-cp",
                consumerClasses + java.io.File.pathSeparator + jar, "consumer.Main"), null);
        assertTrue(out.contains("timer fired") && out.contains("echo: ping"), out);
        assertTrue(out.contains("evasync module: null"), out); // the unnamed module
        assertTrue(!out.contains("WARNING"), out);
    }

    @Test
    void asANamedModuleOnTheModulePath() throws Exception {
        String out = run(work, List.of(java("java"), "--enable-native-access=io.github.evasync", "-p",
                consumerClasses + java.io.File.pathSeparator + jar, "-m", "consumer/consumer.Main"), null);
        assertTrue(out.contains("timer fired") && out.contains("echo: ping"), out);
        assertTrue(out.contains("evasync module: io.github.evasync"), out);
        assertTrue(!out.contains("WARNING"), out);
    }

    @Test
    void inJshellWithOnlyTheJar() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java("jshell"), "-q", "--class-path", jar.toString(),
                "-R--enable-native-access=ALL-UNNAMED"));
        String script = """
                import io.github.evasync.*;
                EventLoop.run(loop -> loop.delay(java.time.Duration.ofMillis(10), () -> System.out.println("jshell timer " + (6 * 7))));
                /exit
                """;
        String out = run(work, cmd, script);
        assertTrue(out.contains("jshell timer 42"), out);
        assertTrue(!out.contains("Exception"), out);
    }
}
