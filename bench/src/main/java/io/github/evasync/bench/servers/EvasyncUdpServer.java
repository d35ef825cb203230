package io.github.evasync.bench.servers;

import io.github.evasync.EventLoop;
import io.github.evasync.udp.UdpSocket;

/**
 * evasync's side of bench/udp.sh: a UDP echo server on one loop, bound to 127.0.0.1:PORT with
 * the default options (every datagram received whole, 16 per {@code recvmmsg}); the answers of
 * one read batch leave together in one {@code sendmmsg}.
 *   EvasyncUdpServer PORT
 */
public final class EvasyncUdpServer {
    private EvasyncUdpServer() {
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        EventLoop.run(loop -> {
            UdpSocket s = loop.udpSocket("127.0.0.1", port, (socket, data, from) -> socket.send(data, from),
                    ev -> System.err.println("udp: " + ev));
            System.out.println("evasync udp echo listening on " + s.localAddress());
        });
    }
}
