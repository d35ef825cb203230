package io.github.evasync.reliability;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.http.HttpRequest;
import io.github.evasync.http.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code respond} that a {@link StackOverflowError} cuts short must leave the client with a
 * whole answer (made by a later call, if the cut one handed nothing on) or a closed
 * connection (if it handed part of it on), never a connection that waits for ever. Before, the
 * request counted as answered as soon as the answer began: a cut in the write left the client
 * waiting and every later {@code respond} refused.
 *
 * <p>Each request is answered at the stack's edge, then again at each frame on the way back up
 * until a call works or says the request was answered; the edge is reached from a different
 * depth each time, so the cut strikes at different points of the answer.
 */
@Timeout(120)
class RespondOverflowTest {
    private static final int TRIALS = 48;
    private static final long STACK = 512 * 1024;
    private static final String REQUEST = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    private static void pad(int k, Runnable atBottom) {
        if (k > 0) {
            pad(k - 1, atBottom);
        } else {
            atBottom.run();
        }
    }

    /** Tries {@code respond} at the edge and on the way back; returns whether some call worked. */
    private static boolean edge(HttpRequest req) {
        boolean done;
        try {
            done = edge(req);
        } catch (StackOverflowError cut) {
            done = false;
        }
        if (!done) {
            try {
                req.respond(200, Map.of(), "deep");
                done = true;
            } catch (StackOverflowError cut) {
                return false;
            } catch (IllegalStateException used) {
                // A cut call handed part of the answer on: the connection closes, the request is spent.
                assertEquals("the request was already answered", used.getMessage());
                done = true;
            }
        }
        return done;
    }

    @Test
    void aClientGetsAWholeAnswerOrAClosedConnection() throws Exception {
        int[] trial = new int[1];
        CompletableFuture<Integer> port = new CompletableFuture<>();
        CompletableFuture<Boolean> ran = new CompletableFuture<>();
        Thread t = new Thread(null, () -> {
            try {
                ran.complete(EventLoop.run(loop -> {
                    HttpServer[] server = new HttpServer[1];
                    server[0] = loop.httpServer("127.0.0.1", 0, req -> {
                        if (req.resource().equals("/")) {
                            pad(trial[0]++ % 64, () -> edge(req));
                        } else {
                            req.respond(200, Map.of(), "bye");
                            loop.delay(() -> server[0].close());
                        }
                    }, null);
                    port.complete(server[0].port());
                    Idle.atExit(loop);
                }));
            } catch (Throwable e) {
                ran.completeExceptionally(e);
                port.completeExceptionally(e);
            }
        }, "respond-overflow", STACK);
        t.start();
        int p = port.get(30, TimeUnit.SECONDS);
        for (int i = 0; i < TRIALS; i++) {
            // exchange() fails if the server neither answers nor closes.
            String got = exchange(p, REQUEST);
            if (got.endsWith("deep")) {
                assertTrue(got.startsWith("HTTP/1.1 200") && got.endsWith("\r\n\r\ndeep") && got.indexOf("HTTP/") == got.lastIndexOf("HTTP/"),
                        "not one whole answer: " + got);
            }
        }
        // The loop served all of them and still serves.
        assertTrue(exchange(p, "GET /bye HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").endsWith("bye"));
        assertTrue(ran.get(30, TimeUnit.SECONDS), "the loop ended with work left");
    }

    /**
     * Sends {@code request} on a new connection, then reads until the answer's body ("deep" or
     * "bye") has come or the server closes; a server that does neither fails the read.
     */
    private static String exchange(int port, String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream o = s.getOutputStream();
            o.write(request.getBytes(StandardCharsets.US_ASCII));
            o.flush();
            InputStream in = s.getInputStream();
            StringBuilder got = new StringBuilder();
            byte[] buf = new byte[4096];
            while (!got.toString().endsWith("deep") && !got.toString().endsWith("bye")) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                got.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            }
            return got.toString();
        }
    }
}
