package io.github.evasync.tls;

import io.github.evasync.EventLoop;
import io.github.evasync.tcp.ServerOptions;
import io.github.evasync.tcp.TcpOptions;

import java.nio.file.Path;

/**
 * Child JVM of {@link KeyPasswordPromptTest}: opens a TLS server (or, with "client", a TLS
 * connection) whose key file is encrypted and no password is given, on the loop thread, and
 * prints how that ended.
 */
public final class KeyPasswordChild {
    private KeyPasswordChild() {
    }

    public static void main(String[] args) {
        Path cert = Path.of(args[1]);
        Path key = Path.of(args[2]);
        EventLoop.run(loop -> {
            try {
                if (args[0].equals("client")) {
                    loop.tcpConnect("127.0.0.1", 1, (s, d) -> { }, ev -> System.out.println("RESULT event: " + ev),
                            TcpOptions.defaults().tls(TlsOptions.client().clientCertificate(cert, key)));
                } else {
                    loop.tcpServer("127.0.0.1", 0, (s, d) -> { }, ev -> { },
                            ServerOptions.defaults().tls(TlsOptions.server(cert, key)));
                }
                System.out.println("RESULT opened");
            } catch (IllegalArgumentException e) {
                System.out.println("RESULT refused: " + e.getMessage());
            }
            loop.exit();
        });
        System.out.println("DONE");
    }
}
