package io.github.evasync.reliability;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import io.github.evasync.http.HttpServer;
import io.github.evasync.http.HttpServerOptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bounded, seeded fuzzer: 20,000 mutated HTTP requests from a corpus of valid ones (flipped
 * bytes, cut lines, huge and negative lengths, bad chunk sizes, header floods) against the
 * server while a well-behaved client keeps asking on a kept-alive connection. Any wrong answer
 * to the good client, a hang past the timeouts, a crash or a leak fails it.
 */
@Timeout(300)
class HttpFuzzTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    static final String[] CORPUS = {
            "GET /echo?a=1 HTTP/1.1\r\nHost: x\r\nX-Test: y\r\n\r\n",
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world",
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
            "HEAD /echo HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "GET / HTTP/1.0\r\n\r\n",
            "PUT /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
    };

    static byte[] mutate(Random r) {
        byte[] b = CORPUS[r.nextInt(CORPUS.length)].getBytes(StandardCharsets.ISO_8859_1);
        switch (r.nextInt(8)) {
            case 0 -> {
                for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
            }
            case 1 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
            case 2 -> b = replace(b, "Content-Length: 11", "Content-Length: " + (r.nextBoolean() ? "-1" : "99999999999"));
            case 3 -> b = replace(b, "5\r\nhello", (r.nextBoolean() ? "zz" : "fffffffffffffff") + "\r\nhello");
            case 4 -> {
                StringBuilder flood = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
                for (int i = 0, n = r.nextInt(2000); i < n; i++) {
                    flood.append("X-Flood-").append(i).append(": ").append("v".repeat(r.nextInt(20))).append("\r\n");
                }
                b = flood.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
            }
            case 5 -> b = replace(b, "\r\n", r.nextBoolean() ? "\n" : "\r");
            case 6 -> b = replace(b, "Host: x", "Host: x\r\nContent-Length: 3\r\nContent-Length: 4");
            default -> {
                byte[] junk = new byte[r.nextInt(300)];
                r.nextBytes(junk);
                b = junk;
            }
        }
        return b;
    }

    static byte[] replace(byte[] b, String from, String to) {
        return new String(b, StandardCharsets.ISO_8859_1).replaceFirst(java.util.regex.Pattern.quote(from),
                java.util.regex.Matcher.quoteReplacement(to)).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** With bodies collected, and streamed to onBody (the server's other body path). */
    @ParameterizedTest(name = "streamed bodies: {0}")
    @ValueSource(booleans = {false, true})
    void twentyThousandMutatedRequestsWhileAGoodClientIsServed(boolean streamed) throws Exception {
        try (EventLoop loop = loops.start()) {
            HttpServer server = loop.httpServer("127.0.0.1", 0, req -> {
                if (!streamed) {
                    req.respond(200, Map.of("Content-Type", "text/plain"),
                            req.method() + " " + req.uri() + " " + req.body().length);
                    return;
                }
                long[] n = {0};
                req.onBody((piece, last) -> {
                    n[0] += piece.length;
                    if (last) {
                        req.respond(200, Map.of("Content-Type", "text/plain"), req.method() + " " + req.uri() + " " + n[0]);
                    }
                });
            }, null, HttpServerOptions.defaults().headerTimeout(Duration.ofMillis(500)).keepAliveTimeout(Duration.ofSeconds(1))
                    .bodyTimeout(Duration.ofMillis(500)).streamRequestBodies(streamed));
            int port = server.port();
            AtomicBoolean fuzzing = new AtomicBoolean(true);
            AtomicInteger goodAnswers = new AtomicInteger();
            ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
            Thread good = new Thread(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    s.setSoTimeout(5000);
                    OutputStream out = s.getOutputStream();
                    // Each request is answered before the 1 s keep-alive timeout can close this.
                    InputStream in = s.getInputStream();
                    String expected = "GET /good 0";
                    while (fuzzing.get()) {
                        out.write("GET /good HTTP/1.1\r\nHost: good\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        String head = readHead(in);
                        int len = Integer.parseInt(head.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
                        String body = new String(in.readNBytes(len), StandardCharsets.US_ASCII);
                        if (!head.startsWith("HTTP/1.1 200 OK") || !body.equals(expected)) {
                            problems.add("good client got " + head + body);
                            return;
                        }
                        goodAnswers.incrementAndGet();
                    }
                } catch (Exception e) {
                    problems.add("good client: " + e);
                }
            });
            good.start();
            ExecutorService pool = Executors.newFixedThreadPool(32);
            List<Future<?>> work = new ArrayList<>();
            AtomicInteger answered = new AtomicInteger();
            for (int t = 0; t < 32; t++) {
                long seed = 1000 + t;
                work.add(pool.submit(() -> {
                    Random r = new Random(seed);
                    for (int i = 0; i < 20_000 / 32 + 1; i++) {
                        byte[] req = mutate(r);
                        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                            s.setSoTimeout(5000);
                            s.getOutputStream().write(req);
                            // The end of input ends the exchange: the server answers what it has and closes.
                            s.shutdownOutput();
                            byte[] reply = s.getInputStream().readAllBytes();
                            if (reply.length > 0) {
                                String text = new String(reply, StandardCharsets.ISO_8859_1);
                                if (!text.startsWith("HTTP/1.1 ")) {
                                    problems.add("not an HTTP answer: " + text.substring(0, Math.min(60, text.length())));
                                }
                                answered.incrementAndGet();
                            }
                        } catch (SocketTimeoutException e) {
                            problems.add("hung past the timeouts on " + new String(req, 0, Math.min(80, req.length),
                                    StandardCharsets.ISO_8859_1));
                        } catch (java.io.IOException reset) {
                            // A reset is a fine answer to garbage.
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get(240, TimeUnit.SECONDS);
            }
            pool.shutdown();
            fuzzing.set(false);
            good.join(10_000);
            assertEquals(List.of(), new ArrayList<>(problems));
            assertTrue(goodAnswers.get() > 10, "the good client was served: " + goodAnswers.get());
            assertTrue(answered.get() > 1000, "many mutated requests got an answer: " + answered.get());
            server.close();
            Idle.awaitIdle(loop);
        }
    }

    static String readHead(InputStream in) throws java.io.IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int m = 0;
        while (m < 4) {
            int c = in.read();
            if (c < 0) {
                throw new java.io.EOFException("closed after " + b);
            }
            b.write(c);
            m = (c == '\r' && (m == 0 || m == 2)) || (c == '\n' && (m == 1 || m == 3)) ? m + 1 : (c == '\r' ? 1 : 0);
        }
        return b.toString(StandardCharsets.US_ASCII);
    }
}
