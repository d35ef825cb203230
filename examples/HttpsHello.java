import io.github.evasync.*;
import io.github.evasync.http.*;
import io.github.evasync.signal.Signals;
import io.github.evasync.tls.TlsOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Hello world over HTTPS: every request gets "Hello, World!".
 * SIGINT (Ctrl-C) stops it.
 * Usage: HttpsHello certificateChain.pem key.pem [port (default 8443)] [seconds to run (default: until SIGINT)]
 * Make a certificate for a try: openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes
 *   -keyout key.pem -out cert.pem -days 1 -subj /CN=localhost -addext subjectAltName=DNS:localhost
 * then: mvn -q compile exec:exec -Dexample=HttpsHello -Dargs="cert.pem key.pem",
 * and: curl --cacert cert.pem https://localhost:8443/
 */
public class HttpsHello {
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: HttpsHello certificateChain.pem key.pem [port] [seconds]");
            System.exit(2);
        }
        // One TlsOptions instance: one OpenSSL context for every connection.
        TlsOptions tls = TlsOptions.server(Path.of(args[0]), Path.of(args[1])).alpn("http/1.1");
        int port = args.length > 2 ? Integer.parseInt(args[2]) : 8443;
        long seconds = args.length > 3 ? Long.parseLong(args[3]) : 0;
        EventLoop.run(loop -> {
            HttpServer server = loop.httpServer("127.0.0.1", port,
                    req -> req.respond(200, Map.of("Content-Type", "text/plain"), "Hello, World!\n"),
                    // A client that does not trust the certificate (or speaks plain HTTP) ends up here.
                    event -> System.out.println("server event: " + event),
                    HttpServerOptions.defaults().tls(tls));
            Runnable stop = () -> {
                server.close();
                loop.exit();
            };
            loop.signalHandler(Signals.SIGINT, signo -> stop.run());
            if (seconds > 0) {
                loop.delay(Duration.ofSeconds(seconds), stop);
            }
            System.out.println("https server listening on https://localhost:" + server.port() + "/");
        });
        System.out.println("https server exited");
    }
}
