package io.github.evasync.http;

import io.github.evasync.Await;
import io.github.evasync.EventLoop;
import io.github.evasync.HttpError;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client's safety rules against raw {@link ServerSocket} peers that misbehave: an answer
 * nobody asked for on an idle pooled connection, a HEAD answered with a body, a reused
 * connection closed after a POST arrived, a status that is not three digits, a body over
 * {@link HttpClientOptions#maxResponseBytes(long)}. Each peer connection runs a script in a
 * thread of its own; each test checks what the client delivers, what the peer saw, and that the
 * loop ends idle.
 */
@Timeout(60)
class HttpClientSafetyTest {
    private static final long WAIT_SECONDS = 20;

    @RegisterExtension
    final TestLoops loops = new TestLoops();

    /** One request as the peer read it. */
    record Request(String method, String head, byte[] body) {
    }

    /** What a peer connection does, given its index (0 for the first accepted) and socket. */
    interface Script {
        void run(int index, Socket socket) throws Exception;
    }

    /** A loopback server that runs {@link Script} on each accepted connection, in a thread each. */
    static final class Peer implements AutoCloseable {
        final ServerSocket server;
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final List<Socket> sockets = new CopyOnWriteArrayList<>();
        final AtomicInteger accepted = new AtomicInteger();
        private final Thread acceptor;

        Peer(Script script) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = Thread.ofPlatform().daemon().name("peer-accept").start(() -> {
                try {
                    while (true) {
                        Socket s = server.accept();
                        sockets.add(s);
                        int index = accepted.getAndIncrement();
                        Thread.ofPlatform().daemon().name("peer-" + index).start(() -> {
                            try (s) {
                                script.run(index, s);
                            } catch (Throwable t) {
                                failures.add(t);
                            }
                        });
                    }
                } catch (IOException closed) {
                    // close() ends the accept loop
                }
            });
        }

        String uri(String path) {
            return "http://127.0.0.1:" + server.getLocalPort() + path;
        }

        @Override
        public void close() throws Exception {
            server.close();
            acceptor.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            for (Socket s : sockets) {
                s.close();
            }
            if (!failures.isEmpty()) {
                AssertionError e = new AssertionError("a peer script failed: " + failures.get(0), failures.get(0));
                failures.subList(1, failures.size()).forEach(e::addSuppressed);
                throw e;
            }
        }
    }

    /** Reads one request (head, and a body by its Content-Length); null at end of stream before one began. */
    static Request readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("end of stream inside a request head: " + head);
            }
            head.write(b);
            last4 = (last4 << 8) | b;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new IOException("end of stream inside a request body");
        }
        return new Request(text.substring(0, text.indexOf(' ')), text, body);
    }

    /** Whether the client closed the connection: the next read finds its end (or a reset). */
    static boolean endsWithoutAnotherRequest(InputStream in) throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketException reset) {
            return true;
        }
    }

    static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    static HttpResponse get(EventLoop loop, String uri, HttpClientOptions options) throws Exception {
        return loop.http(new HttpRequestSpec(uri, options)).get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    static Throwable failure(CompletableFuture<HttpResponse> f) {
        return assertThrows(ExecutionException.class, () -> f.get(WAIT_SECONDS, TimeUnit.SECONDS)).getCause();
    }

    /**
     * Sends {@code second} from the callback that receives the answer to {@code first}, on the
     * loop thread, so that it goes out in the same turn, on the connection that just answered.
     */
    static CompletableFuture<HttpResponse> chain(EventLoop loop, String firstUri, HttpClientOptions first,
                                                 String secondUri, HttpClientOptions second) {
        CompletableFuture<HttpResponse> f = new CompletableFuture<>();
        loop.execute(() -> loop.httpClient(firstUri, (status, headers, body) -> {
            if (status != 200) {
                f.completeExceptionally(new AssertionError("first answer " + status));
                return;
            }
            loop.httpClient(secondUri, (s2, h2, b2) -> f.complete(new HttpResponse(s2, h2, b2)),
                    f::completeExceptionally, second);
        }, f::completeExceptionally, first));
        return f;
    }

    static void endIdle(EventLoop loop) {
        loop.closeIdleHttpConnections();
        Idle.awaitIdle(loop);
    }

    // ---- 1. a byte on an idle pooled connection -----------------------------------------------

    /**
     * After the first answer, the peer sends a second, unasked answer on the idle kept-alive
     * connection, and answers the next request properly on a new connection. Before, the unasked
     * "stale" was handed to the next request as its answer.
     */
    @Test
    void anAnswerNobodyAskedForIsNeverTheNextAnswer() throws Exception {
        CountDownLatch firstAnswered = new CountDownLatch(1);
        CountDownLatch staleSent = new CountDownLatch(1);
        List<String> firstConnection = new CopyOnWriteArrayList<>();
        try (Peer peer = new Peer((index, s) -> {
            InputStream in = s.getInputStream();
            if (index == 0) {
                readRequest(in);
                send(s, ok("first"));
                assertTrue(firstAnswered.await(WAIT_SECONDS, TimeUnit.SECONDS));
                send(s, ok("stale"));
                staleSent.countDown();
                Request next = readRequest(in);
                firstConnection.add(next == null ? "closed by the client" : "reused for " + next.method());
                if (next != null) {
                    send(s, ok("reused"));
                }
            } else {
                for (Request r; (r = readRequest(in)) != null; ) {
                    send(s, ok("real"));
                }
            }
        }); EventLoop loop = loops.start()) {
            assertEquals("first", get(loop, peer.uri("/1"), HttpClientOptions.defaults()).bodyText());
            firstAnswered.countDown();
            assertTrue(staleSent.await(WAIT_SECONDS, TimeUnit.SECONDS));
            HttpResponse second = get(loop, peer.uri("/2"), HttpClientOptions.defaults());
            assertEquals("real", second.bodyText());
            endIdle(loop);
            Await.until("the peer saw what became of its first connection", () -> !firstConnection.isEmpty());
            assertEquals(List.of("closed by the client"), firstConnection);
            assertEquals(2, peer.accepted.get());
        }
    }

    /**
     * The same, with the unasked bytes sent in the same write as the answer: they come in the
     * read that completes it, so the connection is closed rather than given back.
     */
    @Test
    void bytesAfterAnAnswerInTheSameReadCloseTheConnection() throws Exception {
        List<String> firstConnection = new CopyOnWriteArrayList<>();
        try (Peer peer = new Peer((index, s) -> {
            InputStream in = s.getInputStream();
            if (index == 0) {
                readRequest(in);
                send(s, ok("first") + ok("stale"));
                Request next = readRequest(in);
                firstConnection.add(next == null ? "closed by the client" : "reused for " + next.method());
                if (next != null) {
                    send(s, ok("reused"));
                }
            } else {
                for (Request r; (r = readRequest(in)) != null; ) {
                    send(s, ok("real"));
                }
            }
        }); EventLoop loop = loops.start()) {
            assertEquals("first", get(loop, peer.uri("/1"), HttpClientOptions.defaults()).bodyText());
            assertEquals("real", get(loop, peer.uri("/2"), HttpClientOptions.defaults()).bodyText());
            endIdle(loop);
            Await.until("the peer saw what became of its first connection", () -> !firstConnection.isEmpty());
            assertEquals(List.of("closed by the client"), firstConnection);
        }
    }

    // ---- 2. framing: a HEAD answered with a body ----------------------------------------------

    /**
     * A peer that answers HEAD like GET, its body sent after the head (so not in the read that
     * completes the HEAD answer): the next request must not take that body for its answer.
     * Before, the next GET failed with "malformed response".
     */
    @Test
    void aHeadAnsweredWithABodyLaterDoesNotBreakTheNextRequest() throws Exception {
        CountDownLatch headAnswered = new CountDownLatch(1);
        CountDownLatch bodySent = new CountDownLatch(1);
        List<String> firstConnection = new CopyOnWriteArrayList<>();
        try (Peer peer = new Peer((index, s) -> {
            InputStream in = s.getInputStream();
            if (index == 0) {
                assertEquals("HEAD", readRequest(in).method());
                send(s, "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n");
                assertTrue(headAnswered.await(WAIT_SECONDS, TimeUnit.SECONDS));
                send(s, "hello world");
                bodySent.countDown();
                Request next = readRequest(in);
                firstConnection.add(next == null ? "closed by the client" : "reused for " + next.method());
                if (next != null) {
                    send(s, ok("reused"));
                }
            } else {
                for (Request r; (r = readRequest(in)) != null; ) {
                    send(s, ok("real"));
                }
            }
        }); EventLoop loop = loops.start()) {
            HttpResponse head = get(loop, peer.uri("/h"), HttpClientOptions.defaults().method("HEAD"));
            assertEquals(200, head.status());
            assertEquals(0, head.body().length);
            headAnswered.countDown();
            assertTrue(bodySent.await(WAIT_SECONDS, TimeUnit.SECONDS));
            assertEquals("real", get(loop, peer.uri("/g"), HttpClientOptions.defaults()).bodyText());
            endIdle(loop);
            Await.until("the peer saw what became of its first connection", () -> !firstConnection.isEmpty());
            assertEquals(List.of("closed by the client"), firstConnection);
        }
    }

    /**
     * The body in the same write as the HEAD answer, and the next request sent at once from the
     * answer's callback: the bytes after the HEAD answer are not a clean end, so the connection
     * is closed and the GET goes on a new one. Before, the connection was reused.
     */
    @Test
    void aHeadAnsweredWithABodyInTheSameReadClosesTheConnection() throws Exception {
        List<String> firstConnection = new CopyOnWriteArrayList<>();
        try (Peer peer = new Peer((index, s) -> {
            InputStream in = s.getInputStream();
            if (index == 0) {
                assertEquals("HEAD", readRequest(in).method());
                send(s, "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world");
                Request next = readRequest(in);
                firstConnection.add(next == null ? "closed by the client" : "reused for " + next.method());
                if (next != null) {
                    send(s, ok("reused"));
                }
            } else {
                for (Request r; (r = readRequest(in)) != null; ) {
                    send(s, ok("real"));
                }
            }
        }); EventLoop loop = loops.start()) {
            CompletableFuture<HttpResponse> both = chain(loop, peer.uri("/h"), HttpClientOptions.defaults().method("HEAD"),
                    peer.uri("/g"), HttpClientOptions.defaults());
            assertEquals("real", both.get(WAIT_SECONDS, TimeUnit.SECONDS).bodyText());
            endIdle(loop);
            Await.until("the peer saw what became of its first connection", () -> !firstConnection.isEmpty());
            assertEquals(List.of("closed by the client"), firstConnection);
        }
    }

    /** A HEAD answered cleanly keeps its connection: the check costs a turn, not the connection. */
    @Test
    void aCleanHeadAnswerKeepsItsConnection() throws Exception {
        try (Peer peer = new Peer((index, s) -> {
            InputStream in = s.getInputStream();
            for (Request r; (r = readRequest(in)) != null; ) {
                send(s, r.method().equals("HEAD") ? "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n" : ok("body"));
            }
        }); EventLoop loop = loops.start()) {
            CompletableFuture<HttpResponse> both = chain(loop, peer.uri("/h"), HttpClientOptions.defaults().method("HEAD"),
                    peer.uri("/g"), HttpClientOptions.defaults());
            assertEquals("body", both.get(WAIT_SECONDS, TimeUnit.SECONDS).bodyText());
            assertEquals("body", get(loop, peer.uri("/g2"), HttpClientOptions.defaults()).bodyText());
            assertEquals(1, peer.accepted.get());
            endIdle(loop);
        }
    }

    // ---- 3. requests that are not idempotent are never sent twice -----------------------------

    /**
     * The peer answers a GET and keeps the connection; the next request reuses it, and the peer
     * reads it and closes the connection without a byte of answer (FIN), or resets it. A POST or
     * PATCH arrives exactly once and fails; before, a POST was sent again on a new connection
     * after the FIN. "later" sends it after the connection was parked (a turn later), "at once"
     * from the GET answer's callback, on the connection that just answered.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"POST later FIN", "POST at-once FIN", "PATCH later FIN", "POST later RST", "POST at-once RST"})
    void aNonIdempotentRequestIsNotSentAgain(String how) throws Exception {
        String[] words = how.split(" ");
        String method = words[0];
        boolean atOnce = words[1].equals("at-once");
        boolean reset = words[2].equals("RST");
        AtomicInteger arrived = new AtomicInteger();
        try (Peer peer = new Peer((index, s) -> {
            InputStream in = s.getInputStream();
            for (Request r; (r = readRequest(in)) != null; ) {
                if (r.method().equals(method)) {
                    assertEquals("payload", new String(r.body(), StandardCharsets.UTF_8));
                    arrived.incrementAndGet();
                    if (index == 0) {
                        if (reset) {
                            s.setSoLinger(true, 0);
                        }
                        s.close();
                        return;
                    }
                    send(s, ok("sent again"));
                } else {
                    send(s, ok("got"));
                }
            }
        }); EventLoop loop = loops.start()) {
            HttpClientOptions post = HttpClientOptions.defaults().method(method).body("payload");
            CompletableFuture<HttpResponse> f;
            if (atOnce) {
                f = chain(loop, peer.uri("/g"), HttpClientOptions.defaults(), peer.uri("/p"), post);
            } else {
                assertEquals("got", get(loop, peer.uri("/g"), HttpClientOptions.defaults()).bodyText());
                f = loop.http(new HttpRequestSpec(peer.uri("/p"), post));
            }
            Throwable t = failure(f);
            assertInstanceOf(HttpError.class, t);
            assertEquals(1, arrived.get(), method + " arrivals");
            assertEquals(1, peer.accepted.get());
            endIdle(loop);
        }
    }

    /** The same peer and a GET: idempotent, so it is sent once more on a new connection. */
    @Test
    void anIdempotentRequestIsSentOnceMore() throws Exception {
        AtomicInteger arrived = new AtomicInteger();
        try (Peer peer = new Peer((index, s) -> {
            InputStream in = s.getInputStream();
            for (Request r; (r = readRequest(in)) != null; ) {
                if (r.head().startsWith("GET /again ")) {
                    arrived.incrementAndGet();
                    if (index == 0) {
                        s.close();
                        return;
                    }
                }
                send(s, ok("got"));
            }
        }); EventLoop loop = loops.start()) {
            assertEquals("got", get(loop, peer.uri("/g"), HttpClientOptions.defaults()).bodyText());
            assertEquals("got", get(loop, peer.uri("/again"), HttpClientOptions.defaults()).bodyText());
            assertEquals(2, arrived.get());
            endIdle(loop);
        }
    }

    /**
     * A peer that closed the idle connection before the POST: the client finds that out in the
     * turn it looks before sending, so the POST goes, once, on a new connection and succeeds.
     */
    @Test
    void aPostAfterTheServerClosedTheIdleConnectionGoesOnANewOne() throws Exception {
        CountDownLatch firstAnswered = new CountDownLatch(1);
        AtomicInteger posts = new AtomicInteger();
        try (Peer peer = new Peer((index, s) -> {
            InputStream in = s.getInputStream();
            if (index == 0) {
                readRequest(in);
                send(s, ok("got"));
                assertTrue(firstAnswered.await(WAIT_SECONDS, TimeUnit.SECONDS));
                return; // closes the idle connection
            }
            for (Request r; (r = readRequest(in)) != null; ) {
                posts.incrementAndGet();
                send(s, ok("posted"));
            }
        }); EventLoop loop = loops.start()) {
            assertEquals("got", get(loop, peer.uri("/g"), HttpClientOptions.defaults()).bodyText());
            firstAnswered.countDown();
            Await.until("the peer closed its first connection", () -> peer.sockets.get(0).isClosed());
            HttpResponse r = get(loop, peer.uri("/p"), HttpClientOptions.defaults().method("POST").body("x"));
            assertEquals("posted", r.bodyText());
            assertEquals(1, posts.get());
            endIdle(loop);
        }
    }

    // ---- 4. status codes ----------------------------------------------------------------------

    /** A status that is not three digits 100-999 is an HttpError, never delivered; the connection closes. */
    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {"HTTP/1.1 -12 X", "HTTP/1.1 +10 X", "HTTP/1.1 099 X", "HTTP/1.1 1000 X", "HTTP/1.1 2x0 X", ""})
    void aBadStatusLineIsAnError(String statusLine) throws Exception {
        List<String> after = new CopyOnWriteArrayList<>();
        try (Peer peer = new Peer((index, s) -> {
            InputStream in = s.getInputStream();
            readRequest(in);
            send(s, statusLine + "\r\nContent-Length: 0\r\n\r\n");
            after.add(endsWithoutAnotherRequest(in) ? "closed" : "kept");
        }); EventLoop loop = loops.start()) {
            Throwable t = failure(loop.http(HttpRequestSpec.get(peer.uri("/"))));
            assertInstanceOf(HttpError.class, t);
            assertTrue(t.getMessage().contains(statusLine.isEmpty() ? "no status line" : "malformed status line"),
                    t.getMessage());
            Await.until("the peer saw what the client did with the connection", () -> !after.isEmpty());
            assertEquals(List.of("closed"), after);
            Idle.awaitIdle(loop);
        }
    }

    // ---- 5. maxResponseBytes ------------------------------------------------------------------

    /**
     * Bodies over the limit, each framing: by Content-Length, chunked, and until close, the last
     * two sent on and on. The request fails with an HttpError naming the option, the client
     * closes the connection, and the peer's writes end.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"content-length", "chunked", "close-delimited"})
    void aBodyOverMaxResponseBytesFailsAndClosesTheConnection(String framing) throws Exception {
        List<String> after = new CopyOnWriteArrayList<>();
        byte[] kib = "x".repeat(1024).getBytes(StandardCharsets.US_ASCII);
        try (Peer peer = new Peer((index, s) -> {
            InputStream in = s.getInputStream();
            readRequest(in);
            OutputStream out = s.getOutputStream();
            try {
                switch (framing) {
                    case "content-length" -> {
                        send(s, "HTTP/1.1 200 OK\r\nContent-Length: 100001\r\n\r\n");
                        after.add(endsWithoutAnotherRequest(in) ? "closed" : "kept");
                        return;
                    }
                    case "chunked" -> send(s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
                    default -> send(s, "HTTP/1.1 200 OK\r\n\r\n");
                }
                // On and on, until the client closes: then a write fails.
                for (int k = 0; k < 1_000_000; k++) {
                    if (framing.equals("chunked")) {
                        out.write("400\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.write(kib);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    } else {
                        out.write(kib);
                    }
                    out.flush();
                }
                after.add("never closed");
            } catch (SocketException closedByTheClient) {
                after.add("closed");
            }
        }); EventLoop loop = loops.start()) {
            Throwable t = failure(loop.http(new HttpRequestSpec(peer.uri("/big"),
                    HttpClientOptions.defaults().maxResponseBytes(100_000))));
            assertInstanceOf(HttpError.class, t);
            assertTrue(t.getMessage().contains("response body over 100000 bytes (maxResponseBytes)"), t.getMessage());
            Await.until("the peer saw what the client did with the connection", () -> !after.isEmpty());
            assertEquals(List.of("closed"), after);
            Idle.awaitIdle(loop);
        }
    }

    /** A body of exactly the limit is delivered. */
    @Test
    void aBodyOfExactlyMaxResponseBytesIsDelivered() throws Exception {
        try (Peer peer = new Peer((index, s) -> {
            InputStream in = s.getInputStream();
            for (Request r; (r = readRequest(in)) != null; ) {
                send(s, r.head().startsWith("GET /chunked")
                        ? "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n"
                        : ok("0123456789"));
            }
        }); EventLoop loop = loops.start()) {
            HttpClientOptions ten = HttpClientOptions.defaults().maxResponseBytes(10);
            assertEquals("0123456789", get(loop, peer.uri("/cl"), ten).bodyText());
            assertEquals("0123456789", get(loop, peer.uri("/chunked"), ten).bodyText());
            endIdle(loop);
        }
    }

    @Test
    void maxResponseBytesMustBePositive() {
        assertEquals(64L << 20, HttpClientOptions.defaults().maxResponseBytes());
        for (long bad : new long[] {0, -1, Long.MIN_VALUE}) {
            var e = assertThrows(IllegalArgumentException.class, () -> HttpClientOptions.defaults().maxResponseBytes(bad));
            assertTrue(e.getMessage().contains("maxResponseBytes"), e.getMessage());
        }
    }

    // ---- 6. header order and Host -------------------------------------------------------------

    /**
     * An ordered map's order reaches the wire, and a Host given in any letter case is the only
     * Host sent. Before, Map.copyOf lost the order and header("Host")/header("host") sent two.
     */
    @Test
    void headersKeepTheirOrderAndHostIsSentOnce() throws Exception {
        List<String> heads = new CopyOnWriteArrayList<>();
        try (Peer peer = new Peer((index, s) -> {
            InputStream in = s.getInputStream();
            for (Request r; (r = readRequest(in)) != null; ) {
                heads.add(r.head());
                send(s, ok("ok"));
            }
        }); EventLoop loop = loops.start()) {
            Map<String, String> ordered = new LinkedHashMap<>();
            for (String name : List.of("Zeta", "Alpha", "Mike", "Bravo", "Yankee", "Charlie", "X-Ray", "Delta", "hOsT")) {
                ordered.put(name, name.equalsIgnoreCase("host") ? "example.test" : name.toLowerCase(Locale.ROOT));
            }
            get(loop, peer.uri("/ordered"), HttpClientOptions.defaults().headers(ordered));
            get(loop, peer.uri("/twice"), HttpClientOptions.defaults().header("Host", "a.test").header("X", "1")
                    .header("host", "b.test"));
            endIdle(loop);
        }
        List<String> names = new ArrayList<>();
        for (String line : heads.get(0).split("\r\n")) {
            if (line.contains(":")) {
                names.add(line.substring(0, line.indexOf(':')));
            }
        }
        assertEquals(List.of("Zeta", "Alpha", "Mike", "Bravo", "Yankee", "Charlie", "X-Ray", "Delta", "hOsT"), names);
        assertEquals(List.of("X: 1", "host: b.test"), hostAndX(heads.get(1)));
    }

    private static List<String> hostAndX(String head) {
        List<String> lines = new ArrayList<>();
        for (String line : head.split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("host:") || lower.startsWith("x:")) {
                lines.add(line);
            }
        }
        return lines;
    }

    @Test
    void aMapWithTwoHostsIsRefused() {
        Map<String, String> two = new LinkedHashMap<>();
        two.put("Host", "a");
        two.put("host", "b");
        var e = assertThrows(IllegalArgumentException.class, () -> HttpClientOptions.defaults().headers(two));
        assertTrue(e.getMessage().contains("Host"), e.getMessage());
        assertFalse(HttpClientOptions.defaults().headers(Map.of("host", "x")).headers().isEmpty());
        assertNull(HttpClientOptions.defaults().headers().get("Host"));
    }

}
