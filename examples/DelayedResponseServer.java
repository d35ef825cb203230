import io.github.evasync.*;
import io.github.evasync.signal.Signals;
import io.github.evasync.tcp.*;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * cl-async's benchmark server: on a request, wait (5 s by default), answer with a fixed HTTP
 * response, close the socket once it is written, and print counters once a second. Connections
 * pile up during the wait, which shows how many a loop holds.
 * SIGINT (Ctrl-C) stops accepting and lets the requests in flight finish, as cl-async's does.
 * Usage: DelayedResponseServer [port (default 9009)] [delay ms (default 5000)] [seconds to run]
 */
public class DelayedResponseServer {
    private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\n"
            + "Date: Wed, 03 Oct 2012 23:43:10 GMT\r\n"
            + "Content-Type: text/plain\r\n"
            + "Content-Length: 9\r\n"
            + "\r\n"
            + "omglolwtf").getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9009;
        Duration delay = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 5000);
        long seconds = args.length > 2 ? Long.parseLong(args[2]) : 0;
        long[] finished = {0};
        LoopOptions options = LoopOptions.defaults().catchAppErrors(true)
                .defaultEventHandler(e -> System.out.println("event: " + e));
        EventLoop.run(options, loop -> {
            TcpServer server = loop.tcpServer("127.0.0.1", port, (socket, data) ->
                    loop.delay(delay, () -> {
                        if (!socket.isClosed()) {
                            socket.write(RESPONSE, s -> {
                                s.close();
                                finished[0]++;
                            });
                        }
                    }), event -> { });
            System.out.println("delayed-response server listening on 127.0.0.1:" + server.port());
            long[] last = {0, System.nanoTime()};
            Event stats = loop.interval(Duration.ofSeconds(1), () -> {
                LoopStats st = loop.stats();
                long now = System.nanoTime();
                double rate = (finished[0] - last[0]) / ((now - last[1]) / 1e9);
                last[0] = finished[0];
                last[1] = now;
                System.out.printf("incoming: %d%noutgoing: %d%nfinished: %d%nrate: %.1f req/s%n%n",
                        st.incomingTcpConnections(), st.outgoingTcpConnections(), finished[0], rate);
            });
            Runnable stop = () -> {
                if (!stats.isFreed()) {
                    stats.free();
                    server.close();
                    loop.freeSignalHandler(Signals.SIGINT);
                    System.out.println("stopping; finishing the requests in flight");
                }
            };
            loop.signalHandler(Signals.SIGINT, signo -> stop.run());
            if (seconds > 0) {
                loop.delay(Duration.ofSeconds(seconds), stop);
            }
        });
        System.out.println("delayed-response server exited after " + finished[0] + " responses");
    }
}
