package io.github.evasync.bench;

import io.github.evasync.EventLoop;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Schedule-and-fire of zero-delay timers on the loop thread: {@code delay(Duration.ZERO, ...)}
 * against Netty's {@code schedule(task, 0, ...)}. One hop onto the loop starts a batch; the
 * batch's last timer completes it.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TimerBench {
    @Benchmark
    @OperationsPerInvocation(LoopPair.BATCH)
    public Object zeroDelay(LoopPair p) {
        CompletableFuture<Object> done = new CompletableFuture<>();
        int[] fired = {0};
        if (p.evasync != null) {
            EventLoop loop = p.evasync;
            Runnable tick = () -> {
                if (++fired[0] == LoopPair.BATCH) {
                    done.complete(fired);
                }
            };
            loop.execute(() -> {
                for (int i = 0; i < LoopPair.BATCH; i++) {
                    loop.delay(Duration.ZERO, tick);
                }
            });
        } else {
            var loop = p.netty;
            Runnable tick = () -> {
                if (++fired[0] == LoopPair.BATCH) {
                    done.complete(fired);
                }
            };
            loop.execute(() -> {
                for (int i = 0; i < LoopPair.BATCH; i++) {
                    loop.schedule(tick, 0, TimeUnit.NANOSECONDS);
                }
            });
        }
        return done.join();
    }
}
