package io.github.evasync.reliability.leak;

import io.github.evasync.EventLoop;
import io.github.evasync.TcpEof;
import io.github.evasync.http.HttpClientOptions;
import io.github.evasync.http.HttpServer;
import io.github.evasync.tcp.TcpServer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static io.github.evasync.reliability.leak.LeakSettings.UNIX_CONCURRENCY;
import static io.github.evasync.reliability.leak.LeakSettings.UNIX_W;

/**
 * Local (Unix-domain) sockets: echo round trips through unixServer and unixConnect (closed,
 * closed at once, half-closed with shutdownOutput), and HTTP on a socket file through the
 * client's unixSocket option; each server's file is removed at the end.
 */
final class UnixWorkload extends Workload {
    Path dir;
    TcpServer echo;
    HttpServer http;

    UnixWorkload() {
        super("unix", UNIX_W, UNIX_CONCURRENCY);
    }

    @Override
    void open(EventLoop loop) throws Exception {
        dir = Files.createTempDirectory("evasync-leak-unix");
        echo = loop.unixServer(dir.resolve("echo.sock"), (s, d) -> s.write(d), ev -> {
            if (ev instanceof TcpEof) {
                t.got("serverEof");
            } else {
                t.unexpected("unix echo server", ev);
            }
        });
        http = loop.httpServer(dir.resolve("http.sock"), req -> req.respond(200, null, "local"), none("unix http server"));
    }

    @Override
    void unit(EventLoop loop, int i, Runnable done) {
        int variant = i % 4;
        if (variant == 3) {
            t.expect("answered");
            loop.httpClient("http://local/" + i, (status, headers, body) -> {
                if (status == 200 && "local".equals(new String(body, StandardCharsets.UTF_8))) {
                    t.got("answered");
                } else {
                    t.unexpected("unix http " + i + ": " + status, null);
                }
                done.run();
            }, ev -> {
                t.unexpected("unix http client", ev);
                done.run();
            }, HttpClientOptions.defaults().unixSocket(dir.resolve("http.sock")));
            return;
        }
        byte[] payload = pattern(2048 + i % 7, i);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        t.expect("echoed");
        t.expect("serverEof");
        var c = loop.unixConnect(dir.resolve("echo.sock"), (s, d) -> {
            got.writeBytes(d);
            if (got.size() >= payload.length) {
                if (Arrays.equals(got.toByteArray(), payload)) {
                    t.got("echoed");
                } else {
                    t.unexpected("unix echo " + i + " came back different", null);
                }
                if (variant == 1) {
                    s.closeNow();
                } else {
                    s.close();
                }
                done.run();
            }
        }, none("unix echo client"));
        c.write(payload);
        if (variant == 2) {
            c.shutdownOutput(); // the server reads the end and closes; the echo still comes back
        }
    }

    @Override
    void quiesce(EventLoop loop) {
        loop.closeIdleHttpConnections();
    }

    @Override
    void close(EventLoop loop) {
        echo.close();
        http.close();
    }

    @Override
    void closeOutside() throws Exception {
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(p); // the servers' .lock files stay by design
            }
        }
        Files.deleteIfExists(dir);
    }
}
