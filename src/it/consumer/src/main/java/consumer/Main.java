package consumer;

import io.github.evasync.EventLoop;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpServer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A TCP echo and a timer on one loop; prints what happened and which module evasync is in. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        StringBuilder echoed = new StringBuilder();
        EventLoop.run(loop -> {
            TcpServer server = loop.tcpServer("127.0.0.1", 0, (socket, data) -> socket.write(data), null);
            loop.tcpConnect("127.0.0.1", server.port(), (socket, data) -> {
                echoed.append(new String(data, StandardCharsets.UTF_8));
                if (echoed.length() >= 4) {
                    socket.close();
                    server.close();
                }
            }, null, TcpOptions.defaults().connectCallback(socket -> socket.write("ping")));
            loop.delay(Duration.ofMillis(20), () -> System.out.println("timer fired"));
        });
        System.out.println("echo: " + echoed);
        System.out.println("evasync module: " + EventLoop.class.getModule().getName());
    }
}
