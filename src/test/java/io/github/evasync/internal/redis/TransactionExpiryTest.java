package io.github.evasync.internal.redis;

import io.github.evasync.EventLoop;
import io.github.evasync.RedisError;
import io.github.evasync.redis.RedisClient;
import io.github.evasync.redis.RedisOptions;
import io.github.evasync.redis.RedisTransaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A transaction issued while the connection is down gives up as one piece: its entries share
 * one issue time, so the timer never finds some of them expired and others not, and when it
 * gives up its whole block of bytes leaves the writer with all its entries. (With an issue time
 * per entry, a timer firing between them dropped the whole block's bytes but kept the later
 * entries queued: after the reconnect every reply went to the wrong command.)
 */
@Timeout(60)
class TransactionExpiryTest {
    @Test
    void aTransactionWaitingForAReconnectExpiresAsAWhole() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = server.accept();
                        s.close(); // up, then lost at once
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            try (EventLoop loop = EventLoop.start()) {
                CompletableFuture<long[]> issueTimes = new CompletableFuture<>();
                CompletableFuture<CompletableFuture<List<Object>>> sent = new CompletableFuture<>();
                ClientImpl[] client = new ClientImpl[1];
                // Assigned on the loop thread, before its first event can run: the connection is
                // lost at once, and the handler below must find the client.
                loop.submit(() -> client[0] = (ClientImpl) RedisClient.connect(loop,
                        "redis://127.0.0.1:" + server.getLocalPort(), RedisOptions.defaults()
                                .reconnectDelay(Duration.ofSeconds(30), Duration.ofSeconds(30))
                                .reconnectWait(Duration.ofMillis(200))
                                .eventHandler(lost -> {
                                    if (sent.isDone()) {
                                        return;
                                    }
                                    // Down now: the transaction waits for the connection.
                                    RedisTransaction tx = client[0].multi();
                                    for (int i = 0; i < 500; i++) {
                                        tx.command("INCR", "k" + i);
                                    }
                                    CompletableFuture<List<Object>> f = tx.exec();
                                    PendingQueue q = client[0].cmd.queue;
                                    long[] times = new long[q.size()];
                                    for (int i = 0; i < times.length; i++) {
                                        times[i] = q.issuedAt(i);
                                    }
                                    issueTimes.complete(times);
                                    sent.complete(f);
                                }))).get(30, TimeUnit.SECONDS);
                long[] times = issueTimes.get(30, TimeUnit.SECONDS);
                assertEquals(502, times.length);
                for (long t : times) {
                    assertEquals(times[0], t, "every entry of the transaction has the block's issue time");
                }
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> sent.get(30, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS));
                assertTrue(assertInstanceOf(RedisError.class, e.getCause()).errmsg().contains("not sent"));
                // Nothing of it is left: no entry without its bytes, no bytes without their entry.
                int[] left = loop.submit(() -> new int[] {client[0].cmd.queue.size(), client[0].cmd.out.size(),
                        client[0].cmd.permits.availablePermits()}).get(30, TimeUnit.SECONDS);
                assertEquals(0, left[0]);
                assertEquals(0, left[1]);
                assertEquals(RedisOptions.DEFAULT_QUEUE_LIMIT, left[2]);
                client[0].close();
            }
        }
    }
}
