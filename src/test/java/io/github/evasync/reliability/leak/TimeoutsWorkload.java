package io.github.evasync.reliability.leak;

import io.github.evasync.EventLoop;
import io.github.evasync.HttpTimeout;
import io.github.evasync.TcpEof;
import io.github.evasync.TcpError;
import io.github.evasync.TcpTimeout;
import io.github.evasync.http.HttpClientOptions;
import io.github.evasync.http.HttpServer;
import io.github.evasync.http.HttpServerOptions;
import io.github.evasync.tcp.ServerOptions;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpServer;

import static io.github.evasync.reliability.leak.LeakSettings.HEADER_TIMEOUT;
import static io.github.evasync.reliability.leak.LeakSettings.SHORT_TIMEOUT;
import static io.github.evasync.reliability.leak.LeakSettings.TIMEOUTS_CONCURRENCY;
import static io.github.evasync.reliability.leak.LeakSettings.TIMEOUTS_W;
import static io.github.evasync.reliability.leak.RawHttp.ascii;
import static io.github.evasync.reliability.leak.RawHttp.status;

/**
 * Timeouts: a client's read timeout, a server socket's read timeout, the HTTP client's
 * timeout against a server that never answers, and the HTTP server's header timeout (408).
 */
final class TimeoutsWorkload extends Workload {
    TcpServer silent;
    TcpServer impatient;
    HttpServer mute;
    HttpServer strict;

    TimeoutsWorkload() {
        super("timeouts", TIMEOUTS_W, TIMEOUTS_CONCURRENCY);
    }

    @Override
    void open(EventLoop loop) {
        silent = loop.tcpServer("127.0.0.1", 0, (s, d) -> { }, ev -> {
            if (ev instanceof TcpEof) {
                t.got("silentServerEof");
            } else {
                t.unexpected("silent server", ev);
            }
        });
        impatient = loop.tcpServer("127.0.0.1", 0, (s, d) -> { }, ev -> {
            if (ev instanceof TcpTimeout) {
                t.got("serverTimeout");
            } else {
                t.unexpected("impatient server", ev);
            }
        }, ServerOptions.defaults().connectCallback(s -> s.setTimeouts(SHORT_TIMEOUT, null)));
        // Whether the request reaches the handler before the client's timeout is a race.
        mute = loop.httpServer("127.0.0.1", 0, req -> t.note("unanswered"), none("mute http server"));
        strict = loop.httpServer("127.0.0.1", 0, req -> t.unexpected("a partial head was dispatched", null),
                none("strict http server"), HttpServerOptions.defaults().headerTimeout(HEADER_TIMEOUT));
    }

    @Override
    void unit(EventLoop loop, int i, Runnable done) {
        switch (i % 4) {
            case 0 -> {
                t.expect("clientTimeout");
                t.expect("silentServerEof");
                loop.tcpConnect("127.0.0.1", silent.port(), null, ev -> {
                    if (ev instanceof TcpTimeout) {
                        t.got("clientTimeout");
                    } else {
                        t.unexpected("client read timeout", ev);
                    }
                    done.run();
                }, TcpOptions.defaults().data("hi").readTimeout(SHORT_TIMEOUT));
            }
            case 1 -> {
                t.expect("serverTimeout");
                t.expect("eofAfterServerTimeout");
                loop.tcpConnect("127.0.0.1", impatient.port(), null, ev -> {
                    if (ev instanceof TcpEof) {
                        t.got("eofAfterServerTimeout");
                    } else {
                        t.unexpected("client of the impatient server", ev);
                    }
                    done.run();
                });
            }
            case 2 -> {
                t.expect("httpTimeout");
                loop.httpClient("http://127.0.0.1:" + mute.port() + "/", (st, h, b) -> {
                    t.unexpected("the mute server answered " + st, null);
                    done.run();
                }, ev -> {
                    if (ev instanceof HttpTimeout) {
                        t.got("httpTimeout");
                    } else {
                        t.unexpected("http timeout", ev);
                    }
                    done.run();
                }, HttpClientOptions.defaults().timeout(SHORT_TIMEOUT));
            }
            default -> {
                // A 408 once the partial head has been read; if the timer fires before the
                // loop got to read it, the server closes with the bytes unread: a reset.
                t.expect("headerTimeout");
                StringBuilder raw = new StringBuilder();
                loop.tcpConnect("127.0.0.1", strict.port(), (s, d) -> raw.append(ascii(d)), ev -> {
                    if (ev instanceof TcpEof && status(raw.toString()) == 408) {
                        t.got("headerTimeout");
                        t.note("408");
                    } else if (ev instanceof TcpError e && e.errcode() == 104 && raw.isEmpty()) {
                        t.got("headerTimeout");
                        t.note("resetBeforeTheHeadWasRead");
                    } else {
                        t.unexpected("header timeout: " + raw, ev);
                    }
                    done.run();
                }, TcpOptions.defaults().data("GET / HTTP/1.1\r\nHost: x\r\n"));
            }
        }
    }

    @Override
    void close(EventLoop loop) {
        silent.close();
        impatient.close();
        mute.close();
        strict.close();
    }
}
