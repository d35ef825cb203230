package io.github.evasync.reliability.leak;

import io.github.evasync.EventLoop;
import io.github.evasync.HttpRefused;
import io.github.evasync.TcpRefused;
import io.github.evasync.http.HttpRequestSpec;
import io.github.evasync.tcp.TcpOptions;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletionException;

import static io.github.evasync.reliability.leak.LeakSettings.REFUSED_CONCURRENCY;
import static io.github.evasync.reliability.leak.LeakSettings.REFUSED_W;

/** Connections refused: TCP, HTTP callback and HTTP future, to a port bound but not listening. */
final class RefusedWorkload extends Workload {
    Socket bound;
    int port;

    RefusedWorkload() {
        super("refused", REFUSED_W, REFUSED_CONCURRENCY);
    }

    @Override
    void open(EventLoop loop) throws Exception {
        bound = new Socket();
        bound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        port = bound.getLocalPort();
    }

    @Override
    void unit(EventLoop loop, int i, Runnable done) {
        switch (i % 3) {
            case 0 -> {
                t.expect("tcpRefused");
                loop.tcpConnect("127.0.0.1", port, (s, d) -> t.unexpected("refused read", null), ev -> {
                    if (ev instanceof TcpRefused) {
                        t.got("tcpRefused");
                    } else {
                        t.unexpected("tcp refused", ev);
                    }
                    done.run();
                }, TcpOptions.defaults().data("queued before the refusal"));
            }
            case 1 -> {
                t.expect("httpRefused");
                loop.httpClient("http://127.0.0.1:" + port + "/", (st, h, b) -> {
                    t.unexpected("a refused request answered " + st, null);
                    done.run();
                }, ev -> {
                    if (ev instanceof HttpRefused) {
                        t.got("httpRefused");
                    } else {
                        t.unexpected("http refused", ev);
                    }
                    done.run();
                });
            }
            default -> {
                t.expect("futureRefused");
                loop.http(HttpRequestSpec.get("http://127.0.0.1:" + port + "/x")).whenComplete((res, err) -> {
                    Throwable cause = err instanceof CompletionException ? err.getCause() : err;
                    if (cause instanceof HttpRefused) {
                        t.got("futureRefused");
                    } else {
                        t.unexpected("future refused: " + res, cause);
                    }
                    if (loop.inLoop()) {
                        done.run();
                    } else {
                        loop.execute(done);
                    }
                });
            }
        }
    }

    @Override
    void quiesce(EventLoop loop) {
        loop.closeIdleHttpConnections();
    }

    @Override
    void closeOutside() throws Exception {
        bound.close();
    }
}
