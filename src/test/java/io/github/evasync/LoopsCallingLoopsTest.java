package io.github.evasync;

import io.github.evasync.tcp.TcpServer;
import io.github.evasync.tcp.TcpSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * API.md, "Loops calling loops": from a loop thread, a call into another loop never blocks.
 * Calls without a result are queued; calls that must return the other loop's answer throw an
 * {@link IllegalStateException} that names {@code submit}. Before, two loops doing this to each
 * other parked both threads for ever.
 */
@Timeout(60)
class LoopsCallingLoopsTest {
    private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();

    private EventLoop start() {
        return EventLoop.start(LoopOptions.defaults().daemon(true).uncaughtHandler(uncaught::add));
    }

    @Test
    void twoLoopsAskingEachOtherForAnswersNeverDeadlock() throws Exception {
        try (EventLoop a = start(); EventLoop b = start()) {
            CountDownLatch go = new CountDownLatch(2);
            CompletableFuture<Throwable> fromA = new CompletableFuture<>();
            CompletableFuture<Throwable> fromB = new CompletableFuture<>();
            a.execute(() -> fromA.complete(askAfter(go, b)));
            b.execute(() -> fromB.complete(askAfter(go, a)));
            for (Throwable t : List.of(fromA.get(20, TimeUnit.SECONDS), fromB.get(20, TimeUnit.SECONDS))) {
                assertTrue(t instanceof IllegalStateException, String.valueOf(t));
                assertTrue(t.getMessage().contains("submit"), t.getMessage());
            }
            // The way that works: submit, and go on in the future's callback.
            CompletableFuture<LoopStats> viaSubmit = new CompletableFuture<>();
            a.execute(() -> b.submit(b::stats).whenComplete((s, e) -> a.execute(() -> viaSubmit.complete(s))));
            assertEquals(0, viaSubmit.get(20, TimeUnit.SECONDS).incomingTcpConnections());
            assertTrue(uncaught.isEmpty(), uncaught.toString());
        }
    }

    /** Waits until both loops are in their callbacks, then asks {@code other} for an answer. */
    private static Throwable askAfter(CountDownLatch go, EventLoop other) {
        go.countDown();
        try {
            go.await(10, TimeUnit.SECONDS);
            other.stats();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    @Test
    void methodsWithoutAnAnswerAreQueuedOnTheOtherLoop() throws Exception {
        try (EventLoop a = start(); EventLoop b = start()) {
            Event onB = b.makeEvent(() -> { });
            CompletableFuture<String> ranOnB = new CompletableFuture<>();
            CompletableFuture<Throwable> removeFromA = new CompletableFuture<>();
            a.execute(() -> {
                b.onExit(() -> { });
                onB.add(Duration.ofMillis(1)); // queued: returns at once
                try {
                    onB.remove();
                    removeFromA.complete(null);
                } catch (Throwable t) {
                    removeFromA.complete(t);
                }
                b.execute(() -> ranOnB.complete(Thread.currentThread().getName()));
            });
            assertTrue(removeFromA.get(10, TimeUnit.SECONDS) instanceof IllegalStateException);
            assertTrue(ranOnB.get(10, TimeUnit.SECONDS).startsWith("evasync-loop-"));
            onB.free();
            assertTrue(uncaught.isEmpty(), uncaught.toString());
        }
    }

    /**
     * A chat on two loops: each message is written, from the loop it arrived on, to every
     * client of both loops. With blocking cross-loop writes, two messages arriving at once on
     * the two loops hung both.
     */
    @Test
    void chatBroadcastingAcrossLoopsDeliversEverything() throws Exception {
        int perClient = 200;
        List<TcpSocket> members = new CopyOnWriteArrayList<>();
        try (EventLoop a = start(); EventLoop b = start()) {
            List<TcpServer> servers = new ArrayList<>();
            for (EventLoop loop : List.of(a, b)) {
                servers.add(loop.tcpServer("127.0.0.1", 0, (s, data) -> {
                    for (TcpSocket m : members) {
                        if (!m.isClosed()) {
                            m.write(data); // m may live on the other loop
                        }
                    }
                }, ev -> { }, io.github.evasync.tcp.ServerOptions.defaults().connectCallback(members::add)));
            }
            try (Socket ca = new Socket("127.0.0.1", servers.get(0).port());
                 Socket cb = new Socket("127.0.0.1", servers.get(1).port())) {
                for (int i = 0; i < 200 && members.size() < 2; i++) {
                    Thread.sleep(10);
                }
                assertEquals(2, members.size());
                int total = 2 * perClient * 2; // two senders, each line reaches both clients
                Thread sa = sender(ca.getOutputStream(), 'a', perClient);
                Thread sb = sender(cb.getOutputStream(), 'b', perClient);
                int got = count(ca.getInputStream(), 2 * perClient) + count(cb.getInputStream(), 2 * perClient);
                sa.join();
                sb.join();
                assertEquals(total, got);
            }
            for (TcpServer s : servers) {
                s.close();
            }
            for (TcpSocket m : members) {
                m.close();
            }
            assertTrue(uncaught.isEmpty(), uncaught.toString());
        }
    }

    private static Thread sender(OutputStream out, char tag, int lines) {
        Thread t = new Thread(() -> {
            try {
                for (int i = 0; i < lines; i++) {
                    out.write((tag + "\n").getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        t.start();
        return t;
    }

    /** Reads until {@code lines} newlines have arrived. */
    private static int count(InputStream in, int lines) throws java.io.IOException {
        int n = 0;
        while (n < lines) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            if (c == '\n') {
                n++;
            }
        }
        return n;
    }

    @Test
    void closingAnotherLoopFromALoopThreadDoesNotWait() throws Exception {
        try (EventLoop a = start()) {
            EventLoop b = start();
            CompletableFuture<Boolean> returned = new CompletableFuture<>();
            a.execute(() -> {
                b.close();
                returned.complete(true);
            });
            assertTrue(returned.get(10, TimeUnit.SECONDS));
            b.close(); // from this thread it waits for b's thread
            assertTrue(b.isClosed());
            assertFalse(a.isClosed());
            assertTrue(uncaught.isEmpty(), uncaught.toString());
        }
    }
}
