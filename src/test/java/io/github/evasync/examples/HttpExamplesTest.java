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

    /**
     * The streaming example: 256 MiB streamed with back-pressure, two Set-Cookie fields, and a
     * SIGTERM that lets a request in progress finish (with Connection: close) before it exits.
     */
    @Test
    void streamingExampleStreamsSetsCookiesAndShutsDownGracefully() throws Exception {
        ExampleRunner.Running server = ExampleRunner.start("HttpStreaming", "0");
        String line = server.awaitLine("listening on http://127.0.0.1:", 60);
        String url = line.substring(line.indexOf("http://")).trim();
        Process stream = new ProcessBuilder("sh", "-c", "curl -sS --max-time 60 '" + url + "stream?mb=256' | wc -c")
                .redirectErrorStream(true).start();
        assertTrue(stream.waitFor(90, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(String.valueOf(256L << 20), new String(stream.getInputStream().readAllBytes()).trim());
        Process cookies = new ProcessBuilder("curl", "-sS", "-i", "--max-time", "20", url).redirectErrorStream(true).start();
        String head = new String(cookies.getInputStream().readAllBytes());
        assertTrue(head.indexOf("Set-Cookie: flavour=oat") >= 0
                && head.indexOf("Set-Cookie: flavour=oat") < head.indexOf("Set-Cookie: size=large"), head);
        Process slow = new ProcessBuilder("curl", "-sS", "-i", "--max-time", "20", url + "slow")
                .redirectErrorStream(true).start();
        Thread.sleep(300); // the slow request is in progress
        Process k = new ProcessBuilder("kill", "-TERM", String.valueOf(server.process.pid())).start();
        assertEquals(0, k.waitFor());
        String answer = new String(slow.getInputStream().readAllBytes());
        assertTrue(answer.startsWith("HTTP/1.1 200") && answer.contains("Connection: close")
                && answer.contains("slow but sure"), answer);
        ExampleRunner.Result done = server.finish(30);
        assertEquals(0, done.exitCode(), done.output());
        assertTrue(done.output().contains("every connection closed") && done.output().contains("http server exited"),
                done.output());
    }

    @Test
    void clientDemoReportsARefusedConnection() throws Exception {
        ExampleRunner.Result r = ExampleRunner.run("HttpClientDemo", 60, "http://127.0.0.1:1/");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("failed: io.github.evasync.HttpRefused"), r.output());
    }
}
