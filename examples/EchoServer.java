import io.github.evasync.*;
import io.github.evasync.signal.Signals;
import io.github.evasync.tcp.*;

import java.time.Duration;

/**
 * The echo server from cl-async's README: whatever a client sends comes back, until SIGINT
 * (Ctrl-C) closes the server and ends the loop.
 * Usage: EchoServer [port (default 9003)] [seconds to run (default: until killed)]
 * Try it: mvn -q compile exec:exec -Dexample=EchoServer, then: nc 127.0.0.1 9003
 */
public class EchoServer {
    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9003;
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 0;
        EventLoop.run(loop -> {
            TcpServer server = loop.tcpServer("127.0.0.1", port,
                    (socket, data) -> socket.write(data),
                    event -> System.out.println("listener event: " + event));
            loop.signalHandler(Signals.SIGINT, signo -> {
                System.out.println("SIGINT: closing");
                server.close();
                loop.exit();
            });
            System.out.println("echo server listening on 127.0.0.1:" + server.port());
            if (seconds > 0) {
                loop.delay(Duration.ofSeconds(seconds), () -> {
                    System.out.println("time is up; closing");
                    loop.exit();
                });
            }
        });
        System.out.println("echo server exited");
    }
}
