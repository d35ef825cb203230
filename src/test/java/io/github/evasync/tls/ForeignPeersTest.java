package io.github.evasync.tls;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TcpEof;
import io.github.evasync.TestLoops;
import io.github.evasync.tcp.ServerOptions;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * evasync's TLS against TLS stacks that are not evasync's: the {@code openssl} command's
 * {@code s_server} and {@code s_client}, and Python's {@code ssl} module, as server and as client.
 * Each peer is a real process on a loopback port.
 */
@Timeout(60)
class ForeignPeersTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    private final TestCerts certs = TestCerts.get();

    @Test
    void evasyncClientToOpensslSServer() throws Exception {
        int port = freePort();
        Process server = start("openssl", "s_server", "-accept", "127.0.0.1:" + port, "-cert", certs.serverCert.toString(),
                "-key", certs.serverKey.toString(), "-www", "-naccept", "1", "-alpn", "http/1.1");
        try {
            awaitListening(port, server);
            StringBuilder page = new StringBuilder();
            List<Object> conditions = new ArrayList<>();
            String[] alpn = new String[1];
            EventLoop.run(loops.options(), loop -> {
                loop.tcpConnect("localhost", port, (s, d) -> {
                    alpn[0] = s.tlsSession().alpn();
                    page.append(new String(d, StandardCharsets.ISO_8859_1));
                }, conditions::add, TcpOptions.defaults().tls(TlsOptions.client().trust(certs.ca).alpn("http/1.1"))
                        .data("GET / HTTP/1.0\r\n\r\n"));
                Idle.atExit(loop);
            });
            assertTrue(page.toString().startsWith("HTTP/1.0 200 ok"), page::toString);
            assertTrue(page.toString().contains("TLSv1.3"), "s_server's page names the protocol");
            assertEquals("http/1.1", alpn[0]);
            assertEquals(1, conditions.size(), conditions::toString);
            assertTrue(conditions.get(0) instanceof TcpEof, "s_server ends with close_notify: " + conditions);
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void opensslSClientToEvasyncServer() throws Exception {
        try (EventLoop loop = loops.start()) {
            CompletableFuture<String> alpn = new CompletableFuture<>();
            TcpServer server = loop.submit(() -> loop.tcpServer("127.0.0.1", 0, (s, d) -> {
                alpn.complete(String.valueOf(s.tlsSession().alpn()));
                s.write(new String(d, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT));
                s.close();
            }, ev -> { }, ServerOptions.defaults().tls(TlsOptions.server(certs.serverCert, certs.serverKey)
                    .alpn("h2", "http/1.1")))).get(10, TimeUnit.SECONDS);
            Process client = start("openssl", "s_client", "-connect", "127.0.0.1:" + server.port(), "-CAfile",
                    certs.ca.toString(), "-verify_return_error", "-verify_hostname", "localhost",
                    "-servername", "localhost", "-alpn", "http/1.1", "-quiet");
            client.getOutputStream().write("ping from s_client\n".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(client.waitFor(20, TimeUnit.SECONDS));
            assertTrue(out.contains("PING FROM S_CLIENT"), out);
            assertEquals("http/1.1", alpn.get(10, TimeUnit.SECONDS));
            loop.submit(() -> {
                server.close();
                return null;
            }).get(10, TimeUnit.SECONDS);
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void pythonSslClientToEvasyncServer() throws Exception {
        try (EventLoop loop = loops.start()) {
            TcpServer server = loop.submit(() -> loop.tcpServer("127.0.0.1", 0, (s, d) -> {
                s.write("got " + new String(d, StandardCharsets.US_ASCII) + " over " + s.tlsSession().protocol());
                s.close();
            }, ev -> { }, ServerOptions.defaults().tls(TlsOptions.server(certs.serverCert, certs.serverKey)
                    .requireClientCertificate(certs.ca)))).get(10, TimeUnit.SECONDS);
            String script = String.join("\n",
                    "import socket, ssl, sys",
                    "ctx = ssl.create_default_context(cafile=sys.argv[2])",
                    "ctx.load_cert_chain(sys.argv[3], sys.argv[4])",
                    "with socket.create_connection(('127.0.0.1', int(sys.argv[1]))) as raw:",
                    "    with ctx.wrap_socket(raw, server_hostname='localhost') as s:",
                    "        s.sendall(b'ping')",
                    "        data = b''",
                    "        while True:",
                    "            chunk = s.recv(100)",
                    "            if not chunk: break",
                    "            data += chunk",
                    "        print(data.decode(), s.version())",
                    "");
            Process p = start("python3", "-c", script, String.valueOf(server.port()), certs.ca.toString(),
                    certs.clientCert.toString(), certs.clientKey.toString());
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            // recv() returned b'' only because evasync sent close_notify: Python raises on a bare FIN.
            assertEquals("got ping over TLSv1.3 TLSv1.3", out.strip());
            loop.submit(() -> {
                server.close();
                return null;
            }).get(10, TimeUnit.SECONDS);
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void evasyncClientToPythonSslServer() throws Exception {
        String script = String.join("\n",
                "import socket, ssl, sys",
                "ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)",
                "ctx.load_cert_chain(sys.argv[1], sys.argv[2])",
                "ctx.set_alpn_protocols(['h2', 'http/1.1'])",
                "with socket.create_server(('127.0.0.1', 0)) as ls:",
                "    print(ls.getsockname()[1], flush=True)",
                "    conn, _ = ls.accept()",
                "    with ctx.wrap_socket(conn, server_side=True) as s:",
                "        data = s.recv(100)",
                "        s.sendall(b'python says ' + data + b' ' + s.selected_alpn_protocol().encode())",
                "        s.unwrap()",
                "");
        Process p = start("python3", "-c", script, certs.serverCert.toString(), certs.serverKey.toString());
        try {
            String first = readLine(p);
            int port = Integer.parseInt(first.strip());
            StringBuilder got = new StringBuilder();
            List<Object> conditions = new ArrayList<>();
            EventLoop.run(loops.options(), loop -> {
                loop.tcpConnect("localhost", port, (s, d) -> got.append(new String(d, StandardCharsets.UTF_8)),
                        conditions::add, TcpOptions.defaults().tls(TlsOptions.client().trust(certs.ca).alpn("http/1.1"))
                                .data("hello"));
                Idle.atExit(loop);
            });
            assertEquals("python says hello http/1.1", got.toString());
            assertEquals(1, conditions.size(), conditions::toString);
            assertTrue(conditions.get(0) instanceof TcpEof, "unwrap() sent close_notify: " + conditions);
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            p.destroy();
        }
    }

    private static Process start(String... cmd) throws IOException {
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static String readLine(Process p) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = p.getInputStream().read()) >= 0 && c != '\n') {
            line.append((char) c);
        }
        return line.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Waits until the peer process accepts on {@code port}, probing with a connect that s_server serves as one client. */
    private static void awaitListening(int port, Process p) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end) {
            if (!p.isAlive()) {
                throw new IllegalStateException("peer exited: " + new String(p.getInputStream().readAllBytes()));
            }
            // /proc/net/tcp lists listening sockets without connecting (a connect would use up -naccept 1).
            String hex = String.format(":%04X ", port);
            for (String l : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/net/tcp"))) {
                if (l.contains(hex) && l.split("\\s+")[4].equals("0A")) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("peer never listened on " + port);
    }
}
