package io.github.evasync.bench.servers;

import io.github.evasync.EventLoop;
import io.github.evasync.tcp.ServerOptions;
import io.github.evasync.tcp.TcpServer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * evasync's side of bench/load.sh, on one loop:
 * {@code http PORT} fixed keep-alive response per request, {@code echo PORT},
 * {@code hold PORT DELAY_MS} (cl-async's delayed response), {@code hello PORT} (HTTP hello world
 * on {@code httpServer}).
 */
public final class EvasyncServer {
    static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\n\r\n"
            + "Hello, World!").getBytes(StandardCharsets.US_ASCII);
    static final byte[] HOLD_RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\n"
            + "omglolwtf").getBytes(StandardCharsets.US_ASCII);

    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    private static final java.util.Map<String, String> HELLO_HEADERS = java.util.Map.of("Content-Type", "text/plain");

    private EvasyncServer() {
    }

    public static void main(String[] args) {
        String mode = args[0];
        int port = Integer.parseInt(args[1]);
        Duration delay = Duration.ofMillis(args.length > 2 ? Long.parseLong(args[2]) : 5000);
        EventLoop.run(loop -> {
            TcpServer server = switch (mode) {
                case "http" -> loop.tcpServer("127.0.0.1", port, (s, data) -> {
                    RequestCounter counter = (RequestCounter) s.data();
                    for (int n = counter.feed(data, 0, data.length); n > 0; n--) {
                        s.write(RESPONSE);
                    }
                }, ev -> { }, ServerOptions.defaults().connectCallback(s -> s.setData(new RequestCounter())));
                case "echo" -> loop.tcpServer("127.0.0.1", port, (s, data) -> s.write(data), ev -> { });
                case "hold" -> loop.tcpServer("127.0.0.1", port, (s, data) -> {
                    s.disable(true, false);
                    loop.delay(delay, () -> {
                        if (!s.isClosed()) {
                            s.write(HOLD_RESPONSE, w -> w.close());
                        }
                    });
                }, ev -> { });
                case "hello" -> {
                    var http = loop.httpServer("127.0.0.1", port,
                            req -> req.respond(200, HELLO_HEADERS, HELLO), null);
                    System.out.println("evasync hello listening on 127.0.0.1:" + http.port());
                    yield null;
                }
                default -> throw new IllegalArgumentException("mode must be http, echo, hold or hello: " + mode);
            };
            if (server != null) {
                System.out.println("evasync " + mode + " listening on 127.0.0.1:" + server.port());
            }
        });
    }
}
