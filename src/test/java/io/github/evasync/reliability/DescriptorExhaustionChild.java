package io.github.evasync.reliability;

import io.github.evasync.EventLoop;
import io.github.evasync.http.HttpServer;
import io.github.evasync.tcp.TcpServer;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The child JVM of {@link DescriptorExhaustionTest}, run under a low descriptor limit: an HTTP
 * server and a TCP echo server, both made with a null event handler as the README does, in one
 * {@code EventLoop.run}. It prints their ports, serves until a line {@code stop} (or the end of
 * its input) closes both servers, and prints how the loop ended.
 */
public final class DescriptorExhaustionChild {
    private DescriptorExhaustionChild() {
    }

    public static void main(String[] args) {
        try {
            boolean idle = EventLoop.run(loop -> {
                HttpServer http = loop.httpServer("127.0.0.1", 0, req -> req.respond(200, Map.of(), "ok"), null);
                TcpServer tcp = loop.tcpServer("127.0.0.1", 0, (socket, data) -> socket.write(data), null);
                Thread stdin = new Thread(() -> {
                    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = in.readLine()) != null && !line.equals("stop")) {
                            // Only "stop" means anything.
                        }
                    } catch (Exception e) {
                        System.out.println("stdin failed: " + e);
                    }
                    System.out.println("stopping");
                    // Closing the servers leaves the loop nothing to do, so run returns by itself.
                    http.close();
                    tcp.close();
                }, "stdin");
                stdin.setDaemon(true);
                stdin.start();
                String[] fds = new File("/proc/self/fd").list();
                System.out.println("ready http=" + http.port() + " tcp=" + tcp.port()
                        + " fds=" + (fds == null ? -1 : fds.length));
            });
            System.out.println("loop ended idle=" + idle);
        } catch (Throwable t) {
            System.out.println("loop failed: " + t);
            t.printStackTrace(System.out);
            System.exit(3);
        }
    }
}
