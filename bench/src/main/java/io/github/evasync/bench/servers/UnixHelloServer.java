package io.github.evasync.bench.servers;

import io.github.evasync.EventLoop;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * bench/unix.sh's server: one loop serving the same HTTP hello world on {@code 127.0.0.1:PORT}
 * and on the Unix socket file {@code PATH}, so that the two transports are measured on one
 * server, one handler and one core ({@code UnixHelloServer PORT PATH}).
 */
public final class UnixHelloServer {
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    private static final Map<String, String> HEADERS = Map.of("Content-Type", "text/plain");

    private UnixHelloServer() {
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        Path path = Path.of(args[1]);
        // A live loop on its own (non-daemon) thread: the process serves until it is killed.
        EventLoop loop = EventLoop.start(io.github.evasync.LoopOptions.defaults().daemon(false));
        loop.httpServer("127.0.0.1", port, req -> req.respond(200, HEADERS, HELLO), null);
        loop.httpServer(path, req -> req.respond(200, HEADERS, HELLO), null);
        System.out.println("evasync hello listening on 127.0.0.1:" + port + " and " + path);
    }
}
