package io.github.evasync.reliability;

import io.github.evasync.Event;
import io.github.evasync.EventLoop;
import io.github.evasync.LoopOptions;
import io.github.evasync.http.BodyCallback;
import io.github.evasync.http.HttpServerOptions;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.http.HttpServer;
import io.github.evasync.tcp.ServerOptions;
import io.github.evasync.tcp.TcpServer;
import io.github.evasync.tcp.TcpSocket;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The child JVM of {@link FirstUseOverflowTest}: a fresh JVM, so that no class of the library
 * was initialised by another test. It runs a loop on a small stack and makes the process's first
 * call of one kind, named by its argument ({@code watchFd} when none), at every depth near the
 * end of the stack, from the deepest up, until one goes through; a {@link StackOverflowError}
 * there is that call's own, as anywhere. What the call needs (a server, a socket, an event) is
 * made first at a normal depth. Then, at a normal depth, it makes the same call once more and
 * prints {@code after: ok} when that works, or {@code after: FAILED} and what was thrown. The
 * descriptor {@code watchFd} watches is the child's stdin, a pipe the parent never writes to.
 */
public final class FirstUseOverflowChild {
    private static final long STACK = 512 * 1024;
    private static final int STDIN = 0;
    private static final Duration MS = Duration.ofMillis(1);
    private static boolean done;
    private static Throwable firstOther;
    private static int others;

    private FirstUseOverflowChild() {
    }

    /** Recurses to the end of the stack, then tries {@code call} at each depth on the way back. */
    private static void edge(Runnable call) {
        try {
            edge(call);
        } catch (Throwable t) {
            if (!(t instanceof StackOverflowError)) {
                others++;
                if (firstOther == null) {
                    firstOther = t;
                }
            }
        }
        if (!done) {
            call.run();
            done = true;
        }
    }

    public static void main(String[] args) throws Exception {
        String kind = args.length > 0 ? args[0] : "watchFd";
        // The JDK's own class path machinery (its jar loader) is set up here, at a normal depth:
        // a class first looked up at the edge would otherwise break the JDK's class loading, not
        // evasync (the firstLoop case met that). A lookup that misses walks every entry.
        ClassLoader.getSystemClassLoader().getResource("evasync/no-such-resource");
        CompletableFuture<String> outcome = new CompletableFuture<>();
        if (kind.equals("firstLoop")) {
            // The JVM's first loop made at the stack's edge: what a loop is made of (its task
            // queue, say) must not be initialised there, or every later loop would fail.
            Thread t = new Thread(null, () -> {
                edge(() -> EventLoop.run(loop -> { }));
                try {
                    EventLoop.run(loop -> loop.execute(() -> outcome.complete("ok")));
                } catch (Throwable e) {
                    outcome.complete("FAILED a loop at a normal depth: " + e);
                }
                outcome.complete("FAILED the loop ended without an outcome");
            }, "small-stack-first-loop", STACK);
            t.setDaemon(true);
            t.start();
        } else if (kind.equals("onBody")) {
            // onBody runs the application's callback inside the call: an overflow that strikes
            // in that callback is the application's, fatal to a run loop. A live loop hands it
            // to its uncaught handler and goes on.
            EventLoop loop = EventLoop.start(LoopOptions.defaults().daemon(true).uncaughtHandler(e -> { }));
            loop.execute(() -> start(loop, kind, outcome));
        } else {
            Thread t = new Thread(null, () -> {
                try {
                    EventLoop.run(loop -> start(loop, kind, outcome));
                } catch (Throwable e) {
                    outcome.complete("FAILED loop: " + e);
                }
                outcome.complete("FAILED the loop ended without an outcome");
            }, "small-stack-loop", STACK);
            t.setDaemon(true);
            t.start();
        }
        String result;
        try {
            result = outcome.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            result = "FAILED no outcome in 60 s";
        }
        System.out.println(kind + " edge: " + others + " throwable(s) other than StackOverflowError"
                + (firstOther == null ? "" : ", the first " + firstOther));
        System.out.println("after: " + result);
        System.out.flush();
        System.exit(0);
    }

    /**
     * Makes the first call of {@code kind} at the stack's edge on the next turn (at a depth of
     * the loop's own), then on the turn after runs {@code after} at a normal depth, which must
     * make the same call and complete the outcome, or have it completed later.
     */
    private static void deepThenAfter(EventLoop loop, CompletableFuture<String> outcome, Runnable deep,
                                      Consumer<CompletableFuture<String>> after) {
        loop.delay(() -> {
            edge(deep);
            loop.delay(() -> {
                try {
                    after.accept(outcome);
                } catch (Throwable e) {
                    outcome.complete("FAILED at a normal depth: " + e);
                    loop.exit();
                }
            });
        });
        // Whatever happens, the loop ends once there is an outcome.
        outcome.whenComplete((r, e) -> loop.execute(loop::exit));
    }

