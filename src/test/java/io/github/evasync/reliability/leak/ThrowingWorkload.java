package io.github.evasync.reliability.leak;

import io.github.evasync.Event;
import io.github.evasync.EventLoop;
import io.github.evasync.LoopOptions;
import io.github.evasync.TcpEof;
import io.github.evasync.http.HttpServer;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpServer;
import io.github.evasync.tcp.TcpSocket;

import java.time.Duration;

import static io.github.evasync.reliability.leak.LeakSettings.THROWING_CONCURRENCY;
import static io.github.evasync.reliability.leak.LeakSettings.THROWING_W;

/** Callbacks of every kind throw, with catchAppErrors(true): each Boom reaches its handler once. */
final class ThrowingWorkload extends Workload {
    TcpServer echo;
    HttpServer http;

    ThrowingWorkload() {
        super("throwing", THROWING_W, THROWING_CONCURRENCY);
    }

    @Override
    LoopOptions options() {
        return LoopOptions.defaults().catchAppErrors(true).defaultEventHandler(this::caught);
    }

    void caught(Exception ev) {
        if (ev instanceof Boom b) {
            t.got(b.where);
            b.done.run();
        } else {
            t.unexpected("throwing: default handler", ev);
        }
    }

    @Override
    void open(EventLoop loop) {
        echo = loop.tcpServer("127.0.0.1", 0, (s, d) -> s.write(d), ev -> {
            if (!(ev instanceof TcpEof)) {
                t.unexpected("throwing: echo server", ev);
            }
        });
        http = loop.httpServer("127.0.0.1", 0, req -> {
            if (req.resource().equals("/throw")) {
                throw new Boom("httpHandler", () -> { });
            }
            req.respond(200, null, "ok");
        }, this::caught);
    }

    @Override
    void unit(EventLoop loop, int i, Runnable done) {
        String base = "http://127.0.0.1:" + http.port();
        switch (i % 7) {
            case 0 -> {
                t.expect("timer");
                loop.delay(Duration.ofMillis(i % 2), () -> {
                    throw new Boom("timer", done);
                });
            }
            case 1 -> {
                t.expect("read");
                loop.tcpConnect("127.0.0.1", echo.port(), (s, d) -> {
                    s.close();
                    throw new Boom("read", done);
                }, this::caught, TcpOptions.defaults().data("hi"));
            }
            case 2 -> {
                t.expect("httpHandler");
                t.expect("got500");
                loop.httpClient(base + "/throw", (st, h, b) -> {
                    if (st == 500) {
                        t.got("got500");
                    } else {
                        t.unexpected("a throwing handler gave " + st, null);
                    }
                    done.run();
                }, ev -> {
                    t.unexpected("throwing handler: client", ev);
                    done.run();
                });
            }
            case 3 -> {
                t.expect("httpClientCallback");
                loop.httpClient(base + "/ok", (st, h, b) -> {
                    throw new Boom("httpClientCallback", done);
                }, this::caught);
            }
            case 4 -> {
                t.expect("connect");
                loop.tcpConnect("127.0.0.1", echo.port(), null, this::caught, TcpOptions.defaults().connectCallback(s -> {
                    s.close();
                    throw new Boom("connect", done);
                }));
            }
            case 5 -> {
                t.expect("write");
                TcpSocket c = loop.tcpConnect("127.0.0.1", echo.port(), null, this::caught);
                c.write("hi", s -> {
                    s.close();
                    throw new Boom("write", done);
                });
            }
            default -> {
                // An interval that throws goes on ticking.
                t.expect("interval");
                t.expect("intervalSurvived");
                Event[] iv = new Event[1];
                int[] ticks = {0};
                iv[0] = loop.interval(Duration.ofMillis(1), () -> {
                    if (++ticks[0] == 1) {
                        throw new Boom("interval", () -> { });
                    }
                    iv[0].free();
                    t.got("intervalSurvived");
                    done.run();
                });
            }
        }
    }

    @Override
    void quiesce(EventLoop loop) {
        loop.closeIdleHttpConnections();
    }

    @Override
    void close(EventLoop loop) {
        echo.close();
        http.close();
    }
}
