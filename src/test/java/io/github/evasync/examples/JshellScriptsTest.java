package io.github.evasync.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs each examples/*.jsh script through bin/evasync-jshell, as the README tells a newcomer to. */
@Timeout(180)
class JshellScriptsTest {
    static String run(String script) throws Exception {
        Path root = Path.of(System.getProperty("evasync.examples.dir", "examples")).toAbsolutePath().getParent();
        Process p = new ProcessBuilder("bash", root.resolve("bin/evasync-jshell").toString(),
                root.resolve("examples").resolve(script).toString())
                .directory(root.toFile()).redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
        boolean done = p.waitFor(150, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly().waitFor();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(done, script + " hung: " + out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void liveLoopScript() throws Exception {
        String out = run("live-loop.jsh");
        assertTrue(out.contains("reply: hello from jshell"), out);
        assertTrue(out.contains("tick on evasync-loop-"), out);
        assertTrue(out.contains("callbackRegistryCount=0, dataRegistryCount=0"), out);
        assertTrue(out.contains("closed: true"), out);
        assertTrue(!out.contains("Exception"), out);
    }

    @Test
    void httpLiveScript() throws Exception {
        String out = run("http-live.jsh");
        assertTrue(out.contains("200 hello #1 for /first"), out);
        assertTrue(out.contains("200 hello #2 for /second"), out);
        assertTrue(out.contains("done"), out);
        assertTrue(!out.contains("Exception"), out);
    }
}
