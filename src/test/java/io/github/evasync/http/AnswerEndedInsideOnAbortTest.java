package io.github.evasync.http;

import io.github.evasync.Await;
import io.github.evasync.EventLoop;
import io.github.evasync.HttpError;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A handler that streams its answer while the request body streams in (a proxy, an echo) ends
 * that answer when the body is aborted: BodyCallback.onAbort says answering there is allowed
 * and does nothing. onAbort runs from inside HttpConnection.finish before the connection is
 * marked closed, so end() still writes and retires the exchange.
 */
@Timeout(60)
class AnswerEndedInsideOnAbortTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    private static final String HEAD = "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n";

    private HttpServer server(EventLoop loop, CompletableFuture<Throwable> thrown, AtomicInteger pieces) {
        return loop.httpServer("127.0.0.1", 0, req -> {
            req.startChunked(200, null);
            req.chunk("streaming back\n".getBytes(StandardCharsets.US_ASCII));
            req.onBody(new BodyCallback() {
                @Override
                public void onBody(byte[] piece, boolean last) {
                    pieces.incrementAndGet();
                }

                @Override
                public void onAbort(HttpError error) {
                    try {
                        req.end();
                        thrown.complete(null);
                    } catch (Throwable t) {
                        thrown.complete(t);
                    }
                }
            });
        }, null, HttpServerOptions.defaults().streamRequestBodies(true));
    }

    /** The grace running out: end() retires a closeAfter exchange, which finishes the connection a second time. */
    @Test
    void endingTheAnswerInsideOnAbortAtTheGraceKeepsTheCountersRight() throws Exception {
        EventLoop loop = loops.start();
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        AtomicInteger pieces = new AtomicInteger();
        HttpServer server = server(loop, thrown, pieces);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write((HEAD + "0123456789").getBytes(StandardCharsets.ISO_8859_1));
            Await.until("a first piece", () -> pieces.get() > 0);
            server.shutdown(Duration.ofMillis(200)).get(10, TimeUnit.SECONDS);
            assertNull(thrown.get(10, TimeUnit.SECONDS));
        }
        Idle.awaitIdle(loop); // incomingHttp is decremented twice: -1
        loop.close();
    }

    /** The client gone: the TCP socket is closed already, so end() inside onAbort throws SocketClosed. */
    @Test
    void endingTheAnswerInsideOnAbortWhenTheClientHasGoneDoesNotThrow() throws Exception {
        EventLoop loop = loops.start();
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        AtomicInteger pieces = new AtomicInteger();
        HttpServer server = server(loop, thrown, pieces);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write((HEAD + "0123456789").getBytes(StandardCharsets.ISO_8859_1));
            Await.until("a first piece", () -> pieces.get() > 0);
        }
        assertNull(thrown.get(10, TimeUnit.SECONDS), "end() threw inside onAbort");
        server.close();
        Idle.awaitIdle(loop);
        loop.close();
    }
}
