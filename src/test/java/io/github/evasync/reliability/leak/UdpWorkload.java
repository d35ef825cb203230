package io.github.evasync.reliability.leak;

import io.github.evasync.EventLoop;
import io.github.evasync.udp.UdpSocket;

import java.net.InetSocketAddress;
import java.util.Arrays;

import static io.github.evasync.reliability.leak.LeakSettings.UDP_CONCURRENCY;
import static io.github.evasync.reliability.leak.LeakSettings.UDP_W;

/**
 * Datagram round trips: a client socket per unit, made, used and closed, sending to an address,
 * by name through the loop's DNS, and several datagrams at once (one sendmmsg, one recvmmsg);
 * every fourth unit sends to a closed port first, so an ICMP refusal is read from the error
 * queue and reported before the echo.
 */
final class UdpWorkload extends Workload {
    UdpSocket echo;
    int closedPort;

    UdpWorkload() {
        super("udp", UDP_W, UDP_CONCURRENCY);
    }

    @Override
    void open(EventLoop loop) {
        echo = loop.udpSocket("127.0.0.1", 0, (s, d, from) -> s.send(d, from), none("udp echo server"));
        // A port below the kernel's ephemeral range (32768 and up by default), checked free by
        // binding it: the clients bind port 0, and one of them given the closed port itself (as
        // an ephemeral port could be) would receive the datagram meant to be refused.
        for (int attempt = 0; ; attempt++) {
            int port = 20_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(10_000);
            try {
                UdpSocket gone = loop.udpSocket("127.0.0.1", port, (s, d, from) -> { }, none("udp closed port"));
                closedPort = port;
                gone.close();
                break;
            } catch (io.github.evasync.UdpError inUse) {
                if (attempt == 50) {
                    throw inUse;
                }
            }
        }
    }

    @Override
    void unit(EventLoop loop, int i, Runnable done) {
        int variant = i % 4;
        int count = variant == 2 ? 8 : 1;
        byte[][] payloads = new byte[count][];
        boolean[] seen = new boolean[count];
        int[] left = {count};
        t.expect("echoed");
        if (variant == 3) {
            t.expect("refused");
        }
        UdpSocket[] client = new UdpSocket[1];
        client[0] = loop.udpSocket("127.0.0.1", 0, (s, d, from) -> {
            for (int k = 0; k < count; k++) {
                if (!seen[k] && Arrays.equals(d, payloads[k])) {
                    seen[k] = true;
                    if (--left[0] == 0) {
                        t.got("echoed");
                        s.close();
                        done.run();
                    }
                    return;
                }
            }
            t.unexpected("udp " + i + ": a datagram came back different", null);
        }, ev -> {
            if (variant == 3 && ev instanceof io.github.evasync.UdpError) {
                t.got("refused");
            } else {
                t.unexpected("udp client", ev);
            }
        });
        InetSocketAddress to = new InetSocketAddress("127.0.0.1", echo.port());
        if (variant == 3) {
            client[0].send(pattern(16, i), new InetSocketAddress("127.0.0.1", closedPort));
            // The echo goes after the refusal has come back, so the error queue is read first.
            loop.delay(java.time.Duration.ofMillis(20), () -> client[0].send(payloads[0], to));
        }
        for (int k = 0; k < count; k++) {
            payloads[k] = pattern(64 + k * 100, i * 16 + k);
            if (variant == 1) {
                client[0].send(payloads[k], "localhost", echo.port());
            } else if (variant != 3) {
                client[0].send(payloads[k], to);
            }
        }
    }

    @Override
    void close(EventLoop loop) {
        echo.close();
    }
}
