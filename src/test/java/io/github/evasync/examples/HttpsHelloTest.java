package io.github.evasync.examples;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import io.github.evasync.http.HttpClientOptions;
import io.github.evasync.http.HttpRequestSpec;
import io.github.evasync.http.HttpResponse;
import io.github.evasync.tls.TestCerts;
import io.github.evasync.tls.TlsOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's HTTPS example, run as a program with the test certificates: curl and evasync's client fetch from it. */
@Timeout(120)
class HttpsHelloTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @Test
    void servesHelloOverTlsAndStopsOnSigint() throws Exception {
        TestCerts certs = TestCerts.get();
        ExampleRunner.Running hello = ExampleRunner.start("HttpsHello", certs.serverCert.toString(),
                certs.serverKey.toString(), "0", "60");
        String line = hello.awaitLine("listening on https://localhost:", 60);
        String url = line.substring(line.indexOf("https://")).trim();

        assertEquals("Hello, World!\n", curl("--cacert", certs.ca.toString(), url));
        assertEquals("", curl(url), "curl without the CA refuses the certificate");
        hello.awaitLine("server event: io.github.evasync.TlsError", 30);

        try (EventLoop loop = loops.start()) {
            HttpResponse r = loop.http(new HttpRequestSpec(url,
                    HttpClientOptions.defaults().tls(TlsOptions.client().trust(certs.ca).alpn("http/1.1"))))
                    .get(20, TimeUnit.SECONDS);
            assertEquals(200, r.status());
            assertEquals("Hello, World!\n", r.bodyText());
            loop.closeIdleHttpConnections();
            Idle.awaitIdle(loop);
        }

        Process k = new ProcessBuilder("kill", "-INT", String.valueOf(hello.process.pid())).start();
        assertEquals(0, k.waitFor());
        ExampleRunner.Result done = hello.finish(30);
        assertEquals(0, done.exitCode(), done.output());
        assertTrue(done.output().contains("https server exited"), done.output());
    }

    /** {@return what curl printed on stdout} */
    private static String curl(String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("curl", "-sS", "--max-time", "20"));
        cmd.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "curl hung");
        return out;
    }
}
