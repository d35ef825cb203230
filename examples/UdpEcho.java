import io.github.evasync.*;
import io.github.evasync.signal.Signals;
import io.github.evasync.udp.*;

import java.time.Duration;

/**
 * A UDP echo server: every datagram goes back to its sender, until SIGINT (Ctrl-C) closes the
 * socket and ends the loop. Binds every address, IPv6 and IPv4.
 * Usage: UdpEcho [port (default 9004)] [seconds to run (default: until killed)]
 * Try it: mvn -q compile exec:exec -Dexample=UdpEcho, then: socat - UDP:127.0.0.1:9004
 */
public class UdpEcho {
    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9004;
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 0;
        EventLoop.run(loop -> {
            UdpSocket socket = loop.udpSocket(null, port,
                    (s, data, from) -> s.send(data, from),
                    event -> System.out.println("socket event: " + event));
            loop.signalHandler(Signals.SIGINT, signo -> {
                System.out.println("SIGINT: closing");
                socket.close();
                loop.exit();
            });
            System.out.println("udp echo listening on port " + socket.port());
            if (seconds > 0) {
                loop.delay(Duration.ofSeconds(seconds), () -> {
                    System.out.println("time is up; closing");
                    socket.close();
                    loop.exit();
                });
            }
        });
        System.out.println("udp echo exited");
    }
}
