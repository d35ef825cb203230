package io.github.evasync.reliability.leak;

import io.github.evasync.EventHandler;
import io.github.evasync.EventLoop;
import io.github.evasync.TcpEof;
import io.github.evasync.tcp.ReadCallback;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpServer;
import io.github.evasync.tcp.TcpSocket;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

import static io.github.evasync.reliability.leak.LeakSettings.ECHO_BYTES;
import static io.github.evasync.reliability.leak.LeakSettings.ECHO_CONCURRENCY;
import static io.github.evasync.reliability.leak.LeakSettings.ECHO_FLOW_BYTES;
import static io.github.evasync.reliability.leak.LeakSettings.ECHO_W;

/**
 * Echo round trips: copying and zero-copy servers, byte[], direct ByteBuffer and write
 * callbacks, close and closeNow, and flow control past the high watermark with onDrain.
 */
final class EchoWorkload extends Workload {
    TcpServer copying;
    TcpServer zeroCopy;

    EchoWorkload() {
        super("echo", ECHO_W, ECHO_CONCURRENCY);
    }

    @Override
    void open(EventLoop loop) {
        EventHandler server = ev -> {
            if (ev instanceof TcpEof) {
                t.got("serverEof");
            } else {
                t.unexpected("echo server", ev);
            }
        };
        copying = loop.tcpServer("127.0.0.1", 0, (s, d) -> s.write(d), server);
        zeroCopy = loop.tcpServer("127.0.0.1", 0, ReadCallback.ofBuffer((s, b) -> s.write(b)), server);
    }

    @Override
    void unit(EventLoop loop, int i, Runnable done) {
        int variant = i % 4;
        byte[] payload = pattern(variant == 3 ? ECHO_FLOW_BYTES : ECHO_BYTES, i);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        t.expect("echoed");
        t.expect("serverEof");
        Countdown cd = new Countdown(variant == 2 ? 2 : 1, done);
        int port = i % 2 == 0 ? copying.port() : zeroCopy.port();
        TcpOptions o = TcpOptions.defaults();
        if (variant == 2) {
            t.expect("writeCallback");
            o = o.data(payload).writeCallback(s -> {
                t.got("writeCallback");
                cd.down();
            });
        }
        TcpSocket c = loop.tcpConnect("127.0.0.1", port, (s, d) -> {
            got.writeBytes(d);
            if (got.size() >= payload.length) {
                if (Arrays.equals(got.toByteArray(), payload)) {
                    t.got("echoed");
                } else {
                    t.unexpected("echo " + i + " came back different", null);
                }
                if (variant == 1) {
                    s.closeNow();
                } else {
                    s.close();
                }
                cd.down();
            }
        }, none("echo client"), o);
        switch (variant) {
            case 0 -> c.write(payload);
            case 1 -> {
                ByteBuffer direct = ByteBuffer.allocateDirect(payload.length);
                direct.put(payload).flip();
                c.write(direct);
            }
            case 3 -> {
                c.setWriteWatermarks(ECHO_FLOW_BYTES / 16, ECHO_FLOW_BYTES / 8);
                int[] off = {0};
                Runnable pushMore = () -> {
                    while (off[0] < payload.length) {
                        int n = Math.min(8192, payload.length - off[0]);
                        boolean more = c.write(Arrays.copyOfRange(payload, off[0], off[0] + n));
                        off[0] += n;
                        if (!more) {
                            return;
                        }
                    }
                };
                c.onDrain(pushMore);
                pushMore.run();
            }
            default -> { }
        }
    }

    @Override
    void close(EventLoop loop) {
        copying.close();
        zeroCopy.close();
    }
}
