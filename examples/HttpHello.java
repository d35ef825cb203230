import io.github.evasync.*;
import io.github.evasync.http.*;
import io.github.evasync.signal.Signals;

import java.time.Duration;
import java.util.Map;

/**
 * Hello world over HTTP: every request gets "Hello, World!". SIGINT (Ctrl-C) stops it.
 * Usage: HttpHello [port (default 8080)] [seconds to run (default: until SIGINT)]
 * Try it: mvn -q compile exec:exec -Dexample=HttpHello, then: curl http://127.0.0.1:8080/
 */
public class HttpHello {
    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 0;
        EventLoop.run(loop -> {
            HttpServer server = loop.httpServer("127.0.0.1", port,
                    req -> req.respond(200, Map.of("Content-Type", "text/plain"), "Hello, World!"),
                    event -> System.out.println("server event: " + event));
            Runnable stop = () -> {
                server.close();
                loop.exit();
            };
            loop.signalHandler(Signals.SIGINT, signo -> stop.run());
            if (seconds > 0) {
                loop.delay(Duration.ofSeconds(seconds), stop);
            }
            System.out.println("http server listening on http://127.0.0.1:" + server.port() + "/");
        });
        System.out.println("http server exited");
    }
}