    /** {@return a path in a new directory with a socket file nothing listens on, bound by python3} */
    private static java.nio.file.Path staleUnixFile() {
        try {
            java.nio.file.Path path = java.nio.file.Files.createTempDirectory("evasync-overflow").resolve("s.sock");
            Process p = new ProcessBuilder("python3", "-c",
                    "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", path.toString())
                    .inheritIO().start();
            if (p.waitFor() != 0 || !java.nio.file.Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalStateException("python3 left no socket file at " + path);
            }
            path.toFile().deleteOnExit();
            path.resolveSibling("s.sock.lock").toFile().deleteOnExit();
            path.getParent().toFile().deleteOnExit();
            return path;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void start(EventLoop loop, String kind, CompletableFuture<String> outcome) {
        // The loop's timers are warmed up at a normal depth: only the call under test is deep.
        loop.delay(MS, () -> { }).free();
        Event[] ev = new Event[2];
        Runnable noop = () -> { };
        switch (kind) {
            case "watchFd" -> deepThenAfter(loop, outcome,
                    () -> ev[0] = loop.watchFd(STDIN, noop, null, null, null),
                    o -> {
                        loop.watchFd(STDIN, noop, null, null, null).free();
                        o.complete("ok");
                    });
            case "delay" -> deepThenAfter(loop, outcome, () -> loop.delay(MS, noop),
                    o -> loop.delay(MS, () -> o.complete("ok")));
            case "interval" -> deepThenAfter(loop, outcome, () -> ev[0] = loop.interval(MS, noop),
                    o -> {
                        ev[0].free();
                        Event[] e = new Event[1];
                        e[0] = loop.interval(MS, () -> {
                            e[0].free();
                            o.complete("ok");
                        });
                    });
            case "makeEvent" -> deepThenAfter(loop, outcome, () -> loop.makeEvent(noop),
                    o -> loop.makeEvent(() -> o.complete("ok")).activate());
            case "event.add" -> {
                ev[0] = loop.makeEvent(noop);
                deepThenAfter(loop, outcome, () -> ev[0].add(MS),
                        o -> loop.makeEvent(() -> o.complete("ok")).add(MS));
            }
            case "event.remove" -> {
                ev[0] = loop.makeEvent(noop);
                ev[0].add(Duration.ofHours(1));
                deepThenAfter(loop, outcome, () -> ev[0].remove(),
                        o -> {
                            Event e = loop.makeEvent(noop);
                            e.add(Duration.ofHours(1));
                            o.complete(e.remove() && !e.isPending() ? "ok" : "FAILED remove did not remove");
                            e.free();
                        });
            }
            case "event.activate" -> {
                ev[0] = loop.makeEvent(noop);
                deepThenAfter(loop, outcome, () -> ev[0].activate(),
                        o -> loop.makeEvent(() -> o.complete("ok")).activate());
            }
            case "event.free" -> {
                ev[0] = loop.makeEvent(noop);
                deepThenAfter(loop, outcome, () -> ev[0].free(),
                        o -> {
                            Event e = loop.makeEvent(noop);
                            e.free();
                            o.complete(e.isFreed() ? "ok" : "FAILED free did not free");
                        });
            }
            case "tcpServer" -> {
                TcpServer[] s = new TcpServer[1];
                deepThenAfter(loop, outcome, () -> s[0] = loop.tcpServer("127.0.0.1", 0, null, null),
                        o -> {
                            s[0].close();
                            loop.tcpServer("127.0.0.1", 0, null, null).close();
                            o.complete("ok");
                        });
            }
            case "unixServer" -> {
                // A stale file at the path, left by a process that is not this JVM, so that the
                // deep call probes it with the JDK's Unix channel classes, used for the first time.
                java.nio.file.Path path = staleUnixFile();
                TcpServer[] s = new TcpServer[1];
                deepThenAfter(loop, outcome, () -> s[0] = loop.unixServer(path, null, null),
                        o -> {
                            s[0].close();
                            loop.unixServer(path, null, null).close();
                            o.complete("ok");
                        });
            }
            case "tcpConnect" -> {
                int[] accepted = new int[1];
                TcpServer server = loop.tcpServer("127.0.0.1", 0, null, null,
                        ServerOptions.defaults().connectCallback(sock -> {
                            sock.close();
                            if (++accepted[0] == 2) {
                                outcome.complete("ok");
                            }
                        }));
                deepThenAfter(loop, outcome, () -> loop.tcpConnect("127.0.0.1", server.port(), null, null),
                        o -> loop.tcpConnect("127.0.0.1", server.port(), null, null));
            }
            case "dnsLookup" -> deepThenAfter(loop, outcome,
                    () -> loop.dnsLookup("127.0.0.1", (a, f) -> { }, null),
                    o -> loop.dnsLookup("127.0.0.1", (a, f) -> o.complete("ok"), null));
            case "httpServer" -> {
                HttpServer[] s = new HttpServer[1];
                deepThenAfter(loop, outcome,
                        () -> s[0] = loop.httpServer("127.0.0.1", 0, req -> req.respond(200, Map.of(), "x"), null),
                        o -> {
                            s[0].close();
                            loop.httpServer("127.0.0.1", 0, req -> req.respond(200, Map.of(), "x"), null).close();
                            o.complete("ok");
                        });
            }
            case "respond" -> respond(loop, outcome);
            case "dnsLookup.localhost" -> deepThenAfter(loop, outcome,
                    () -> loop.dnsLookup("localhost", (a, f) -> { }, null),
                    o -> loop.dnsLookup("localhost", (a, f) -> o.complete("ok"),
                            e -> o.complete("FAILED localhost: " + e)));
            case "httpClient" -> {
                HttpServer server = loop.httpServer("127.0.0.1", 0, req -> req.respond(200, Map.of(), "x"), null);
                String uri = "http://127.0.0.1:" + server.port() + "/";
                deepThenAfter(loop, outcome, () -> loop.httpClient(uri, (st, h, b) -> { }, e -> { }),
                        o -> loop.httpClient(uri,
                                (st, h, b) -> o.complete(st == 200 ? "ok" : "FAILED status " + st),
                                e -> o.complete("FAILED the request: " + e)));
            }
            case "shutdown" -> shutdown(loop, outcome);
            case "onBody" -> onBody(loop, outcome);
            default -> {
                if (kind.startsWith("accepted.") || kind.startsWith("outgoing.")) {
                    socketCall(loop, kind, outcome);
                } else {
                    outcome.complete("FAILED no such case: " + kind);
                }
            }
        }
    }

    /**
     * {@code accepted.op} or {@code outgoing.op}: two connections are made at a normal depth;
     * the first call of {@code op} is made deep on the first connection's socket of that side,
     * and then at a normal depth on the second's.
     */
    private static void socketCall(EventLoop loop, String kind, CompletableFuture<String> outcome) {
        boolean acceptedSide = kind.startsWith("accepted.");
        String op = kind.substring(kind.indexOf('.') + 1);
        TcpSocket[] in = new TcpSocket[2];
        TcpSocket[] out = new TcpSocket[2];
        int[] n = new int[1];
        StringBuilder got = new StringBuilder();
        // What the peers receive tells that "write" worked.
        io.github.evasync.tcp.ReadCallback read = (sock, data) -> {
            got.append(new String(data, StandardCharsets.UTF_8));
            if (got.indexOf("after") >= 0 && op.equals("write")) {
                outcome.complete("ok");
            }
        };
        io.github.evasync.EventHandler handler = e -> { };
        TcpServer server = loop.tcpServer("127.0.0.1", 0, read, handler,
                ServerOptions.defaults().connectCallback(sock -> {
                    in[n[0]++] = sock;
                    if (n[0] == 2) {
                        TcpSocket[] side = acceptedSide ? in : out;
                        deepThenAfter(loop, outcome, () -> socketOp(side[0], op, "deep"), o -> {
                            socketOp(side[1], op, "after");
                            if (op.equals("close")) {
                                o.complete(side[1].isClosed() ? "ok" : "FAILED close did not close");
                            } else if (!op.equals("write")) {
                                o.complete("ok");
                            }
                        });
                    }
                }));
        out[0] = loop.tcpConnect("127.0.0.1", server.port(), read, handler);
        out[1] = loop.tcpConnect("127.0.0.1", server.port(), read, handler);
    }

    private static void socketOp(TcpSocket s, String op, String text) {
        switch (op) {
            case "write" -> s.write(text);
            case "setTimeouts" -> s.setTimeouts(Duration.ofHours(1), Duration.ofHours(1));
            case "enable" -> s.enable(true, true);
            case "disable" -> s.disable(true, false);
            case "close" -> s.close();
            default -> throw new IllegalArgumentException(op);
        }
    }

    /**
     * An HTTP server made at a normal depth answers its first request with {@code respond} at
     * the stack's edge and its second at a normal depth ({@link #twoRequests}).
     */
    private static void respond(EventLoop loop, CompletableFuture<String> outcome) {
        int[] requests = new int[1];
        java.util.concurrent.atomic.AtomicBoolean cutShort = new java.util.concurrent.atomic.AtomicBoolean();
        HttpServer server = loop.httpServer("127.0.0.1", 0, req -> {
            if (requests[0]++ == 0) {
                edge(() -> {
                    try {
                        req.respond(200, Map.of(), "deep");
                    } catch (IllegalStateException e) {
                        // An earlier attempt was cut short after handing part of the answer on:
                        // it closed the connection and used the request up.
                        if (!e.getMessage().equals("the request was already answered")) {
                            throw e;
                        }
                        cutShort.set(true);
                    }
                });
            } else {
                req.respond(200, Map.of(), "after");
            }
        }, null);
        twoRequests(loop, outcome, server.port(), "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "after",
                cutShort);
    }

    /**
     * A plain socket in another thread sends {@code request} twice, one connection each, and
     * checks that both are answered with a 200 and the second's body ends with {@code after}.
     */
    private static void twoRequests(EventLoop loop, CompletableFuture<String> outcome, int port, String request,
                                    String after) {
        twoRequests(loop, outcome, port, request, after, new java.util.concurrent.atomic.AtomicBoolean());
    }

    /**
     * As above; when {@code cutShort} is set by the time the second answer arrives, the first
     * may also be a closed connection with no complete answer in it.
     */
    private static void twoRequests(EventLoop loop, CompletableFuture<String> outcome, int port, String request,
                                    String after, java.util.concurrent.atomic.AtomicBoolean cutShort) {
        Thread client = new Thread(() -> {
            try {
                String first = send(port, request);
                String second = send(port, request);
                // Read after the second answer, which the loop made after the first's turn.
                boolean firstOk = first.startsWith("HTTP/1.1 200") || cutShort.get();
                outcome.complete(firstOk && second.startsWith("HTTP/1.1 200")
                        && second.endsWith(after) ? "ok" : "FAILED answers:\n" + first + "\n" + second);
            } catch (Throwable e) {
                outcome.complete("FAILED the client: " + e);
            }
        }, "http-client");
        client.setDaemon(true);
        client.start();
        outcome.whenComplete((r, e) -> loop.execute(loop::exit));
    }

    /**
     * An HTTP server with one idle keep-alive connection (a request answered, at a normal depth)
     * is shut down at the stack's edge; then a second server, with one too, at a normal depth.
     */
    private static void shutdown(EventLoop loop, CompletableFuture<String> outcome) {
        HttpServer[] s = new HttpServer[2];
        int[] ready = new int[1];
        for (int i = 0; i < 2; i++) {
            s[i] = loop.httpServer("127.0.0.1", 0, req -> req.respond(200, Map.of(), "x"), null);
            loop.tcpConnect("127.0.0.1", s[i].port(), (sock, data) -> {
                // The answer arrived: the server's connection is idle.
                if (++ready[0] == 2) {
                    deepThenAfter(loop, outcome, () -> s[0].shutdown(Duration.ofSeconds(1)),
                            o -> s[1].shutdown(Duration.ofSeconds(1)).whenComplete((r, e) ->
                                    o.complete(e == null ? "ok" : "FAILED shutdown: " + e)));
                }
            }, e -> outcome.complete("FAILED a client connection: " + e),
                    TcpOptions.defaults().data("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        }
    }

    /**
     * A server streams request bodies; each request comes in one write, head and body, so its
     * body has arrived when the handler returns. The first request's onBody is set on the next
     * turn at the stack's edge, where the waiting body is delivered inside the call; the
     * second's at a normal depth.
     */
    private static void onBody(EventLoop loop, CompletableFuture<String> outcome) {
        int[] requests = new int[1];
        HttpServer server = loop.httpServer("127.0.0.1", 0, req -> {
            boolean first = requests[0]++ == 0;
            StringBuilder got = new StringBuilder();
            if (first) {
                // Answered on the turn after, at a normal depth: the overflow may strike in the
                // callback (the application's, handed to the uncaught handler) or cut the call short.
                BodyCallback ignore = (piece, last) -> { };
                loop.delay(() -> {
                    edge(() -> req.onBody(ignore));
                    loop.delay(() -> req.respond(200, Map.of(), "deep"));
                });
            } else {
                loop.delay(() -> req.onBody((piece, last) -> {
                    got.append(new String(piece, StandardCharsets.UTF_8));
                    if (last) {
                        req.respond(200, Map.of(), "after " + got);
                    }
                }));
            }
        }, null, HttpServerOptions.defaults().streamRequestBodies(true));
        twoRequests(loop, outcome, server.port(),
                "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello", "after hello");
    }

    private static String send(int port, String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            OutputStream o = s.getOutputStream();
            // One write: head and body arrive together.
            o.write(request.getBytes(StandardCharsets.US_ASCII));
            o.flush();
            InputStream i = s.getInputStream();
            return new String(i.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
