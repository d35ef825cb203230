package io.github.evasync.tls;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An encrypted key file with no {@code keyPassword} is refused at once. OpenSSL's default
 * password callback would otherwise prompt on the terminal, or read the process's standard
 * input, from the thread that opens the server: a loop blocked for as long as stdin stays open,
 * or an application's input silently eaten. Run in a child JVM with no controlling terminal
 * ({@code setsid}) and a standard input that is open and never written.
 */
@Timeout(60)
class KeyPasswordPromptTest {
    private final TestCerts certs = TestCerts.get();

    @ParameterizedTest
    @ValueSource(strings = {"server", "client"})
    void anEncryptedKeyWithoutPasswordIsRefusedWithoutReadingStdin(String mode) throws Exception {
        List<String> cmd = List.of("setsid", ProcessHandle.current().info().command().orElseThrow(),
                System.getProperty("evasync.test.jvmFlags", "--enable-native-access=ALL-UNNAMED"),
                "-cp", System.getProperty("java.class.path"), KeyPasswordChild.class.getName(), mode,
                certs.serverCert.toString(), certs.serverKeyEncrypted.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try {
                p.getInputStream().transferTo(output);
            } catch (IOException ended) {
                // the child was killed
            }
        });
        reader.start();
        try (OutputStream stdin = p.getOutputStream()) {
            // stdin stays open and empty until the child has ended (or the wait gives up).
            boolean ended = p.waitFor(20, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly();
            }
            reader.join(5_000);
            String out = output.toString(StandardCharsets.UTF_8);
            assertTrue(ended, "the child blocked (reading a password from stdin?): " + out);
            // The key's argument as the caller wrote it: TlsOptions.server's privateKeyPem, clientCertificate's keyPem.
            assertTrue((out.contains("RESULT refused: privateKeyPem") || out.contains("RESULT refused: keyPem"))
                    && out.contains("set keyPassword")
                    && out.contains("DONE"), out);
        } finally {
            p.destroyForcibly();
        }
    }
}
