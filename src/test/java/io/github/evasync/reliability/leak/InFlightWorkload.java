package io.github.evasync.reliability.leak;

import io.github.evasync.EventLoop;
import io.github.evasync.TcpEof;
import io.github.evasync.TcpError;
import io.github.evasync.http.HttpServer;
import io.github.evasync.tcp.ServerOptions;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpServer;
import io.github.evasync.tcp.TcpSocket;

import static io.github.evasync.reliability.leak.LeakSettings.ANSWER_DELAY;
import static io.github.evasync.reliability.leak.LeakSettings.IN_FLIGHT_CHUNK;
import static io.github.evasync.reliability.leak.LeakSettings.IN_FLIGHT_CONCURRENCY;
import static io.github.evasync.reliability.leak.LeakSettings.IN_FLIGHT_MAX_CHUNKS;
import static io.github.evasync.reliability.leak.LeakSettings.IN_FLIGHT_W;
import static io.github.evasync.reliability.leak.LeakSettings.SHORT_TIMEOUT;
import static io.github.evasync.reliability.leak.LeakSettings.SINK_HOLD;
import static io.github.evasync.reliability.leak.RawHttp.ascii;
import static io.github.evasync.reliability.leak.RawHttp.count;

/**
 * Closing with work in flight: closeNow with a megabyte queued (and a write callback that
 * must never run), close with a write timeout against a peer that does not read, an HTTP
 * server closed while pipelined answers are pending, a TCP server closed under a live
 * connection.
 */
final class InFlightWorkload extends Workload {
    TcpServer sink;
    final byte[] chunk = new byte[IN_FLIGHT_CHUNK];

    InFlightWorkload() {
        super("inflight", IN_FLIGHT_W, IN_FLIGHT_CONCURRENCY);
    }

    @Override
    void open(EventLoop loop) {
        // Reads nothing for SINK_HOLD, then reads and discards until the peer is gone.
        sink = loop.tcpServer("127.0.0.1", 0, (s, d) -> { }, ev -> {
            if (ev instanceof TcpEof || (ev instanceof TcpError e && e.errcode() == 104)) {
                t.got("sinkEnded");
            } else {
                t.unexpected("sink", ev);
            }
        }, ServerOptions.defaults().connectCallback(s -> {
            s.disable(true, false);
            loop.delay(SINK_HOLD, () -> {
                if (!s.isClosed()) {
                    s.enable(true, false);
                }
            });
        }));
    }

    @Override
    void unit(EventLoop loop, int i, Runnable done) {
        switch (i % 5) {
            case 0 -> {
                t.expect("closedNow");
                t.expect("sinkEnded");
                loop.tcpConnect("127.0.0.1", sink.port(), null, none("closeNow client"),
                        TcpOptions.defaults().connectCallback(s -> {
                            fill(s);
                            s.write(chunk, x -> t.unexpected("the write callback of a closeNow'd socket ran", null));
                            s.closeNow();
                            t.got("closedNow");
                            done.run();
                        }));
            }
            case 1 -> {
                // close() waits to flush; a peer that does not read is given up on after the write timeout.
                t.expect("closedWithQueue");
                t.expect("sinkEnded");
                loop.tcpConnect("127.0.0.1", sink.port(), null, none("close-with-queue client"),
                        TcpOptions.defaults().connectCallback(s -> {
                            // Set once connected: libevent's write timeout covers the connect
                            // too, and 25 ms can run out before it on a loaded machine.
                            s.setTimeouts(null, SHORT_TIMEOUT);
                            fill(s);
                            s.close();
                            t.got("closedWithQueue");
                            done.run();
                        }));
            }
            case 2 -> {
                // An HTTP server closed on its first request; the pipelined answers still come, in order.
                t.expect("answersAfterServerClose");
                HttpServer[] h = new HttpServer[1];
                int[] n = {0};
                h[0] = loop.httpServer("127.0.0.1", 0, req -> {
                    h[0].close();
                    int k = n[0]++;
                    loop.delay(ANSWER_DELAY.multipliedBy(3 - k), () -> req.respond(200, null, "answer" + k));
                }, none("closing http server"));
                String one = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
                StringBuilder raw = new StringBuilder();
                loop.tcpConnect("127.0.0.1", h[0].port(), (s, d) -> {
                    raw.append(ascii(d));
                    if (raw.indexOf("answer2") >= 0) {
                        String r = raw.toString();
                        if (count(r, "HTTP/1.1 200") == 3 && r.indexOf("answer0") < r.indexOf("answer1")
                                && r.indexOf("answer1") < r.indexOf("answer2")) {
                            t.got("answersAfterServerClose");
                        } else {
                            t.unexpected("pipelined answers after close: " + r, null);
                        }
                        s.close();
                        done.run();
                    }
                }, none("pipelining client"), TcpOptions.defaults().data(one + one + one));
            }
            case 3 -> {
                // A TCP server closed under a live connection: the connection goes on.
                t.expect("echoAfterListenerClose");
                TcpServer[] srv = new TcpServer[1];
                srv[0] = loop.tcpServer("127.0.0.1", 0, (s, d) -> s.write(d), ev -> {
                    if (!(ev instanceof TcpEof)) {
                        t.unexpected("closed listener's socket", ev);
                    }
                });
                int[] step = {0};
                loop.tcpConnect("127.0.0.1", srv[0].port(), (s, d) -> {
                    if (step[0]++ == 0) {
                        srv[0].close();
                        s.write("again");
                    } else {
                        t.got("echoAfterListenerClose");
                        s.close();
                        done.run();
                    }
                }, none("client of a closed listener"), TcpOptions.defaults().data("first"));
            }
            default -> {
                // A TCP server closed with connections in its accept queue.
                t.expect("endedAfterListenerClose");
                TcpServer srv = loop.tcpServer("127.0.0.1", 0, (s, d) -> { }, ev -> { },
                        ServerOptions.defaults().connectCallback(TcpSocket::closeNow));
                loop.tcpConnect("127.0.0.1", srv.port(), (s, d) -> { }, ev -> {
                    // EOF if it was accepted before the close, a reset if it was still queued.
                    if (ev instanceof TcpEof || ev instanceof TcpError) {
                        t.got("endedAfterListenerClose");
                    } else {
                        t.unexpected("queued connection of a closed listener", ev);
                    }
                    done.run();
                }, TcpOptions.defaults().connectCallback(s -> srv.close()));
            }
        }
    }

    /** Writes until the socket's output is above its high watermark: the kernel is full, the rest queued. */
    void fill(TcpSocket s) {
        for (int k = 0; k < IN_FLIGHT_MAX_CHUNKS; k++) {
            if (!s.write(chunk)) {
                return;
            }
        }
        t.unexpected("the output never went above its high watermark", null);
    }

    @Override
    void close(EventLoop loop) {
        sink.close();
    }
}
