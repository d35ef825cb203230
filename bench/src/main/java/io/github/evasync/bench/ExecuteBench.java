package io.github.evasync.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tasks handed to the loop from a foreign thread with {@code execute}: evasync against Netty's
 * {@code DefaultEventLoop.execute}. A batch ends when the loop has run its last task.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ExecuteBench {
    @Benchmark
    @OperationsPerInvocation(LoopPair.BATCH)
    public Object foreignExecute(LoopPair p) {
        CompletableFuture<Object> done = new CompletableFuture<>();
        AtomicInteger ran = new AtomicInteger();
        Runnable task = () -> {
            if (ran.incrementAndGet() == LoopPair.BATCH) {
                done.complete(ran);
            }
        };
        if (p.evasync != null) {
            for (int i = 0; i < LoopPair.BATCH; i++) {
                p.evasync.execute(task);
            }
        } else {
            for (int i = 0; i < LoopPair.BATCH; i++) {
                p.netty.execute(task);
            }
        }
        return done.join();
    }
}
