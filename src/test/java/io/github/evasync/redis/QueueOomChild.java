package io.github.evasync.redis;

import io.github.evasync.EventLoop;
import io.github.evasync.LoopOptions;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The child JVM of {@code RedisQueueOomTest}, with a small heap: a large SET from the main thread
 * reaches a loop kept busy, and by the time the loop copies it into the connection's buffer the
 * heap is full. Prints how the SET ended, and whether a PING issued afterwards is answered (the
 * permits the SET held were given back). Argument: the fake server's port.
 */
public final class QueueOomChild {
    private QueueOomChild() {
    }

    public static void main(String[] args) throws Exception {
        AtomicInteger uncaught = new AtomicInteger();
        try (EventLoop loop = EventLoop.start(LoopOptions.defaults().uncaughtHandler(t -> uncaught.incrementAndGet()))) {
            RedisClient redis = RedisClient.connect(loop, "redis://127.0.0.1:" + args[0],
                    RedisOptions.defaults().reconnect(false).commandTimeout(Duration.ofSeconds(3)));
            redis.ready().get(10, TimeUnit.SECONDS);
            CompletableFuture<Void> busy = new CompletableFuture<>();
            loop.execute(() -> {
                try {
                    busy.get(20, TimeUnit.SECONDS); // held until the heap is full
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            CompletableFuture<String> set = redis.set("big", new byte[40 << 20]);
            byte[][] ballast = new byte[64][];
            int n = 0;
            try {
                for (; n < ballast.length; n++) {
                    ballast[n] = new byte[4 << 20];
                }
            } catch (OutOfMemoryError full) {
                // as full as it gets
            }
            // Leave 4 MiB free: less than the copy needs, more than the loop needs to go on.
            ballast[--n] = null;
            busy.complete(null);
            try {
                set.get(20, TimeUnit.SECONDS);
                System.out.println("set completed");
            } catch (ExecutionException e) {
                System.out.println("set failed: " + e.getCause());
            }
            java.util.Arrays.fill(ballast, null);
            System.out.println("ping " + redis.command("PING").get(10, TimeUnit.SECONDS));
            System.out.println("uncaught " + uncaught.get());
            redis.close();
        }
    }
}
