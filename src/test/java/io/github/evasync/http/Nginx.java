package io.github.evasync.http;

import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx for the tests, with its own configuration in a temporary directory: a reverse
 * proxy to an upstream port (or Unix socket file) under /proxy/, and static files under /files/; over plain HTTP, or
 * over TLS with a given certificate ({@link #startTls}).
 */
final class Nginx implements AutoCloseable {
    final int port;
    final Path files;
    private final boolean tls;
    private final Process process;
    private final Path dir;

    private Nginx(int port, boolean tls, Path dir, Process process) {
        this.port = port;
        this.tls = tls;
        this.dir = dir;
        this.files = dir.resolve("files");
        this.process = process;
    }

    /** Starts nginx; a port taken between choosing and binding it (by another connection) is retried. */
    static Nginx start(int upstreamPort) throws Exception {
        return start("127.0.0.1:" + upstreamPort, null, null);
    }

    /** Starts nginx proxying /proxy/ to a server on the Unix socket file {@code upstream} ({@code server unix:/path}). */
    static Nginx startUnix(Path upstream) throws Exception {
        return start("unix:" + upstream, null, null);
    }

    /** Starts nginx speaking TLS (1.2 and 1.3) with this PEM certificate chain and key; plain HTTP to its upstream. */
    static Nginx startTls(int upstreamPort, Path certificateChain, Path key) throws Exception {
        return start("127.0.0.1:" + upstreamPort, certificateChain, key);
    }

    private static Nginx start(String upstream, Path certificateChain, Path key) throws Exception {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                return startOnce(upstream, certificateChain, key);
            } catch (IllegalStateException e) {
                last = e;
                if (!String.valueOf(e.getMessage()).contains("in use")) {
                    throw e;
                }
            }
        }
        throw last;
    }

    private static Nginx startOnce(String upstream, Path certificateChain, Path key) throws Exception {
        Path dir = Files.createTempDirectory("evasync-nginx");
        Files.createDirectories(dir.resolve("files"));
        Files.createDirectories(dir.resolve("tmp"));
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        String conf = """
                user root;
                worker_processes 1;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 512; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/tmp/body;
                    proxy_temp_path %1$s/tmp/proxy;
                    fastcgi_temp_path %1$s/tmp/fastcgi;
                    uwsgi_temp_path %1$s/tmp/uwsgi;
                    scgi_temp_path %1$s/tmp/scgi;
                    upstream evasync { server %2$s; keepalive 8; }
                    server {
                        listen 127.0.0.1:%3$d%4$s;
                        location /proxy/ {
                            proxy_pass http://evasync/;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                        }
                        location /files/ { alias %1$s/files/; }
                    }
                }
                """.formatted(dir, upstream, port, certificateChain == null ? ""
                : " ssl;\n        ssl_certificate " + certificateChain + ";\n        ssl_certificate_key " + key
                        + ";\n        ssl_protocols TLSv1.2 TLSv1.3");
        Files.writeString(dir.resolve("nginx.conf"), conf);
        Process p = new ProcessBuilder(nginx(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile())
                .redirectInput(new File("/dev/null")).start();
        Nginx n = new Nginx(port, certificateChain != null, dir, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                String log = Files.readString(dir.resolve("stdout.log")) + readIfExists(dir.resolve("error.log"));
                n.close();
                throw new IllegalStateException("nginx exited: " + log);
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return n;
            } catch (java.io.IOException notYet) {
                Thread.sleep(20);
            }
        }
        n.close();
        throw new IllegalStateException("nginx did not start listening");
    }

    private static String readIfExists(Path p) throws java.io.IOException {
        return Files.exists(p) ? Files.readString(p) : "";
    }

    private static String nginx() {
        for (String p : new String[]{"/usr/sbin/nginx", "/usr/bin/nginx"}) {
            if (new File(p).canExecute()) {
                return p;
            }
        }
        throw new IllegalStateException("nginx is not installed: apt-get install nginx");
    }

    /** {@return http://127.0.0.1:port, or https:// over TLS (the test certificates name 127.0.0.1 too)} */
    String base() {
        return (tls ? "https" : "http") + "://127.0.0.1:" + port;
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
