package io.github.evasync.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tasks handed to the loop from foreign threads with {@code execute}: evasync against Netty's
 * epoll loop (and its {@code DefaultEventLoop}, see {@link LoopPair}), from 1, 2 and 8 producer
 * threads at once. Each producer hands over a batch and waits until the loop has run its last
 * task; the score is tasks per second, all producers together.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ExecuteBench {
    /** One producer. */
    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(LoopPair.BATCH)
    public Object foreignExecute(LoopPair p) {
        return batch(p);
    }

    /** Two producers, one per core of the benchmark machine. */
    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(LoopPair.BATCH)
    public Object foreignExecute2(LoopPair p) {
        return batch(p);
    }

    /** Eight producers: more than the cores, so producers are preempted mid-offer too. */
    @Benchmark
    @Threads(8)
    @OperationsPerInvocation(LoopPair.BATCH)
    public Object foreignExecute8(LoopPair p) {
        return batch(p);
    }

    private static Object batch(LoopPair p) {
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
