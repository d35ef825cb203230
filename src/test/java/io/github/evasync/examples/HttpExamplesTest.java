package io.github.evasync.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class HttpExamplesTest {
    @Test
    void clientDemoFetchesFromHttpHello() throws Exception {
        ExampleRunner.Running hello = ExampleRunner.start("HttpHello", "0", "20");
        String line = hello.awaitLine("listening on http://127.0.0.1:", 60);
        String url = line.substring(line.indexOf("http://")).trim();
        ExampleRunner.Result client = ExampleRunner.run("HttpClientDemo", 60, url);
        assertEquals(0, client.exitCode(), client.output());
        assertTrue(client.output().contains("status: 200"), client.output());
        assertTrue(client.output().contains("Content-Length: 13"), client.output());
        assertTrue(client.output().contains("body: 13 bytes"), client.output());
        Process k = new ProcessBuilder("kill", "-INT", String.valueOf(hello.process.pid())).start();
        assertEquals(0, k.waitFor());
        ExampleRunner.Result done = hello.finish(30);
        assertEquals(0, done.exitCode(), done.output());
        assertTrue(done.output().contains("http server exited"), done.output());
    }

    @Test
    void clientDemoReportsARefusedConnection() throws Exception {
        ExampleRunner.Result r = ExampleRunner.run("HttpClientDemo", 60, "http://127.0.0.1:1/");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("failed: io.github.evasync.HttpRefused"), r.output());
    }
}
