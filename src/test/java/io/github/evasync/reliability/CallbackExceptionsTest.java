package io.github.evasync.reliability;

import io.github.evasync.EventHandler;
import io.github.evasync.EventLoop;
import io.github.evasync.LoopOptions;
import io.github.evasync.dns.Family;
import io.github.evasync.http.HttpServer;
import io.github.evasync.tcp.ServerOptions;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpServer;
import io.github.evasync.tcp.TcpSocket;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An exception thrown by application code in every kind of callback follows the documented rule:
 * with catchAppErrors it reaches the handler and the loop goes on; without, the loop ends and
 * {@code run} rethrows it. The JVM lives either way.
 */
@Timeout(60)
class CallbackExceptionsTest {
    static final class Boom extends RuntimeException {
        Boom(String where) {
            super("boom in " + where);
        }
    }

    /** Each kind starts work on the loop whose one callback throws, passing {@code h} as its handler. */
    enum Kind {
        TIMER((loop, h) -> loop.delay(Duration.ofMillis(1), () -> {
            throw new Boom("timer");
        }, h)),
        EXECUTE((loop, h) -> loop.execute(() -> {
            throw new Boom("execute");
        })),
        CONNECT((loop, h) -> {
            TcpServer s = loop.tcpServer("127.0.0.1", 0, null, null);
            loop.tcpConnect("127.0.0.1", s.port(), null, h, TcpOptions.defaults().connectCallback(x -> {
                x.close();
                s.close();
                throw new Boom("connect");
            }));
        }),
        READ((loop, h) -> {
            TcpServer s = loop.tcpServer("127.0.0.1", 0, (x, d) -> x.write(d), null);
            loop.tcpConnect("127.0.0.1", s.port(), (x, d) -> {
                x.close();
                s.close();
                throw new Boom("read");
            }, h, TcpOptions.defaults().data("hi"));
        }),
        WRITE((loop, h) -> {
            TcpServer s = loop.tcpServer("127.0.0.1", 0, null, null);
            TcpSocket c = loop.tcpConnect("127.0.0.1", s.port(), null, h);
            c.write("hi", x -> {
                x.close();
                s.close();
                throw new Boom("write");
            });
        }),
        DRAIN((loop, h) -> {
            TcpServer s = loop.tcpServer("127.0.0.1", 0, null, null);
            TcpSocket c = loop.tcpConnect("127.0.0.1", s.port(), null, h);
            c.setWriteWatermarks(0, 1);
            c.onDrain(() -> {
                c.close();
                s.close();
                throw new Boom("drain");
            });
            c.write(new byte[4096]);
        }),
        SERVER_ACCEPT((loop, h) -> {
            TcpServer[] s = new TcpServer[1];
            s[0] = loop.tcpServer("127.0.0.1", 0, null, h, ServerOptions.defaults().connectCallback(x -> {
                x.close();
                s[0].close();
                throw new Boom("accept");
            }));
            loop.tcpConnect("127.0.0.1", s[0].port(), null, e -> { });
        }),
        EVENT_HANDLER((loop, h) -> {
            TcpServer s = loop.tcpServer("127.0.0.1", 0, null, null, ServerOptions.defaults().connectCallback(TcpSocket::close));
            loop.tcpConnect("127.0.0.1", s.port(), null, e -> {
                s.close();
                throw new Boom("event handler");
            });
        }),
        DNS((loop, h) -> loop.dnsLookup("127.0.0.1", Family.INET, (a, f) -> {
            throw new Boom("dns");
        }, h)),
        HTTP_HANDLER((loop, h) -> {
            HttpServer[] s = new HttpServer[1];
            s[0] = loop.httpServer("127.0.0.1", 0, req -> {
                s[0].close();
                throw new Boom("http handler");
            }, h);
            loop.httpClient("http://127.0.0.1:" + s[0].port() + "/", (st, hd, b) -> loop.closeIdleHttpConnections(),
                    e -> loop.closeIdleHttpConnections());
        }),
        HTTP_CLIENT((loop, h) -> {
            HttpServer[] s = new HttpServer[1];
            s[0] = loop.httpServer("127.0.0.1", 0, req -> req.respond(200, null, "ok"), null);
            loop.httpClient("http://127.0.0.1:" + s[0].port() + "/", (st, hd, b) -> {
                loop.closeIdleHttpConnections();
                s[0].close();
                throw new Boom("http client");
            }, h);
        });

        final BiConsumer<EventLoop, EventHandler> start;

        Kind(BiConsumer<EventLoop, EventHandler> start) {
            this.start = start;
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void caughtWhenCatchAppErrorsIsOn(Kind kind) {
        List<Exception> seen = new CopyOnWriteArrayList<>();
        boolean[] ranAfter = {false};
        LoopOptions o = LoopOptions.defaults().catchAppErrors(true).defaultEventHandler(e -> {
            if (e instanceof Boom) {
                seen.add(e);
            }
        });
        assertTrue(EventLoop.run(o, loop -> {
            kind.start.accept(loop, e -> {
                if (e instanceof Boom) {
                    seen.add(e);
                }
            });
            loop.delay(Duration.ofMillis(300), () -> ranAfter[0] = true);
        }));
        assertEquals(1, seen.size(), kind + ": " + seen);
        assertTrue(ranAfter[0], "the loop went on");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void rethrownFromRunWhenCatchAppErrorsIsOff(Kind kind) {
        Boom b = assertThrows(Boom.class, () -> EventLoop.run(loop -> {
            kind.start.accept(loop, null);
            loop.delay(Duration.ofSeconds(5), () -> { });
        }));
        assertTrue(b.getMessage().startsWith("boom in "), b.getMessage());
    }
}
