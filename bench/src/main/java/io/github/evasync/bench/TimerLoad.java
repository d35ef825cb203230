package io.github.evasync.bench;

import io.github.evasync.Event;
import io.github.evasync.EventLoop;
import io.github.evasync.LoopOptions;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Timers at scale, for bench/timers.sh: what the loop thread spends on one-shot timers, and what
 * a pending timer holds. Not JMH: the figure is the loop thread's own CPU time
 * ({@code getCurrentThreadCpuTime} read on the loop thread by a task before and after), which a
 * throughput score from a foreign thread would not isolate.
 *
 * <pre>
 * TimerLoad cpu IMPLS NS ROUNDS       e.g. cpu evasync,netty 1e3,1e4,1e5,1e6 3
 * TimerLoad memory IMPL N             one measurement in this (fresh) JVM
 * </pre>
 *
 * <p>{@code cpu}: per round (the first a warm-up, reported as round 0) and N, the impls in turn
 * (their order alternating by round), each on its own loop for the whole run:
 * <ul>
 * <li>fire: one task on the loop schedules N one-shot timers, delays uniform in [0, 100 ms) from
 *     a fixed seed, all with the same {@code Runnable}; the last to fire reads the CPU clock.
 *     {@code sched_ns} is the scheduling task's CPU per timer, {@code fire_ns} the CPU from the
 *     start of that task to the last timer's run, per timer (scheduling included).</li>
 * <li>cancel: one task schedules N timers 10 to 20 s out, keeping their handles; a second task
 *     cancels them all (evasync {@code Event.free()}, Netty {@code future.cancel(false)}); a third
 *     reads the clock after one more turn. {@code csched_ns} and {@code cancel_ns} per timer, and
 *     {@code sc_ns}, their sum.</li>
 * </ul>
 * evasync's delays are {@code Duration}s made before the measurement (a program keeps its
 * timeouts as constants), Netty's the same values as {@code long} nanoseconds. {@code gc_ms} is
 * the collectors' time during the measurement: their threads are not the loop's, so their work
 * is not in the loop's figures; {@code proc_ns} is the whole process's CPU over the measurement
 * per timer (loop, collectors, compilers; the process clock ticks in 10 ms, so it means little
 * below N = 1e5).
 *
 * <p>{@code memory}: N timers 60 s out, the heap in use after three {@code System.gc()}, the
 * VmRSS after {@code malloc_trim(0)} and malloc's bytes in use ({@code mallinfo2}), before and
 * after; the differences per timer are {@code heap_b}, {@code native_b} and {@code malloc_b}
 * (run with {@code -XX:+AlwaysPreTouch} and {@code -Xms = -Xmx}, so that the heap is resident
 * from the start and RSS grows only by what lives outside it; {@code malloc_b} counts libevent's
 * allocations exactly, and the JVM's own meanwhile, without the page rounding of RSS). A warm-up of 100,000 timers scheduled and cancelled comes first. The handle
 * array is made before the first reading, so it is in both.
 */
public final class TimerLoad {
    private static final long FIRE_SPREAD_NS = 100_000_000L;
    private static final long CANCEL_MIN_NS = 10_000_000_000L;
    private static final long CANCEL_SPREAD_NS = 10_000_000_000L;
    private static final long MEMORY_DELAY_NS = 60_000_000_000L;
    private static final long SEED = 20L;
    private static final long TIMEOUT_S = 120;

    private TimerLoad() {
    }

    /** The one callback of every timer of a run; counts down on the loop thread. */
    static final class Tick implements Runnable {
        int left;
        CompletableFuture<Long> done;

        @Override
        public void run() {
            if (--left == 0) {
                done.complete(Os.threadCpu());
            }
        }
    }

    /** A loop under test. The schedule and cancel loops are each subclass's own, so each stays monomorphic. */
    abstract static class Impl implements AutoCloseable {
        final String name;
        final Tick tick = new Tick();

        Impl(String name) {
            this.name = name;
        }

        /** Runs {@code task} on the loop thread and waits for it. */
        abstract <T> T call(Callable<T> task) throws Exception;

        /** Loop thread: schedules {@code n} timers after {@code delays[i]} nanoseconds. */
        abstract void schedule(int n, long[] nanos, Duration[] durations);

        /** Loop thread: schedules {@code n} timers, keeping their handles in {@code keep}. */
        abstract void scheduleKeep(int n, long[] nanos, Duration[] durations, Object[] keep);

        /** Loop thread: schedules {@code n} timers all {@code nanos} out, keeping their handles. */
        abstract void scheduleKeep(int n, long nanos, Duration duration, Object[] keep);

        /** Loop thread: cancels the first {@code n} kept timers. */
        abstract void cancel(int n, Object[] keep);
    }

    static final class Evasync extends Impl {
        private final EventLoop loop = EventLoop.start(LoopOptions.defaults().daemon(true));

        Evasync() {
            super("evasync");
        }

        @Override
        <T> T call(Callable<T> task) throws Exception {
            return loop.submit(task).get(TIMEOUT_S, TimeUnit.SECONDS);
        }

        @Override
        void schedule(int n, long[] nanos, Duration[] durations) {
            EventLoop l = loop;
            Tick t = tick;
            for (int i = 0; i < n; i++) {
                l.delay(durations[i], t);
            }
        }

        @Override
        void scheduleKeep(int n, long[] nanos, Duration[] durations, Object[] keep) {
            EventLoop l = loop;
            Tick t = tick;
            for (int i = 0; i < n; i++) {
                keep[i] = l.delay(durations[i], t);
            }
        }

        @Override
        void scheduleKeep(int n, long nanos, Duration duration, Object[] keep) {
            EventLoop l = loop;
            Tick t = tick;
            for (int i = 0; i < n; i++) {
                keep[i] = l.delay(duration, t);
            }
        }

        @Override
        void cancel(int n, Object[] keep) {
            for (int i = 0; i < n; i++) {
                ((Event) keep[i]).free();
            }
        }

        @Override
        public void close() {
            loop.close();
        }
    }

    /** Netty's epoll I/O loop ({@code netty}), or its {@code DefaultEventLoop} ({@code netty-default}). */
    static final class Netty extends Impl {
        private final EventLoopGroup group;
        private final io.netty.channel.EventLoop loop;

        Netty(String name) {
            super(name);
            if (name.equals("netty")) {
                group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
                loop = group.next();
            } else {
                DefaultEventLoop d = new DefaultEventLoop();
                group = d;
                loop = d;
            }
        }

        @Override
        <T> T call(Callable<T> task) throws Exception {
            return loop.submit(task).get(TIMEOUT_S, TimeUnit.SECONDS);
        }

        @Override
        void schedule(int n, long[] nanos, Duration[] durations) {
            io.netty.channel.EventLoop l = loop;
            Tick t = tick;
            for (int i = 0; i < n; i++) {
                l.schedule(t, nanos[i], TimeUnit.NANOSECONDS);
            }
        }

        @Override
        void scheduleKeep(int n, long[] nanos, Duration[] durations, Object[] keep) {
            io.netty.channel.EventLoop l = loop;
            Tick t = tick;
            for (int i = 0; i < n; i++) {
                keep[i] = l.schedule(t, nanos[i], TimeUnit.NANOSECONDS);
            }
        }

        @Override
        void scheduleKeep(int n, long nanos, Duration duration, Object[] keep) {
            io.netty.channel.EventLoop l = loop;
            Tick t = tick;
            for (int i = 0; i < n; i++) {
                keep[i] = l.schedule(t, nanos, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        void cancel(int n, Object[] keep) {
            for (int i = 0; i < n; i++) {
                ((Future<?>) keep[i]).cancel(false);
            }
        }

        @Override
        public void close() throws InterruptedException {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    static Impl open(String name) {
        return switch (name) {
            case "evasync" -> new Evasync();
            case "netty", "netty-default" -> new Netty(name);
            default -> throw new IllegalArgumentException("impl must be evasync, netty or netty-default: " + name);
        };
    }

    /** {@code 1e6}, {@code 1000000} or {@code 1_000_000}. */
    static int count(String s) {
        double d = Double.parseDouble(s.replace("_", ""));
        if (d < 1 || d > 50_000_000) {
            throw new IllegalArgumentException("count out of range: " + s);
        }
        return (int) d;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals("cpu")) {
            List<Integer> ns = new ArrayList<>();
            for (String s : args[2].split(",")) {
                ns.add(count(s));
            }
            cpu(args[1].split(","), ns, Integer.parseInt(args[3]));
        } else if (args.length == 3 && args[0].equals("memory")) {
            memory(args[1], count(args[2]));
        } else {
            System.err.println("usage: TimerLoad cpu IMPLS NS ROUNDS | TimerLoad memory IMPL N");
            System.exit(2);
        }
        System.exit(0);
    }

    // ---- cpu ---------------------------------------------------------------------------------

    private static void cpu(String[] names, List<Integer> ns, int rounds) throws Exception {
        int max = ns.stream().mapToInt(Integer::intValue).max().orElseThrow();
        SplittableRandom random = new SplittableRandom(SEED);
        long[] fireNanos = new long[max];
        long[] cancelNanos = new long[max];
        for (int i = 0; i < max; i++) {
            fireNanos[i] = random.nextLong(FIRE_SPREAD_NS);
            cancelNanos[i] = CANCEL_MIN_NS + random.nextLong(CANCEL_SPREAD_NS);
        }
        Duration[] fireDurations = Arrays.stream(fireNanos).mapToObj(Duration::ofNanos).toArray(Duration[]::new);
        Duration[] cancelDurations = Arrays.stream(cancelNanos).mapToObj(Duration::ofNanos).toArray(Duration[]::new);
        Object[] keep = new Object[max];
        List<Impl> impls = new ArrayList<>();
        for (String name : names) {
            impls.add(open(name));
        }
        try {
            for (int round = 0; round <= rounds; round++) {
                for (int n : ns) {
                    for (int k = 0; k < impls.size(); k++) {
                        // Alternate the order by round, so neither always runs right after the other.
                        Impl impl = impls.get(round % 2 == 0 ? k : impls.size() - 1 - k);
                        fire(impl, n, round, fireNanos, fireDurations);
                        cancel(impl, n, round, cancelNanos, cancelDurations, keep);
                    }
                }
            }
        } finally {
            for (Impl impl : impls) {
                impl.close();
            }
        }
    }

    private static void fire(Impl impl, int n, int round, long[] nanos, Duration[] durations) throws Exception {
        CompletableFuture<Long> done = new CompletableFuture<>();
        long gc0 = Os.gcMillis();
        long p0 = Os.processCpu();
        long[] c = impl.call(() -> {
            impl.tick.left = n;
            impl.tick.done = done;
            long c0 = Os.threadCpu();
            impl.schedule(n, nanos, durations);
            return new long[] {c0, Os.threadCpu()};
        });
        long end = done.get(TIMEOUT_S, TimeUnit.SECONDS);
        long proc = Os.processCpu() - p0;
        long gc = Os.gcMillis() - gc0;
        System.out.printf("timers op=fire impl=%s n=%d round=%d sched_ns=%.1f fire_ns=%.1f proc_ns=%.1f gc_ms=%d%n",
                impl.name, n, round, (double) (c[1] - c[0]) / n, (double) (end - c[0]) / n, (double) proc / n, gc);
    }

    private static void cancel(Impl impl, int n, int round, long[] nanos, Duration[] durations, Object[] keep)
            throws Exception {
        long gc0 = Os.gcMillis();
        long p0 = Os.processCpu();
        long[] s = impl.call(() -> {
            impl.tick.left = Integer.MAX_VALUE; // none should fire
            long c0 = Os.threadCpu();
            impl.scheduleKeep(n, nanos, durations, keep);
            return new long[] {c0, Os.threadCpu()};
        });
        long c0 = impl.call(() -> {
            long t = Os.threadCpu();
            impl.cancel(n, keep);
            return t;
        });
        long c1 = impl.call(Os::threadCpu);
        long proc = Os.processCpu() - p0;
        long gc = Os.gcMillis() - gc0;
        Arrays.fill(keep, 0, n, null);
        double sched = (double) (s[1] - s[0]) / n;
        double cancel = (double) (c1 - c0) / n;
        System.out.printf("timers op=cancel impl=%s n=%d round=%d csched_ns=%.1f cancel_ns=%.1f sc_ns=%.1f proc_ns=%.1f"
                        + " gc_ms=%d%n", impl.name, n, round, sched, cancel, sched + cancel, (double) proc / n, gc);
    }

    // ---- memory ------------------------------------------------------------------------------

    private static void memory(String name, int n) throws Exception {
        Duration d = Duration.ofNanos(MEMORY_DELAY_NS);
        Object[] keep = new Object[n];
        try (Impl impl = open(name)) {
            int warm = Math.min(n, 100_000);
            for (int i = 0; i < 3; i++) {
                impl.call(() -> {
                    impl.scheduleKeep(warm, MEMORY_DELAY_NS, d, keep);
                    impl.cancel(warm, keep);
                    return null;
                });
            }
            Arrays.fill(keep, null);
            Os.settleHeap();
            Os.mallocTrim();
            Thread.sleep(200);
            long heap0 = Os.heapUsed();
            long rss0 = Os.rss();
            long malloc0 = Os.mallocInUse();
            impl.call(() -> {
                impl.scheduleKeep(n, MEMORY_DELAY_NS, d, keep);
                return null;
            });
            Os.settleHeap();
            Os.mallocTrim();
            Thread.sleep(200);
            long heap1 = Os.heapUsed();
            long rss1 = Os.rss();
            long malloc1 = Os.mallocInUse();
            impl.call(() -> {
                impl.cancel(n, keep);
                return null;
            });
            System.out.printf("timers op=memory impl=%s n=%d heap_b=%.1f native_b=%.1f malloc_b=%s heap0_mb=%.1f"
                            + " rss0_mb=%.1f%n",
                    name, n, (double) (heap1 - heap0) / n, (double) (rss1 - rss0) / n,
                    malloc0 < 0 || malloc1 < 0 ? "-1" : String.format("%.1f", (double) (malloc1 - malloc0) / n),
                    heap0 / 1048576.0, rss0 / 1048576.0);
        }
    }
}
