package io.github.evasync.reliability;

import io.github.evasync.EventLoop;
import io.github.evasync.LoopOptions;
import io.github.evasync.http.HttpRequestSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A live loop closed from another thread while its thread is busy and a lookup is in flight
 * closes: the wakeup written by the close was never drained, and the last non-blocking DNS pass
 * of the shutdown spun on it for ever. And the futures the loop still owed complete.
 */
@Timeout(120)
class CloseWithWorkInFlightTest {
    private static final int ROUNDS = 20;

    @Test
    void closingWhileBusyWithALookupInFlightEndsAndCompletesItsFutures() throws Exception {
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             ServerSocket mute = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            LoopOptions opts = LoopOptions.defaults().daemon(true).uncaughtHandler(uncaught::add)
                    .nameservers(List.of("127.0.0.1:" + silent.getLocalPort())).dnsTimeout(Duration.ofSeconds(30));
            for (int round = 0; round < ROUNDS; round++) {
                EventLoop loop = EventLoop.start(opts);
                loop.dnsLookup("nobody-answers.test", (a, f) -> { }, ev -> { });
                CompletableFuture<?> lookup = loop.resolve("nor-this.test");
                CompletableFuture<?> http = loop.http(HttpRequestSpec.get("http://127.0.0.1:" + mute.getLocalPort() + "/"));
                CountDownLatch busy = new CountDownLatch(1);
                loop.execute(() -> {
                    busy.countDown();
                    long end = System.nanoTime() + 5_000_000;
                    while (System.nanoTime() < end) {
                        Thread.onSpinWait();
                    }
                });
                busy.await();
                assertTimeoutPreemptively(Duration.ofSeconds(20), loop::close, "round " + round);
                for (CompletableFuture<?> f : List.of(lookup, http)) {
                    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
                    assertInstanceOf(IllegalStateException.class, e.getCause());
                }
            }
        }
        assertTrue(uncaught.isEmpty(), uncaught.toString());
    }
}
