package io.github.evasync.tls;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A TLS 1.2 server that asks the evasync client to renegotiate ({@code openssl s_server}'s
 * {@code r} command sends a HelloRequest): the client refuses with a {@code no_renegotiation}
 * alert (which s_server takes as the end). OpenSSL 3's client renegotiated by default, re-entering its
 * handshake inside whatever call next touched the connection, the critical {@code SSL_write}
 * among them; a context now refuses renegotiation on either side, whatever openssl.cnf says.
 */
@Timeout(60)
class TlsRenegotiationTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    private final TestCerts certs = TestCerts.get();

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void theClientRefusesAServersRenegotiation() throws Exception {
        int port = freePort();
        Process server = new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:" + port,
                "-cert", certs.serverCert.toString(), "-key", certs.serverKey.toString(), "-tls1_2", "-state",
                "-naccept", "1").redirectErrorStream(true).start();
        StringBuffer out = new StringBuffer();
        Thread reader = new Thread(() -> {
            byte[] b = new byte[4096];
            try (InputStream in = server.getInputStream()) {
                for (int n; (n = in.read(b)) > 0; ) {
                    out.append(new String(b, 0, n, StandardCharsets.ISO_8859_1));
                }
            } catch (Exception ignored) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        try (EventLoop loop = loops.start()) {
            List<Object> conditions = new java.util.concurrent.CopyOnWriteArrayList<>();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            TcpSocket s = null;
            while (s == null && System.nanoTime() < end) {
                if (!out.toString().contains("ACCEPT")) {
                    Thread.sleep(20);
                    continue;
                }
                s = loop.submit(() -> loop.tcpConnect("127.0.0.1", port,
                        (sock, d) -> { }, conditions::add,
                        TcpOptions.defaults().tls(TlsOptions.client().trust(certs.ca).serverName("localhost"))
                                .data("hello\n"))).get(10, TimeUnit.SECONDS);
            }
            TcpSocket client = s;
            await(out, "hello");
            OutputStream cmd = server.getOutputStream();
            cmd.write("r\n".getBytes(StandardCharsets.US_ASCII));
            cmd.flush();
            await(out, "no renegotiation");
            // s_server takes the refusal as fatal and ends the connection: the client hears of it
            // once, and no second handshake ever ran.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (conditions.isEmpty() && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertEquals(1, conditions.size(), conditions::toString);
            assertEquals(1, out.toString().split("read client hello", -1).length - 1, out::toString);
            loop.submit(() -> {
                client.close();
                return null;
            }).get(10, TimeUnit.SECONDS);
            Idle.awaitIdle(loop);
        } finally {
            server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static void await(StringBuffer out, String text) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!out.toString().contains(text) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertTrue(out.toString().contains(text), () -> "no '" + text + "' from s_server: " + out);
    }
}
