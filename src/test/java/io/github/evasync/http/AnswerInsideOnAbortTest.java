package io.github.evasync.http;

import io.github.evasync.EventLoop;
import io.github.evasync.HttpError;
import io.github.evasync.Await;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * BodyCallback.onAbort says answering the request there "is allowed and does nothing". An
 * application that answers inside onAbort (an upload handler that answers every way out) must
 * not keep the server's own 400/408 from going out, nor keep the connection open.
 */
@Timeout(60)
class AnswerInsideOnAbortTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    private HttpServer server(EventLoop loop, HttpServerOptions o, CompletableFuture<String> aborted,
                              AtomicInteger pieces) {
        return loop.httpServer("127.0.0.1", 0, req -> req.onBody(new BodyCallback() {
            @Override
            public void onBody(byte[] piece, boolean last) {
                pieces.incrementAndGet();
                if (last) {
                    req.respond(200, null, "complete");
                }
            }

            @Override
            public void onAbort(HttpError error) {
                aborted.complete(error.errmsg());
                req.respond(500, null, "upload failed"); // documented as allowed, doing nothing
            }
        }), null, o.streamRequestBodies(true));
    }

    private static void send(Socket s, String text) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static String readToClose(Socket s) throws Exception {
        try {
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (SocketTimeoutException e) {
            fail("no answer and no close within 5 s of the abort: the connection hangs");
            return null;
        }
    }

    @Test
    void aMalformedChunkIsStillAnswered400WhenOnAbortAnswers() throws Exception {
        EventLoop loop = loops.start();
        CompletableFuture<String> aborted = new CompletableFuture<>();
        AtomicInteger pieces = new AtomicInteger();
        HttpServer server = server(loop, HttpServerOptions.defaults(), aborted, pieces);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5_000);
            send(s, "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
            Await.until("a first piece", () -> pieces.get() > 0);
            send(s, "zz\r\nnot a chunk\r\n");
            aborted.get(10, TimeUnit.SECONDS);
            String answer = readToClose(s);
            assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        }
        server.close();
        Idle.awaitIdle(loop);
        loop.close();
    }

    @Test
    void aStalledBodyIsStillAnswered408WhenOnAbortAnswers() throws Exception {
        EventLoop loop = loops.start();
        CompletableFuture<String> aborted = new CompletableFuture<>();
        AtomicInteger pieces = new AtomicInteger();
        HttpServer server = server(loop, HttpServerOptions.defaults().bodyTimeout(Duration.ofMillis(300)),
                aborted, pieces);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5_000);
            send(s, "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789");
            aborted.get(10, TimeUnit.SECONDS);
            String answer = readToClose(s);
            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
        }
        server.close();
        Idle.awaitIdle(loop);
        loop.close();
    }
}
