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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * When the client goes away mid-body, onAbort runs from HttpConnection.finish while the TCP
 * socket is already closed but the HTTP connection does not say so yet: the request's
 * remoteAddress() (null for a request whose client has gone) throws SocketClosed there instead.
 */
@Timeout(60)
class OnAbortAfterClientGoneTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @Test
    void remoteAddressInsideOnAbortDoesNotThrowWhenTheClientHasGone() throws Exception {
        EventLoop loop = loops.start();
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        AtomicInteger pieces = new AtomicInteger();
        HttpServer server = loop.httpServer("127.0.0.1", 0, req -> req.onBody(new BodyCallback() {
            @Override
            public void onBody(byte[] piece, boolean last) {
                pieces.incrementAndGet();
            }

            @Override
            public void onAbort(HttpError error) {
                try {
                    req.remoteAddress(); // say, to log who gave up
                    thrown.complete(null);
                } catch (Throwable t) {
                    thrown.complete(t);
                }
            }
        }), null, HttpServerOptions.defaults().streamRequestBodies(true));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789")
                    .getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            Await.until("a first piece", () -> pieces.get() > 0);
        }
        assertNull(thrown.get(10, TimeUnit.SECONDS), "remoteAddress() threw inside onAbort");
        server.close();
        Idle.awaitIdle(loop);
        loop.close();
    }
}
