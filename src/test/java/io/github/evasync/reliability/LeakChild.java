package io.github.evasync.reliability;

import io.github.evasync.DnsError;
import io.github.evasync.Event;
import io.github.evasync.EventHandler;
import io.github.evasync.EventLoop;
import io.github.evasync.HttpRefused;
import io.github.evasync.HttpTimeout;
import io.github.evasync.LoopOptions;
import io.github.evasync.LoopStats;
import io.github.evasync.TcpEof;
import io.github.evasync.TcpError;
import io.github.evasync.TcpRefused;
import io.github.evasync.TcpTimeout;
import io.github.evasync.http.HttpClientOptions;
import io.github.evasync.http.HttpRequest;
import io.github.evasync.http.HttpRequestSpec;
import io.github.evasync.http.HttpServer;
import io.github.evasync.http.HttpServerOptions;
import io.github.evasync.internal.ffi.AllocationCounter;
import io.github.evasync.tcp.ReadCallback;
import io.github.evasync.tcp.ServerOptions;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpServer;
import io.github.evasync.tcp.TcpSocket;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The child JVM of {@link NativeLeakTest}. Every workload runs a warm-up round of {@code W}
 * units of work, settles, samples, runs {@code 10 * W} more units, settles, samples again, and
 * checks that every unit ended the way it must: each outcome a unit expects is counted once
 * ({@link Tally}), nothing unexpected happens (a condition no unit expects, a callback that
 * must not run, a unit done twice or off the loop thread). It prints one {@code RESULT} line
 * per workload for the parent to judge, and {@code FAIL} lines for what went wrong.
 *
 * <p>A sample ({@link Sample}) is libevent's live allocation count, in {@code counting} mode
 * (with {@link AllocationCounter} installed, where the byte paths of {@code FastCalls} take the
 * copying fallback), and its blocks by size; the entries of {@code /proc/self/fd}; glibc's
 * malloc total and, in {@code production} mode (the critical downcalls, as in production) run
 * with Native Memory Tracking, the part of it that the JVM does not account for.
 *
 * <p>Settling: a round is over when every unit has called its {@code done}. The loop is
 * settled once its {@link LoopStats} are back to what they were before the first round (every
 * socket, connection, event and registration of the round gone; the server side of a
 * connection closes a little after the client side) and, for the first sample, the counts have
 * stood still for {@link #STABLE_POLLS} polls; for the second, once the counts are back at or
 * below the first sample. A count still above it after {@link #SETTLE_TIMEOUT} is a leak. No
 * slack: what the second round leaves behind is compared with what the first left, exactly.
 * The one thing libevent keeps that grows with something other than leaks, a block per
 * descriptor number ever watched, is set up before the first round ({@link #warmFdMap}).
 *
 * <p>The loops workloads ({@link Loops}) make a loop per unit and close it with work in flight;
 * they sample between loops.
 */
public final class LeakChild {
    // ---- sizes: W per workload (the second round runs ROUND2_FACTOR * W), and concurrency ----
    static final int ROUND2_FACTOR = 10;
    static final int TIMERS_W = 300;
    static final int TIMERS_CONCURRENCY = 50;
    static final int ECHO_W = 100;
    static final int ECHO_CONCURRENCY = 20;
    static final int ECHO_BYTES = 4096;
    static final int ECHO_FLOW_BYTES = 256 * 1024;
    static final int REFUSED_W = 90;
    static final int REFUSED_CONCURRENCY = 30;
    static final int RESET_W = 45;
    static final int RESET_CONCURRENCY = 6;
    static final int RESET_WRITE_BYTES = 1 << 20;
    static final int TIMEOUTS_W = 40;
    static final int TIMEOUTS_CONCURRENCY = 40;
    static final Duration SHORT_TIMEOUT = Duration.ofMillis(25);
    static final Duration HEADER_TIMEOUT = Duration.ofMillis(150);
    static final int HTTP_W = 100;
    static final int HTTP_CONCURRENCY = 10;
    static final int HTTP_POST_BYTES = 10_000;
    static final int MALFORMED_W = 70;
    static final int MALFORMED_CONCURRENCY = 14;
    static final int MALFORMED_LIMIT = 1024;
    static final int THROWING_W = 70;
    static final int THROWING_CONCURRENCY = 14;
    static final int IN_FLIGHT_W = 25;
    static final int IN_FLIGHT_CONCURRENCY = 5;
    static final int IN_FLIGHT_CHUNK = 64 * 1024;
    static final int IN_FLIGHT_MAX_CHUNKS = 1024;
    static final Duration SINK_HOLD = Duration.ofMillis(50);
    static final Duration ANSWER_DELAY = Duration.ofMillis(5);
    static final int DNS_W = 200;
    static final int DNS_CONCURRENCY = 50;
    static final int LOOPS_W = 10;
    static final int LOOP_CLIENTS = 6;
    static final int LOOP_CLIENT_BYTES = 256 * 1024;
    static final int LOOP_HTTP_CALLS = 4;
    static final int LOOP_TIMERS = 50;
    static final int LOOP_DNS_LOOKUPS = 4;
    /** How long the task runs on a live loop's thread while another thread closes the loop. */
    static final Duration LOOP_BUSY_TASK = Duration.ofMillis(5);
    /** A live loop's close() that takes longer has hung. */
    static final Duration LOOP_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    /** Descriptor numbers each workload's loop watches once before its first round; see {@link #warmFdMap}. */
    static final int FD_MAP_WARMUP = 512;

    // ---- settling and deadlines ----
    static final Duration SETTLE_POLL = Duration.ofMillis(5);
    /** A first sample is taken once the counts have not moved for this many polls. */
    static final int STABLE_POLLS = 4;
    /** How long the counts may take to come back down; a count still up after this is a leak. */
    static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(8);
    /** A round that has not finished by then is reported with what it lacks, and its loop exits. */
    static final Duration ROUND_TIMEOUT = Duration.ofSeconds(20);
    /** A workload not finished by then has hung: the child prints its threads and dies (-Dleak.deadline=s). */
    static final Duration WORKLOAD_DEADLINE = Duration.ofSeconds(Long.getLong("leak.deadline", 60));

    static final boolean COUNTING = AllocationCounter.installed();
    /** For looking into a failure: -Dleak.variant=k/m runs only the units i with i % m == k. */
    static final int[] VARIANT = System.getProperty("leak.variant") == null ? null
            : Arrays.stream(System.getProperty("leak.variant").split("/")).mapToInt(Integer::parseInt).toArray();
    static final List<String> FAILURES = new ArrayList<>();
    static volatile String current = "start";
    static volatile long deadline = Long.MAX_VALUE;

    private LeakChild() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        if (mode.equals("counting") != COUNTING) {
            throw new IllegalStateException("mode " + mode + " but counting=" + COUNTING);
        }
        String dns = args[1];
        TreeSet<String> only = args.length > 2 ? new TreeSet<>(Arrays.asList(args[2].split(","))) : null;
        startWatchdog();
        // Whatever libevent and the JVM set up once (libevent's globals, classes, the JIT's
        // first compilations) is set up by a first loop, before any workload samples.
        EventLoop.run(loop -> {
            loop.delay(Duration.ofMillis(1), () -> { });
            TcpServer s = loop.tcpServer("127.0.0.1", 0, (x, d) -> x.write(d), null);
            loop.tcpConnect("127.0.0.1", s.port(), (x, d) -> {
                x.close();
                s.close();
            }, null, TcpOptions.defaults().data("warm"));
        });
        // The JDK opens a descriptor of its own the first time a java.net socket closes (the
        // pre-close socket pair of its dispatcher): open and close one of each kind now.
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket c = new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort());
             Socket a = ss.accept();
             DatagramSocket d = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            c.setSoLinger(true, 0);
            a.setSoLinger(true, 0);
            d.setSoTimeout(1);
        }
        System.out.println("MODE " + mode + " critical=" + !COUNTING + " pid=" + ProcessHandle.current().pid());
        List<Workload> all = List.of(new Timers(), new Echo(), new Refused(), new Reset(), new Timeouts(),
                new Http(), new Malformed(), new Throwing(), new InFlight(), new Dns(dns));
        for (Workload w : all) {
            if (only == null || only.contains(w.name)) {
                runInLoop(w);
            }
        }
        for (Loops l : List.of(new Loops("loops", Loops.EXITED, Loops.THROWN_OUT), new Loops("liveLoops", Loops.LIVE_CLOSED))) {
            if (only == null || only.contains(l.name)) {
                runLoops(l);
            }
        }
        System.out.println("all done");
        System.out.flush();
        System.exit(FAILURES.isEmpty() ? 0 : 1);
    }

    // ---- samples ---------------------------------------------------------------------------

    /**
     * One measurement: libevent's live blocks (-1 when not counted), entries of /proc/self/fd;
     * and in the samples that are kept (not in every poll): the bytes in use by malloc (every
     * native allocation of the process, the JVM's own included) from glibc's mallinfo2, the
     * part of them that the JVM's Native Memory Tracking does not account for (see
     * {@link #untrackedMalloc()}), and libevent's live blocks by size.
     */
    record Sample(long alloc, int fds, long mallocBytes, long untracked, Map<Long, Integer> sizes) {
        /** What settling polls: cheap. */
        static Sample quick() {
            return new Sample(COUNTING ? AllocationCounter.live() : -1, fdCount(), -1, -1, null);
        }

        /** A sample to keep. */
        static Sample full() {
            return new Sample(COUNTING ? AllocationCounter.live() : -1, fdCount(), Malloc.inUse(), untrackedMalloc(),
                    COUNTING ? AllocationCounter.liveBySize() : null);
        }

        boolean notAbove(Sample s) {
            return alloc <= s.alloc && fds <= s.fds;
        }

        @Override
        public String toString() {
            return "alloc=" + alloc + " fds=" + fds;
        }

        /** The block sizes whose count differs from {@code earlier}'s, as size:+n. */
        String sizesSince(Sample earlier) {
            if (sizes == null || earlier == null || earlier.sizes == null) {
                return "none";
            }
            TreeMap<Long, Integer> diff = new TreeMap<>();
            sizes.forEach((k, v) -> diff.merge(k, v, Integer::sum));
            earlier.sizes.forEach((k, v) -> diff.merge(k, -v, Integer::sum));
            StringBuilder sb = new StringBuilder();
            diff.forEach((k, v) -> {
                if (v != 0) {
                    sb.append(sb.isEmpty() ? "" : ",").append(k).append(':').append(v > 0 ? "+" : "").append(v);
                }
            });
            return sb.isEmpty() ? "none" : sb.toString();
        }
    }

    static int fdCount() {
        String[] names = new File("/proc/self/fd").list();
        // The listing holds the descriptor that reads it; the same in every sample.
        return names == null ? -1 : names.length;
    }

    /** glibc's mallinfo2: bytes in use in the malloc arenas plus bytes in mmapped blocks. */
    static final class Malloc {
        private static final MethodHandle MALLINFO2;
        private static final MemoryLayout INFO = MemoryLayout.structLayout(
                ValueLayout.JAVA_LONG.withName("arena"), ValueLayout.JAVA_LONG.withName("ordblks"),
                ValueLayout.JAVA_LONG.withName("smblks"), ValueLayout.JAVA_LONG.withName("hblks"),
                ValueLayout.JAVA_LONG.withName("hblkhd"), ValueLayout.JAVA_LONG.withName("usmblks"),
                ValueLayout.JAVA_LONG.withName("fsmblks"), ValueLayout.JAVA_LONG.withName("uordblks"),
                ValueLayout.JAVA_LONG.withName("fordblks"), ValueLayout.JAVA_LONG.withName("keepcost"));

        static {
            Linker l = Linker.nativeLinker();
            MALLINFO2 = l.defaultLookup().find("mallinfo2")
                    .map(a -> l.downcallHandle(a, FunctionDescriptor.of(INFO))).orElse(null);
        }

        static long inUse() {
            if (MALLINFO2 == null) {
                return -1;
            }
            try (Arena a = Arena.ofConfined()) {
                MemorySegment m = (MemorySegment) MALLINFO2.invokeExact((SegmentAllocator) a);
                return m.get(ValueLayout.JAVA_LONG, 7 * 8) + m.get(ValueLayout.JAVA_LONG, 4 * 8);
            } catch (Throwable t) {
                return -1;
            }
        }
    }

    /**
     * libevent keeps one small block (an evmap_io, 16 bytes) for each descriptor number it has
     * ever watched, for the life of the event base; event_base_free frees them. A round that
     * reaches a descriptor number no earlier round reached adds one, which is no leak: so,
     * before the first round, each workload's loop watches every number up to
     * {@link #FD_MAP_WARMUP} above those open, and the rounds (which stay below it) then add none.
     */
    static void warmFdMap(EventLoop loop) {
        int[] fds = new int[FD_MAP_WARMUP];
        Event[] events = new Event[FD_MAP_WARMUP];
        try {
            for (int i = 0; i < fds.length; i++) {
                fds[i] = (int) LibC.EVENTFD.invokeExact(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC);
                if (fds[i] < 0) {
                    throw new IllegalStateException("eventfd failed");
                }
                events[i] = loop.watchFd(fds[i], () -> { }, null, null, null);
            }
            for (int i = 0; i < fds.length; i++) {
                events[i].free();
                if ((int) LibC.CLOSE.invokeExact(fds[i]) != 0) {
                    throw new IllegalStateException("close failed");
                }
            }
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** eventfd and close, for {@link #warmFdMap}. */
    static final class LibC {
        static final int EFD_NONBLOCK = 04000;
        static final int EFD_CLOEXEC = 02000000;
        static final MethodHandle EVENTFD = Linker.nativeLinker().downcallHandle(
                Linker.nativeLinker().defaultLookup().find("eventfd").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        static final MethodHandle CLOSE = Linker.nativeLinker().downcallHandle(
                Linker.nativeLinker().defaultLookup().find("close").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    /**
     * The bytes malloc'd by no one the JVM tracks: glibc's in-use total less Native Memory
     * Tracking's malloc total (the JVM's own mallocs, arenas of java.lang.foreign included), or
     * -1 without -XX:NativeMemoryTracking. What is left is libevent's heap, plus the little that
     * other native libraries and glibc itself hold.
     */
    static long untrackedMalloc() {
        if (!NMT) {
            return -1;
        }
        try {
            // JIT compiler and GC threads malloc and free meanwhile, by the megabyte: read NMT
            // before and after mallinfo, until both readings agree.
            long best = -1;
            for (int i = 0; i < UNTRACKED_TRIES; i++) {
                long a = nmtMalloc();
                long m = Malloc.inUse();
                long b = nmtMalloc();
                if (a == b) {
                    return m - a;
                }
                best = m - (a + b) / 2;
            }
            return best;
        } catch (Exception e) {
            return -1;
        }
    }

    /** Set in a child started with -XX:NativeMemoryTracking=summary: then samples read its malloc total. */
    static final String NMT_PROPERTY = "leak.nmt";
    static final boolean NMT = Boolean.getBoolean(NMT_PROPERTY);
    static final int UNTRACKED_TRIES = 20;

    /**
     * NMT's malloc total, through the DiagnosticCommand MBean. By reflection: the tests compile
     * inside the module io.github.evasync, which does not read java.management; the child runs
     * on the class path, where it is there.
     */
    static long nmtMalloc() throws Exception {
        Object server = Class.forName("java.lang.management.ManagementFactory")
                .getMethod("getPlatformMBeanServer").invoke(null);
        Class<?> objectName = Class.forName("javax.management.ObjectName");
        Object name = objectName.getConstructor(String.class).newInstance("com.sun.management:type=DiagnosticCommand");
        String out = (String) Class.forName("javax.management.MBeanServerConnection")
                .getMethod("invoke", objectName, String.class, Object[].class, String[].class)
                .invoke(server, name, "vmNativeMemory", new Object[]{new String[]{"summary", "scale=b"}},
                        new String[]{String[].class.getName()});
        Matcher m = Pattern.compile("(?m)^\\s*malloc: (\\d+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no malloc total in " + out);
        }
        return Long.parseLong(m.group(1));
    }

    static String compact(LoopStats s) {
        return s == null ? "none" : s.openDnsQueries() + "/" + s.incomingTcpConnections() + "/"
                + s.outgoingTcpConnections() + "/" + s.incomingHttpConnections() + "/" + s.outgoingHttpConnections()
                + "/" + s.pendingEvents() + "/" + s.callbackRegistryCount() + "/" + s.dataRegistryCount();
    }

    // ---- bookkeeping -----------------------------------------------------------------------

    /** What a round expects to happen and what did; thread-safe (peers count from their threads). */
    static final class Tally {
        final Map<String, AtomicInteger> expected = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> got = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> total = new ConcurrentHashMap<>();
        final Queue<String> unexpected = new ConcurrentLinkedQueue<>();
        final AtomicInteger unexpectedCount = new AtomicInteger();

        void expect(String k) {
            expected.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
        }

        void got(String k) {
            got.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
            total.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
        }

        /** Counts something that may or may not happen (a race the workload allows); reported, not checked. */
        void note(String k) {
            total.computeIfAbsent("~" + k, x -> new AtomicInteger()).incrementAndGet();
        }

        void unexpected(String what, Throwable t) {
            if (unexpectedCount.incrementAndGet() <= 10) {
                StringBuilder sb = new StringBuilder(what);
                if (t != null) {
                    sb.append(": ").append(t);
                    for (StackTraceElement e : t.getStackTrace()) {
                        sb.append("\n        at ").append(e);
                    }
                    if (t.getCause() != null) {
                        sb.append("\n    caused by ").append(t.getCause());
                    }
                }
                unexpected.add(sb.toString());
            }
        }

        /** Mismatches of this round; then starts the next round from zero. */
        List<String> verifyAndReset() {
            List<String> out = new ArrayList<>();
            TreeSet<String> keys = new TreeSet<>(expected.keySet());
            keys.addAll(got.keySet());
            for (String k : keys) {
                int e = expected.getOrDefault(k, new AtomicInteger()).get();
                int g = got.getOrDefault(k, new AtomicInteger()).get();
                if (e != g) {
                    out.add(k + ": expected " + e + ", got " + g);
                }
            }
            int n = unexpectedCount.getAndSet(0);
            if (n > 0) {
                out.add(n + " unexpected: " + String.join("\n    ", unexpected));
            }
            unexpected.clear();
            expected.clear();
            got.clear();
            return out;
        }

        String totals() {
            StringBuilder sb = new StringBuilder();
            new TreeMap<>(total).forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ",").append(k).append(':').append(v));
            return sb.isEmpty() ? "none" : sb.toString();
        }
    }

    /** Calls {@code done} on the {@code n}-th {@code down}; loop thread only. */
    static final class Countdown {
        private int left;
        private final Runnable done;

        Countdown(int n, Runnable done) {
            this.left = n;
            this.done = done;
        }

        void down() {
            left--;
            if (left == 0) {
                done.run();
            }
        }
    }

    /** A workload that lives in one loop for both rounds. */
    abstract static class Workload {
        final String name;
        final int w;
        final int concurrency;
        final Tally t = new Tally();

        Workload(String name, int w, int concurrency) {
            this.name = name;
            this.w = w;
            this.concurrency = concurrency;
        }

        LoopOptions options() {
            return LoopOptions.defaults();
        }

        /** Servers and peers that live through both rounds; on the loop thread. */
        void open(EventLoop loop) throws Exception {
        }

        /** Starts unit {@code i} of a round; {@code done} runs on the loop thread when it is over. */
        abstract void unit(EventLoop loop, int i, Runnable done);

        /** Ends what the round left on purpose (idle keep-alive connections) before settling. */
        void quiesce(EventLoop loop) {
        }

        /** Closes what {@link #open} made; on the loop thread, after the last sample. */
        void close(EventLoop loop) {
        }

        /** Closes peers that live off the loop; after the loop has ended. */
        void closeOutside() throws Exception {
        }

        /** A handler for a unit that expects no condition at all. */
        EventHandler none(String where) {
            return ev -> t.unexpected(name + " " + where + ": condition", ev);
        }

        Runnable never(String where) {
            return () -> t.unexpected(name + " " + where + " ran", null);
        }
    }

    static final class Result {
        final String name;
        final long t0 = System.nanoTime();
        Sample before;
        Sample warm;
        Sample after;
        Sample closed;
        long peakAlloc = -1;
        LoopStats s0;
        LoopStats statsWarm;
        LoopStats statsAfter;
        boolean settledWarm;
        boolean settledAfter;
        int units;
        final List<String> failures = new ArrayList<>();

        Result(String name) {
            this.name = name;
        }

        void peak() {
            if (COUNTING) {
                peakAlloc = Math.max(peakAlloc, AllocationCounter.live());
            }
        }

        void print(Workload w, int wUnits) {
            System.out.printf("RESULT name=%s W=%d units=%d failures=%d settledWarm=%s settledAfter=%s"
                            + " alloc.before=%d alloc.warm=%d alloc.peak=%d alloc.after=%d alloc.closed=%d"
                            + " sizes.afterVsWarm=%s sizes.closedVsBefore=%s"
                            + " fd.before=%d fd.warm=%d fd.after=%d fd.closed=%d"
                            + " malloc.warm=%d malloc.after=%d untracked.warm=%d untracked.after=%d"
                            + " stats.s0=%s stats.warm=%s stats.after=%s counts=%s ms=%d%n",
                    name, wUnits, units, failures.size(), settledWarm, settledAfter,
                    v(before, Sample::alloc), v(warm, Sample::alloc), peakAlloc, v(after, Sample::alloc), v(closed, Sample::alloc),
                    after == null ? "none" : after.sizesSince(warm), closed == null ? "none" : closed.sizesSince(before),
                    v(before, Sample::fds), v(warm, Sample::fds), v(after, Sample::fds), v(closed, Sample::fds),
                    v(warm, Sample::mallocBytes), v(after, Sample::mallocBytes),
                    v(warm, Sample::untracked), v(after, Sample::untracked),
                    compact(s0), compact(statsWarm), compact(statsAfter), w.t.totals(),
                    (System.nanoTime() - t0) / 1_000_000);
            for (String f : failures) {
                System.out.println("FAIL " + name + ": " + f);
                FAILURES.add(name + ": " + f);
            }
            System.out.flush();
        }

        private static long v(Sample s, ToLongFunction<Sample> f) {
            return s == null ? -2 : f.applyAsLong(s);
        }
    }

    static void runInLoop(Workload w) {
        current = w.name;
        deadline = System.nanoTime() + WORKLOAD_DEADLINE.toNanos();
        Result r = new Result(w.name);
        r.before = Sample.full();
        LoopOptions o = w.options().uncaughtHandler(e -> w.t.unexpected("uncaught", e));
        try {
            EventLoop.run(o, loop -> {
                warmFdMap(loop);
                try {
                    w.open(loop);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                // Stats are read in a timer callback, always: the same counts include the timer.
                loop.delay(SETTLE_POLL, () -> {
                    r.s0 = loop.stats();
                    round(loop, w, r, w.w, () -> settle(loop, w, r, null, warm -> {
                        r.warm = warm;
                        r.statsWarm = loop.stats();
                        round(loop, w, r, ROUND2_FACTOR * w.w, () -> settle(loop, w, r, warm, after -> {
                            r.after = after;
                            r.statsAfter = loop.stats();
                            w.close(loop);
                        }));
                    }));
                });
            });
        } catch (Throwable e) {
            r.failures.add("the loop ended with " + stack(e));
        }
        if (r.after == null) {
            r.failures.add("the loop ended after " + r.units + " of " + (1 + ROUND2_FACTOR) * w.w + " units");
        }
        try {
            w.closeOutside();
        } catch (Exception e) {
            r.failures.add("closing peers: " + stack(e));
        }
        r.closed = Sample.full();
        r.failures.addAll(w.t.verifyAndReset());
        r.print(w, w.w);
    }

    static String stack(Throwable e) {
        StringWriter sw = new StringWriter();
        e.printStackTrace(new PrintWriter(sw));
        return sw.toString();
    }

    /**
     * Runs {@code units} units, at most {@code w.concurrency} at a time, then {@code finished}.
     * A round still short of units after {@link #ROUND_TIMEOUT} is reported and ends the loop.
     */
    static void round(EventLoop loop, Workload w, Result r, int units, Runnable finished) {
        int[] next = {0};
        int[] ended = {0};
        Event stuck = loop.delay(ROUND_TIMEOUT, () -> {
            r.failures.add("a round of " + units + " units was stuck after " + ROUND_TIMEOUT.toSeconds() + " s: "
                    + ended[0] + " done, " + next[0] + " started; " + w.t.verifyAndReset() + "\n" + loop.dumpStatus());
            loop.exit();
        });
        Runnable[] start = new Runnable[1];
        start[0] = () -> {
            if (next[0] >= units) {
                return;
            }
            int i = next[0]++;
            boolean[] once = {false};
            Runnable done = () -> {
                if (!loop.inLoop()) {
                    w.t.unexpected("unit " + i + " done off the loop thread", new Throwable());
                }
                if (once[0]) {
                    w.t.unexpected("unit " + i + " done twice", new Throwable());
                    return;
                }
                once[0] = true;
                r.units++;
                r.peak();
                if (++ended[0] == units) {
                    stuck.free();
                    finished.run();
                } else {
                    loop.execute(start[0]);
                }
            };
            w.unit(loop, VARIANT == null ? i : i * VARIANT[1] + VARIANT[0], done);
        };
        for (int i = 0; i < Math.min(units, w.concurrency); i++) {
            start[0].run();
        }
    }

    /**
     * Waits for the loop to settle (see the class comment), then hands the sample on. With
     * {@code limit} null: stats back to s0 and the counts still for {@link #STABLE_POLLS} polls.
     * Else: stats back to s0 and the counts at or below {@code limit}.
     */
    static void settle(EventLoop loop, Workload w, Result r, Sample limit, Consumer<Sample> then) {
        w.quiesce(loop);
        long end = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        Sample[] last = {null};
        int[] still = {0};
        Runnable[] poll = new Runnable[1];
        poll[0] = () -> {
            LoopStats s = loop.stats();
            Sample m = Sample.quick();
            boolean idle = s.equals(r.s0);
            boolean ok;
            if (limit == null) {
                still[0] = idle && last[0] != null && last[0].alloc() == m.alloc() && last[0].fds() == m.fds()
                        ? still[0] + 1 : 0;
                ok = still[0] >= STABLE_POLLS;
            } else {
                ok = idle && m.notAbove(limit);
            }
            last[0] = m;
            boolean late = System.nanoTime() - end > 0;
            if (ok || late) {
                if (limit == null) {
                    r.settledWarm = ok;
                } else {
                    r.settledAfter = ok;
                }
                Sample kept = Sample.full();
                if (!ok) {
                    r.failures.add("not settled after " + SETTLE_TIMEOUT.toMillis() + " ms: stats " + compact(s)
                            + " (before the first round " + compact(r.s0) + "), " + kept
                            + (limit == null ? "" : " above " + limit + "; blocks by size: " + kept.sizesSince(limit))
                            + "\n" + loop.dumpStatus());
                }
                r.failures.addAll(prefix("round " + (limit == null ? "1 (W)" : "2 (" + ROUND2_FACTOR + "W)") + ": ",
                        w.t.verifyAndReset()));
                then.accept(kept);
            } else {
                loop.delay(SETTLE_POLL, poll[0]);
            }
        };
        loop.delay(SETTLE_POLL, poll[0]);
    }

    static List<String> prefix(String p, List<String> l) {
        List<String> out = new ArrayList<>();
        for (String s : l) {
            out.add(p + s);
        }
        return out;
    }

    static void startWatchdog() {
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                if (System.nanoTime() - deadline > 0) {
                    System.out.println("FAIL " + current + ": hung for " + WORKLOAD_DEADLINE.toSeconds() + " s; threads:");
                    Thread.getAllStackTraces().forEach((th, st) -> {
                        System.out.println("  " + th);
                        for (StackTraceElement e : st) {
                            System.out.println("      at " + e);
                        }
                    });
                    System.out.flush();
                    Runtime.getRuntime().halt(3);
                }
            }
        }, "leak-watchdog");
        t.setDaemon(true);
        t.start();
    }

    static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    static String ascii(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** The status code of the first response in {@code raw}, or -1. */
    static int status(String raw) {
        if (raw.startsWith("HTTP/1.1 ") && raw.length() >= 12) {
            try {
                return Integer.parseInt(raw.substring(9, 12));
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    // ---- workloads -------------------------------------------------------------------------

    /** Timers in every state: fired, pending then freed, freed twice, stopped in their own callback, activated. */
    static final class Timers extends Workload {
        Timers() {
            super("timers", TIMERS_W, TIMERS_CONCURRENCY);
        }

        @Override
        void unit(EventLoop loop, int i, Runnable done) {
            Countdown cd = new Countdown(3, done);
            t.expect("fired");
            loop.delay(Duration.ofMillis(i % 3), () -> {
                t.got("fired");
                cd.down();
            });
            loop.delay(Duration.ofSeconds(60), never("a freed timer")).free();
            Event twice = loop.makeEvent(never("a twice-freed event"));
            twice.add(Duration.ofSeconds(60));
            twice.free();
            twice.free();
            Event removed = loop.makeEvent(never("a removed event"));
            removed.add(Duration.ofMillis(1));
            removed.remove();
            removed.free();
            t.expect("intervalStopped");
            Event[] iv = new Event[1];
            int[] ticks = {0};
            iv[0] = loop.interval(Duration.ofMillis(1), () -> {
                if (++ticks[0] == 2) {
                    iv[0].free();
                    t.got("intervalStopped");
                    cd.down();
                } else if (ticks[0] > 2) {
                    t.unexpected("a freed interval ticked", null);
                }
            });
            t.expect("activated");
            Event[] a = new Event[1];
            a[0] = loop.makeEvent(() -> {
                a[0].free();
                t.got("activated");
                cd.down();
            });
            a[0].activate();
        }
    }

    /**
     * Echo round trips: copying and zero-copy servers, byte[], direct ByteBuffer and write
     * callbacks, close and closeNow, and flow control past the high watermark with onDrain.
     */
    static final class Echo extends Workload {
        TcpServer copying;
        TcpServer zeroCopy;

        Echo() {
            super("echo", ECHO_W, ECHO_CONCURRENCY);
        }

        @Override
        void open(EventLoop loop) {
            EventHandler server = ev -> {
                if (ev instanceof TcpEof) {
                    t.got("serverEof");
                } else {
                    t.unexpected("echo server", ev);
                }
            };
            copying = loop.tcpServer("127.0.0.1", 0, (s, d) -> s.write(d), server);
            zeroCopy = loop.tcpServer("127.0.0.1", 0, ReadCallback.ofBuffer((s, b) -> s.write(b)), server);
        }

        @Override
        void unit(EventLoop loop, int i, Runnable done) {
            int variant = i % 4;
            byte[] payload = pattern(variant == 3 ? ECHO_FLOW_BYTES : ECHO_BYTES, i);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            t.expect("echoed");
            t.expect("serverEof");
            Countdown cd = new Countdown(variant == 2 ? 2 : 1, done);
            int port = i % 2 == 0 ? copying.port() : zeroCopy.port();
            TcpOptions o = TcpOptions.defaults();
            if (variant == 2) {
                t.expect("writeCallback");
                o = o.data(payload).writeCallback(s -> {
                    t.got("writeCallback");
                    cd.down();
                });
            }
            TcpSocket c = loop.tcpConnect("127.0.0.1", port, (s, d) -> {
                got.writeBytes(d);
                if (got.size() >= payload.length) {
                    if (Arrays.equals(got.toByteArray(), payload)) {
                        t.got("echoed");
                    } else {
                        t.unexpected("echo " + i + " came back different", null);
                    }
                    if (variant == 1) {
                        s.closeNow();
                    } else {
                        s.close();
                    }
                    cd.down();
                }
            }, none("echo client"), o);
            switch (variant) {
                case 0 -> c.write(payload);
                case 1 -> {
                    ByteBuffer direct = ByteBuffer.allocateDirect(payload.length);
                    direct.put(payload).flip();
                    c.write(direct);
                }
                case 3 -> {
                    c.setWriteWatermarks(ECHO_FLOW_BYTES / 16, ECHO_FLOW_BYTES / 8);
                    int[] off = {0};
                    Runnable pushMore = () -> {
                        while (off[0] < payload.length) {
                            int n = Math.min(8192, payload.length - off[0]);
                            boolean more = c.write(Arrays.copyOfRange(payload, off[0], off[0] + n));
                            off[0] += n;
                            if (!more) {
                                return;
                            }
                        }
                    };
                    c.onDrain(pushMore);
                    pushMore.run();
                }
                default -> { }
            }
        }

        @Override
        void close(EventLoop loop) {
            copying.close();
            zeroCopy.close();
        }
    }

    /** Connections refused: TCP, HTTP callback and HTTP future, to a port bound but not listening. */
    static final class Refused extends Workload {
        Socket bound;
        int port;

        Refused() {
            super("refused", REFUSED_W, REFUSED_CONCURRENCY);
        }

        @Override
        void open(EventLoop loop) throws Exception {
            bound = new Socket();
            bound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = bound.getLocalPort();
        }

        @Override
        void unit(EventLoop loop, int i, Runnable done) {
            switch (i % 3) {
                case 0 -> {
                    t.expect("tcpRefused");
                    loop.tcpConnect("127.0.0.1", port, (s, d) -> t.unexpected("refused read", null), ev -> {
                        if (ev instanceof TcpRefused) {
                            t.got("tcpRefused");
                        } else {
                            t.unexpected("tcp refused", ev);
                        }
                        done.run();
                    }, TcpOptions.defaults().data("queued before the refusal"));
                }
                case 1 -> {
                    t.expect("httpRefused");
                    loop.httpClient("http://127.0.0.1:" + port + "/", (st, h, b) -> {
                        t.unexpected("a refused request answered " + st, null);
                        done.run();
                    }, ev -> {
                        if (ev instanceof HttpRefused) {
                            t.got("httpRefused");
                        } else {
                            t.unexpected("http refused", ev);
                        }
                        done.run();
                    });
                }
                default -> {
                    t.expect("futureRefused");
                    loop.http(HttpRequestSpec.get("http://127.0.0.1:" + port + "/x")).whenComplete((res, err) -> {
                        Throwable cause = err instanceof CompletionException ? err.getCause() : err;
                        if (cause instanceof HttpRefused) {
                            t.got("futureRefused");
                        } else {
                            t.unexpected("future refused: " + res, cause);
                        }
                        if (loop.inLoop()) {
                            done.run();
                        } else {
                            loop.execute(done);
                        }
                    });
                }
            }
        }

        @Override
        void quiesce(EventLoop loop) {
            loop.closeIdleHttpConnections();
        }

        @Override
        void closeOutside() throws Exception {
            bound.close();
        }
    }

    /**
     * Peers that reset (SO_LINGER 0) from plain java.net sockets: evasync clients with nothing
     * and with a megabyte queued, and an evasync server whose client resets.
     */
    static final class Reset extends Workload {
        ServerSocket peer;
        Thread acceptor;
        ExecutorService clients;
        TcpServer server;

        Reset() {
            super("reset", RESET_W, RESET_CONCURRENCY);
        }

        @Override
        void open(EventLoop loop) throws Exception {
            peer = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
            acceptor = new Thread(() -> {
                while (!peer.isClosed()) {
                    try (Socket s = peer.accept()) {
                        s.setSoTimeout(5000);
                        if (s.getInputStream().read() < 0) {
                            t.unexpected("reset peer: eof before the first byte", null);
                        }
                        s.setSoLinger(true, 0);
                    } catch (java.net.SocketException closed) {
                        if (!peer.isClosed()) {
                            t.unexpected("reset peer", closed);
                        }
                    } catch (Exception e) {
                        t.unexpected("reset peer", e);
                    }
                }
            }, "reset-peer");
            acceptor.start();
            clients = Executors.newFixedThreadPool(2);
            server = loop.tcpServer("127.0.0.1", 0, (s, d) -> s.write(d), ev -> {
                if (ev instanceof TcpError e && e.errcode() == 104) {
                    t.got("serverSawReset");
                } else {
                    t.unexpected("reset server", ev);
                }
            });
        }

        @Override
        void unit(EventLoop loop, int i, Runnable done) {
            switch (i % 3) {
                case 0, 1 -> {
                    boolean writing = i % 3 == 1;
                    String key = writing ? "resetWhileWriting" : "reset";
                    t.expect(key);
                    TcpSocket c = loop.tcpConnect("127.0.0.1", peer.getLocalPort(), (s, d) -> t.unexpected("reset read", null), ev -> {
                        // ECONNRESET (104), or EPIPE (32) when a write meets the reset first.
                        if (ev instanceof TcpError e && (e.errcode() == 104 || (writing && e.errcode() == 32))) {
                            t.got(key);
                        } else {
                            t.unexpected(key, ev);
                        }
                        done.run();
                    }, TcpOptions.defaults().data("x"));
                    if (writing) {
                        c.write(new byte[RESET_WRITE_BYTES]);
                    }
                }
                default -> {
                    t.expect("peerDone");
                    t.expect("serverSawReset");
                    int port = server.port();
                    clients.execute(() -> {
                        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                            s.setSoTimeout(5000);
                            s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                            byte[] back = s.getInputStream().readNBytes(5);
                            if (!"hello".equals(new String(back, StandardCharsets.US_ASCII))) {
                                t.unexpected("reset client read " + Arrays.toString(back), null);
                            }
                            s.setSoLinger(true, 0);
                        } catch (Exception e) {
                            t.unexpected("reset client", e);
                        }
                        t.got("peerDone");
                        loop.execute(done);
                    });
                }
            }
        }

        @Override
        void close(EventLoop loop) {
            server.close();
        }

        @Override
        void closeOutside() throws Exception {
            peer.close();
            acceptor.join(5000);
            clients.shutdown();
            clients.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Timeouts: a client's read timeout, a server socket's read timeout, the HTTP client's
     * timeout against a server that never answers, and the HTTP server's header timeout (408).
     */
    static final class Timeouts extends Workload {
        TcpServer silent;
        TcpServer impatient;
        HttpServer mute;
        HttpServer strict;

        Timeouts() {
            super("timeouts", TIMEOUTS_W, TIMEOUTS_CONCURRENCY);
        }

        @Override
        void open(EventLoop loop) {
            silent = loop.tcpServer("127.0.0.1", 0, (s, d) -> { }, ev -> {
                if (ev instanceof TcpEof) {
                    t.got("silentServerEof");
                } else {
                    t.unexpected("silent server", ev);
                }
            });
            impatient = loop.tcpServer("127.0.0.1", 0, (s, d) -> { }, ev -> {
                if (ev instanceof TcpTimeout) {
                    t.got("serverTimeout");
                } else {
                    t.unexpected("impatient server", ev);
                }
            }, ServerOptions.defaults().connectCallback(s -> s.setTimeouts(SHORT_TIMEOUT, null)));
            // Whether the request reaches the handler before the client's timeout is a race.
            mute = loop.httpServer("127.0.0.1", 0, req -> t.note("unanswered"), none("mute http server"));
            strict = loop.httpServer("127.0.0.1", 0, req -> t.unexpected("a partial head was dispatched", null),
                    none("strict http server"), HttpServerOptions.defaults().headerTimeout(HEADER_TIMEOUT));
        }

        @Override
        void unit(EventLoop loop, int i, Runnable done) {
            switch (i % 4) {
                case 0 -> {
                    t.expect("clientTimeout");
                    t.expect("silentServerEof");
                    loop.tcpConnect("127.0.0.1", silent.port(), null, ev -> {
                        if (ev instanceof TcpTimeout) {
                            t.got("clientTimeout");
                        } else {
                            t.unexpected("client read timeout", ev);
                        }
                        done.run();
                    }, TcpOptions.defaults().data("hi").readTimeout(SHORT_TIMEOUT));
                }
                case 1 -> {
                    t.expect("serverTimeout");
                    t.expect("eofAfterServerTimeout");
                    loop.tcpConnect("127.0.0.1", impatient.port(), null, ev -> {
                        if (ev instanceof TcpEof) {
                            t.got("eofAfterServerTimeout");
                        } else {
                            t.unexpected("client of the impatient server", ev);
                        }
                        done.run();
                    });
                }
                case 2 -> {
                    t.expect("httpTimeout");
                    loop.httpClient("http://127.0.0.1:" + mute.port() + "/", (st, h, b) -> {
                        t.unexpected("the mute server answered " + st, null);
                        done.run();
                    }, ev -> {
                        if (ev instanceof HttpTimeout) {
                            t.got("httpTimeout");
                        } else {
                            t.unexpected("http timeout", ev);
                        }
                        done.run();
                    }, HttpClientOptions.defaults().timeout(SHORT_TIMEOUT));
                }
                default -> {
                    // A 408 once the partial head has been read; if the timer fires before the
                    // loop got to read it, the server closes with the bytes unread: a reset.
                    t.expect("headerTimeout");
                    StringBuilder raw = new StringBuilder();
                    loop.tcpConnect("127.0.0.1", strict.port(), (s, d) -> raw.append(ascii(d)), ev -> {
                        if (ev instanceof TcpEof && status(raw.toString()) == 408) {
                            t.got("headerTimeout");
                            t.note("408");
                        } else if (ev instanceof TcpError e && e.errcode() == 104 && raw.isEmpty()) {
                            t.got("headerTimeout");
                            t.note("resetBeforeTheHeadWasRead");
                        } else {
                            t.unexpected("header timeout: " + raw, ev);
                        }
                        done.run();
                    }, TcpOptions.defaults().data("GET / HTTP/1.1\r\nHost: x\r\n"));
                }
            }
        }

        @Override
        void close(EventLoop loop) {
            silent.close();
            impatient.close();
            mute.close();
            strict.close();
        }
    }

    /** HTTP that works: keep-alive, Connection: close, POST bodies, chunked answers, answers from a timer, futures. */
    static final class Http extends Workload {
        HttpServer server;
        final byte[] post = pattern(HTTP_POST_BYTES, 7);

        Http() {
            super("http", HTTP_W, HTTP_CONCURRENCY);
        }

        @Override
        void open(EventLoop loop) {
            server = loop.httpServer("127.0.0.1", 0, this::serve, none("http server"));
        }

        private void serve(HttpRequest req) {
            switch (req.resource()) {
                case "/hello" -> req.respond(200, Map.of("Content-Type", "text/plain"), "hello " + req.queryString());
                case "/echo" -> req.respond(200, null, req.body());
                case "/chunked" -> {
                    req.startChunked(200, Map.of("Content-Type", "text/plain"));
                    req.chunk("one ".getBytes(StandardCharsets.US_ASCII));
                    req.chunk("two ".getBytes(StandardCharsets.US_ASCII));
                    req.chunk("three".getBytes(StandardCharsets.US_ASCII));
                    req.end();
                }
                case "/later" -> EventLoop.current().delay(Duration.ofMillis(1), () -> req.respond(200, null, "later"));
                default -> req.respond(404, null, "no");
            }
        }

        @Override
        void unit(EventLoop loop, int i, Runnable done) {
            String base = "http://127.0.0.1:" + server.port();
            t.expect("ok");
            int variant = i % 5;
            if (variant == 4) {
                loop.http(HttpRequestSpec.get(base + "/later")).whenComplete((res, err) -> {
                    if (err == null && res.status() == 200 && res.bodyText().equals("later")) {
                        t.got("ok");
                    } else {
                        t.unexpected("future " + res, err);
                    }
                    loop.execute(done);
                });
                return;
            }
            String url;
            byte[] want;
            HttpClientOptions o = HttpClientOptions.defaults();
            switch (variant) {
                case 0 -> {
                    url = base + "/hello?" + i;
                    want = ("hello " + i).getBytes(StandardCharsets.US_ASCII);
                }
                case 1 -> {
                    url = base + "/hello?" + i;
                    want = ("hello " + i).getBytes(StandardCharsets.US_ASCII);
                    o = o.header("Connection", "close");
                }
                case 2 -> {
                    url = base + "/echo";
                    want = post;
                    o = o.method("POST").body(post);
                }
                default -> {
                    url = base + "/chunked";
                    want = "one two three".getBytes(StandardCharsets.US_ASCII);
                }
            }
            loop.httpClient(url, (st, h, b) -> {
                if (st == 200 && Arrays.equals(b, want)) {
                    t.got("ok");
                } else {
                    t.unexpected("http " + url + " gave " + st + " " + b.length + " bytes", null);
                }
                done.run();
            }, ev -> {
                t.unexpected("http " + url, ev);
                done.run();
            }, o);
        }

        @Override
        void quiesce(EventLoop loop) {
            loop.closeIdleHttpConnections();
        }

        @Override
        void close(EventLoop loop) {
            server.close();
        }
    }

    /** Malformed requests to the HTTP server: each gets its 4xx and a closed connection. */
    static final class Malformed extends Workload {
        static final String BIG = "a".repeat(2 * MALFORMED_LIMIT);
        /** Request bytes and the statuses that must come back, in order. */
        static final List<Map.Entry<String, String>> CASES = List.of(
                Map.entry("GARBAGE\r\n\r\n", "400"),
                Map.entry("GET / HTTP/1.1\r\nHost x\r\n\r\n", "400"),
                Map.entry("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", "400"),
                Map.entry("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n", "400"),
                Map.entry("GET / HTTP/1.1\r\nHost: x\r\nBad\u0000Name: y\r\n\r\n", "400"),
                Map.entry("GET / HTTP/1.1\r\nHost: x\r\nX: " + BIG + "\r\n\r\n", "431"),
                Map.entry("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + 4 * MALFORMED_LIMIT + "\r\n\r\n", "413"),
                Map.entry("GET / HTTP/1.1\r\nHost: x\r\n\r\nBAD REQUEST LINE\r\n\r\n", "200,400"));
        HttpServer server;

        Malformed() {
            super("malformed", MALFORMED_W, MALFORMED_CONCURRENCY);
        }

        @Override
        void open(EventLoop loop) {
            server = loop.httpServer("127.0.0.1", 0, req -> req.respond(200, null, "fine"), none("malformed server"),
                    HttpServerOptions.defaults().maxHeaderBytes(MALFORMED_LIMIT).maxBodyBytes(MALFORMED_LIMIT));
        }

        @Override
        void unit(EventLoop loop, int i, Runnable done) {
            Map.Entry<String, String> c = CASES.get(i % CASES.size());
            String key = "status" + c.getValue().replace(',', '+');
            t.expect(key);
            StringBuilder raw = new StringBuilder();
            loop.tcpConnect("127.0.0.1", server.port(), (s, d) -> raw.append(ascii(d)), ev -> {
                String got = statuses(raw.toString());
                if (ev instanceof TcpEof && got.equals(c.getValue())) {
                    t.got(key);
                } else {
                    t.unexpected("malformed case " + i % CASES.size() + " got statuses " + got + ": " + raw, ev);
                }
                done.run();
            }, TcpOptions.defaults().data(c.getKey().getBytes(StandardCharsets.ISO_8859_1)));
        }

        static String statuses(String raw) {
            List<String> out = new ArrayList<>();
            for (int at = raw.indexOf("HTTP/1.1 "); at >= 0; at = raw.indexOf("HTTP/1.1 ", at + 1)) {
                out.add(raw.substring(at + 9, Math.min(raw.length(), at + 12)));
            }
            return String.join(",", out);
        }

        @Override
        void close(EventLoop loop) {
            server.close();
        }
    }

    /** Thrown by application callbacks; carries the unit's countdown to the handler that catches it. */
    static final class Boom extends RuntimeException {
        final String where;
        final transient Runnable done;

        Boom(String where, Runnable done) {
            super("boom in " + where, null, false, false);
            this.where = where;
            this.done = done;
        }
    }

    /** Callbacks of every kind throw, with catchAppErrors(true): each Boom reaches its handler once. */
    static final class Throwing extends Workload {
        TcpServer echo;
        HttpServer http;

        Throwing() {
            super("throwing", THROWING_W, THROWING_CONCURRENCY);
        }

        @Override
        LoopOptions options() {
            return LoopOptions.defaults().catchAppErrors(true).defaultEventHandler(this::caught);
        }

        void caught(Exception ev) {
            if (ev instanceof Boom b) {
                t.got(b.where);
                b.done.run();
            } else {
                t.unexpected("throwing: default handler", ev);
            }
        }

        @Override
        void open(EventLoop loop) {
            echo = loop.tcpServer("127.0.0.1", 0, (s, d) -> s.write(d), ev -> {
                if (!(ev instanceof TcpEof)) {
                    t.unexpected("throwing: echo server", ev);
                }
            });
            http = loop.httpServer("127.0.0.1", 0, req -> {
                if (req.resource().equals("/throw")) {
                    throw new Boom("httpHandler", () -> { });
                }
                req.respond(200, null, "ok");
            }, this::caught);
        }

        @Override
        void unit(EventLoop loop, int i, Runnable done) {
            String base = "http://127.0.0.1:" + http.port();
            switch (i % 7) {
                case 0 -> {
                    t.expect("timer");
                    loop.delay(Duration.ofMillis(i % 2), () -> {
                        throw new Boom("timer", done);
                    });
                }
                case 1 -> {
                    t.expect("read");
                    loop.tcpConnect("127.0.0.1", echo.port(), (s, d) -> {
                        s.close();
                        throw new Boom("read", done);
                    }, this::caught, TcpOptions.defaults().data("hi"));
                }
                case 2 -> {
                    t.expect("httpHandler");
                    t.expect("got500");
                    loop.httpClient(base + "/throw", (st, h, b) -> {
                        if (st == 500) {
                            t.got("got500");
                        } else {
                            t.unexpected("a throwing handler gave " + st, null);
                        }
                        done.run();
                    }, ev -> {
                        t.unexpected("throwing handler: client", ev);
                        done.run();
                    });
                }
                case 3 -> {
                    t.expect("httpClientCallback");
                    loop.httpClient(base + "/ok", (st, h, b) -> {
                        throw new Boom("httpClientCallback", done);
                    }, this::caught);
                }
                case 4 -> {
                    t.expect("connect");
                    loop.tcpConnect("127.0.0.1", echo.port(), null, this::caught, TcpOptions.defaults().connectCallback(s -> {
                        s.close();
                        throw new Boom("connect", done);
                    }));
                }
                case 5 -> {
                    t.expect("write");
                    TcpSocket c = loop.tcpConnect("127.0.0.1", echo.port(), null, this::caught);
                    c.write("hi", s -> {
                        s.close();
                        throw new Boom("write", done);
                    });
                }
                default -> {
                    // An interval that throws goes on ticking.
                    t.expect("interval");
                    t.expect("intervalSurvived");
                    Event[] iv = new Event[1];
                    int[] ticks = {0};
                    iv[0] = loop.interval(Duration.ofMillis(1), () -> {
                        if (++ticks[0] == 1) {
                            throw new Boom("interval", () -> { });
                        }
                        iv[0].free();
                        t.got("intervalSurvived");
                        done.run();
                    });
                }
            }
        }

        @Override
        void quiesce(EventLoop loop) {
            loop.closeIdleHttpConnections();
        }

        @Override
        void close(EventLoop loop) {
            echo.close();
            http.close();
        }
    }

    /**
     * Closing with work in flight: closeNow with a megabyte queued (and a write callback that
     * must never run), close with a write timeout against a peer that does not read, an HTTP
     * server closed while pipelined answers are pending, a TCP server closed under a live
     * connection.
     */
    static final class InFlight extends Workload {
        TcpServer sink;
        final byte[] chunk = new byte[IN_FLIGHT_CHUNK];

        InFlight() {
            super("inflight", IN_FLIGHT_W, IN_FLIGHT_CONCURRENCY);
        }

        @Override
        void open(EventLoop loop) {
            // Reads nothing for SINK_HOLD, then reads and discards until the peer is gone.
            sink = loop.tcpServer("127.0.0.1", 0, (s, d) -> { }, ev -> {
                if (ev instanceof TcpEof || (ev instanceof TcpError e && e.errcode() == 104)) {
                    t.got("sinkEnded");
                } else {
                    t.unexpected("sink", ev);
                }
            }, ServerOptions.defaults().connectCallback(s -> {
                s.disable(true, false);
                loop.delay(SINK_HOLD, () -> {
                    if (!s.isClosed()) {
                        s.enable(true, false);
                    }
                });
            }));
        }

        @Override
        void unit(EventLoop loop, int i, Runnable done) {
            switch (i % 5) {
                case 0 -> {
                    t.expect("closedNow");
                    t.expect("sinkEnded");
                    loop.tcpConnect("127.0.0.1", sink.port(), null, none("closeNow client"),
                            TcpOptions.defaults().connectCallback(s -> {
                                fill(s);
                                s.write(chunk, x -> t.unexpected("the write callback of a closeNow'd socket ran", null));
                                s.closeNow();
                                t.got("closedNow");
                                done.run();
                            }));
                }
                case 1 -> {
                    // close() waits to flush; a peer that does not read is given up on after the write timeout.
                    t.expect("closedWithQueue");
                    t.expect("sinkEnded");
                    loop.tcpConnect("127.0.0.1", sink.port(), null, none("close-with-queue client"),
                            TcpOptions.defaults().writeTimeout(SHORT_TIMEOUT).connectCallback(s -> {
                                fill(s);
                                s.close();
                                t.got("closedWithQueue");
                                done.run();
                            }));
                }
                case 2 -> {
                    // An HTTP server closed on its first request; the pipelined answers still come, in order.
                    t.expect("answersAfterServerClose");
                    HttpServer[] h = new HttpServer[1];
                    int[] n = {0};
                    h[0] = loop.httpServer("127.0.0.1", 0, req -> {
                        h[0].close();
                        int k = n[0]++;
                        loop.delay(ANSWER_DELAY.multipliedBy(3 - k), () -> req.respond(200, null, "answer" + k));
                    }, none("closing http server"));
                    String one = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
                    StringBuilder raw = new StringBuilder();
                    loop.tcpConnect("127.0.0.1", h[0].port(), (s, d) -> {
                        raw.append(ascii(d));
                        if (raw.indexOf("answer2") >= 0) {
                            String r = raw.toString();
                            if (count(r, "HTTP/1.1 200") == 3 && r.indexOf("answer0") < r.indexOf("answer1")
                                    && r.indexOf("answer1") < r.indexOf("answer2")) {
                                t.got("answersAfterServerClose");
                            } else {
                                t.unexpected("pipelined answers after close: " + r, null);
                            }
                            s.close();
                            done.run();
                        }
                    }, none("pipelining client"), TcpOptions.defaults().data(one + one + one));
                }
                case 3 -> {
                    // A TCP server closed under a live connection: the connection goes on.
                    t.expect("echoAfterListenerClose");
                    TcpServer[] srv = new TcpServer[1];
                    srv[0] = loop.tcpServer("127.0.0.1", 0, (s, d) -> s.write(d), ev -> {
                        if (!(ev instanceof TcpEof)) {
                            t.unexpected("closed listener's socket", ev);
                        }
                    });
                    int[] step = {0};
                    loop.tcpConnect("127.0.0.1", srv[0].port(), (s, d) -> {
                        if (step[0]++ == 0) {
                            srv[0].close();
                            s.write("again");
                        } else {
                            t.got("echoAfterListenerClose");
                            s.close();
                            done.run();
                        }
                    }, none("client of a closed listener"), TcpOptions.defaults().data("first"));
                }
                default -> {
                    // A TCP server closed with connections in its accept queue.
                    t.expect("endedAfterListenerClose");
                    TcpServer srv = loop.tcpServer("127.0.0.1", 0, (s, d) -> { }, ev -> { },
                            ServerOptions.defaults().connectCallback(TcpSocket::closeNow));
                    loop.tcpConnect("127.0.0.1", srv.port(), (s, d) -> { }, ev -> {
                        // EOF if it was accepted before the close, a reset if it was still queued.
                        if (ev instanceof TcpEof || ev instanceof TcpError) {
                            t.got("endedAfterListenerClose");
                        } else {
                            t.unexpected("queued connection of a closed listener", ev);
                        }
                        done.run();
                    }, TcpOptions.defaults().connectCallback(s -> srv.close()));
                }
            }
        }

        /** Writes until the socket's output is above its high watermark: the kernel is full, the rest queued. */
        void fill(TcpSocket s) {
            for (int k = 0; k < IN_FLIGHT_MAX_CHUNKS; k++) {
                if (!s.write(chunk)) {
                    return;
                }
            }
            t.unexpected("the output never went above its high watermark", null);
        }

        @Override
        void close(EventLoop loop) {
            sink.close();
        }
    }

    /** Lookups against dnsmasq: names that exist, names that do not, futures, and connects to names that do not. */
    static final class Dns extends Workload {
        final String nameserver;

        Dns(String nameserver) {
            super("dns", DNS_W, DNS_CONCURRENCY);
            this.nameserver = nameserver;
        }

        @Override
        LoopOptions options() {
            return LoopOptions.defaults().nameservers(List.of(nameserver)).dnsTimeout(Duration.ofSeconds(2));
        }

        @Override
        void unit(EventLoop loop, int i, Runnable done) {
            int n = (i * 2) % NativeLeakTest.DNS_NAMES;
            switch (i % 4) {
                case 0 -> {
                    t.expect("found");
                    String want = "10.8." + (n / 256) + "." + (n % 256);
                    loop.dnsLookup("n" + n + ".your.test", (a, f) -> {
                        if (a.getHostAddress().equals(want)) {
                            t.got("found");
                        } else {
                            t.unexpected("n" + n + " resolved to " + a, null);
                        }
                        done.run();
                    }, ev -> {
                        t.unexpected("lookup of n" + n, ev);
                        done.run();
                    });
                }
                case 1 -> {
                    t.expect("missing");
                    loop.dnsLookup("missing" + i + ".your.test", (a, f) -> {
                        t.unexpected("missing" + i + " resolved to " + a, null);
                        done.run();
                    }, ev -> {
                        if (ev instanceof DnsError) {
                            t.got("missing");
                        } else {
                            t.unexpected("lookup of missing" + i, ev);
                        }
                        done.run();
                    });
                }
                case 2 -> {
                    t.expect("resolved");
                    loop.resolve("n" + n + ".your.test").whenComplete((all, err) -> {
                        if (err == null && all.size() == 1) {
                            t.got("resolved");
                        } else {
                            t.unexpected("resolve n" + n + ": " + all, err);
                        }
                        loop.execute(done);
                    });
                }
                default -> {
                    t.expect("connectDnsError");
                    loop.tcpConnect("gone" + i + ".your.test", 80, null, ev -> {
                        if (ev instanceof DnsError) {
                            t.got("connectDnsError");
                        } else {
                            t.unexpected("connect to gone" + i, ev);
                        }
                        done.run();
                    }, TcpOptions.defaults().data("queued before the lookup failed"));
                }
            }
        }
    }

    // ---- loops closed with work in flight --------------------------------------------------

    /**
     * Each unit is a whole loop, closed with everything in flight: sockets with a quarter
     * megabyte queued to a server that does not read, HTTP requests the server has not
     * answered (callbacks and futures), pending timers and an interval, DNS lookups a silent
     * nameserver never answers. Each unit is one of {@code kinds}: a live loop closed from
     * another thread while its thread runs a task, a run loop ended by exit(), a run loop ended
     * by an exception from a callback.
     */
    static final class Loops {
        static final int LIVE_CLOSED = 0;
        static final int EXITED = 1;
        static final int THROWN_OUT = 2;
        final String name;
        final int[] kinds;
        final Tally t = new Tally();
        DatagramSocket silentDns;
        Runnable peak = () -> { };

        Loops(String name, int... kinds) {
            this.name = name;
            this.kinds = kinds;
        }

        void unit(int i) throws Exception {
            String ns = "127.0.0.1:" + silentDns.getLocalPort();
            LoopOptions o = LoopOptions.defaults().nameservers(List.of(ns)).dnsTimeout(Duration.ofSeconds(30))
                    .uncaughtHandler(e -> t.unexpected("loops: uncaught", e));
            AtomicInteger requests = new AtomicInteger();
            AtomicInteger accepted = new AtomicInteger();
            switch (kinds[i % kinds.length]) {
                case LIVE_CLOSED -> {
                    t.expect("liveClosed");
                    EventLoop loop = EventLoop.start(o);
                    loop.submit(() -> {
                        load(loop, accepted, requests);
                        return null;
                    }).get(10, TimeUnit.SECONDS);
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while ((accepted.get() < LOOP_CLIENTS || requests.get() < 2 * LOOP_HTTP_CALLS)
                            && System.nanoTime() < end) {
                        Thread.sleep(1);
                    }
                    inFlight(accepted, requests);
                    peak.run();
                    LoopStats s = loop.stats();
                    if (s.openDnsQueries() != LOOP_DNS_LOOKUPS) {
                        t.unexpected("dns lookups in flight at close: " + s, null);
                    }
                    // Closed while the loop thread is busy in a task, as an application's would be.
                    CountDownLatch busy = new CountDownLatch(1);
                    loop.execute(() -> {
                        busy.countDown();
                        long until = System.nanoTime() + LOOP_BUSY_TASK.toNanos();
                        while (System.nanoTime() - until < 0) {
                            Thread.onSpinWait();
                        }
                    });
                    busy.await();
                    Thread closer = new Thread(loop::close, "leak-closer");
                    closer.start();
                    closer.join(LOOP_CLOSE_TIMEOUT.toMillis());
                    if (closer.isAlive()) {
                        StringBuilder sb = new StringBuilder("a live loop with work in flight did not close in "
                                + LOOP_CLOSE_TIMEOUT.toMillis() + " ms (unit " + i + "); its thread:");
                        Thread.getAllStackTraces().forEach((th, st) -> {
                            if (th.getName().startsWith("evasync-loop")) {
                                sb.append("\n  ").append(th).append(' ').append(th.getState());
                                for (StackTraceElement e : st) {
                                    sb.append("\n      at ").append(e);
                                }
                            }
                        });
                        throw new IllegalStateException(sb.toString());
                    }
                    if (loop.isClosed()) {
                        t.got("liveClosed");
                    }
                }
                case EXITED -> {
                    t.expect("exited");
                    boolean idle = EventLoop.run(o, loop -> {
                        load(loop, accepted, requests);
                        whenLoaded(loop, accepted, requests, () -> {
                            peak.run();
                            loop.exit();
                        });
                    });
                    inFlight(accepted, requests);
                    if (!idle) {
                        t.got("exited");
                    }
                }
                default -> {
                    t.expect("thrownOut");
                    try {
                        EventLoop.run(o, loop -> {
                            load(loop, accepted, requests);
                            whenLoaded(loop, accepted, requests, () -> {
                                throw new Boom("loop", () -> { });
                            });
                        });
                        t.unexpected("the loop did not rethrow", null);
                    } catch (Boom b) {
                        t.got("thrownOut");
                    }
                    inFlight(accepted, requests);
                }
            }
            noteOutcome();
        }

        private void inFlight(AtomicInteger accepted, AtomicInteger requests) {
            if (accepted.get() < LOOP_CLIENTS || requests.get() < 2 * LOOP_HTTP_CALLS) {
                t.unexpected("the loop closed before its work was in flight: accepted " + accepted
                        + ", requests " + requests, null);
            }
        }

        private void whenLoaded(EventLoop loop, AtomicInteger accepted, AtomicInteger requests, Runnable then) {
            loop.delay(Duration.ofMillis(1), () -> {
                if (accepted.get() >= LOOP_CLIENTS && requests.get() >= 2 * LOOP_HTTP_CALLS) {
                    then.run();
                } else {
                    whenLoaded(loop, accepted, requests, then);
                }
            });
        }

        /** The futures of this unit's loop.http calls, and how many of its pending operations called back. */
        final List<CompletableFuture<?>> futures = new ArrayList<>();
        final AtomicInteger heard = new AtomicInteger();

        /**
         * What became of the work in flight once the loop was gone: every future is complete
         * (a loop that ends completes what it still owed); callbacks are noted, not checked.
         */
        private void noteOutcome() {
            for (CompletableFuture<?> f : futures) {
                if (f.isDone()) {
                    t.note("futureDoneAfterClose");
                } else {
                    t.unexpected("a future of a closed loop never completed", null);
                }
            }
            for (int k = 0; k < heard.get(); k++) {
                t.note("callbackOfPendingWork");
            }
            futures.clear();
            heard.set(0);
        }

        private void load(EventLoop loop, AtomicInteger accepted, AtomicInteger requests) {
            EventHandler quiet = ev -> heard.incrementAndGet();
            TcpServer sink = loop.tcpServer("127.0.0.1", 0, (s, d) -> { }, quiet,
                    ServerOptions.defaults().connectCallback(s -> {
                        s.disable(true, false);
                        accepted.incrementAndGet();
                    }));
            byte[] chunk = new byte[LOOP_CLIENT_BYTES];
            for (int c = 0; c < LOOP_CLIENTS; c++) {
                TcpSocket s = loop.tcpConnect("127.0.0.1", sink.port(), null, quiet);
                s.write(chunk, x -> heard.incrementAndGet());
            }
            HttpServer mute = loop.httpServer("127.0.0.1", 0, req -> requests.incrementAndGet(), quiet);
            String url = "http://127.0.0.1:" + mute.port() + "/";
            for (int c = 0; c < LOOP_HTTP_CALLS; c++) {
                loop.httpClient(url, (st, h, b) -> heard.incrementAndGet(), quiet);
                futures.add(loop.http(HttpRequestSpec.get(url + "f")));
            }
            for (int c = 0; c < LOOP_TIMERS; c++) {
                loop.delay(Duration.ofSeconds(60 + c), () -> { });
            }
            loop.interval(Duration.ofMillis(1), () -> { });
            for (int c = 0; c < LOOP_DNS_LOOKUPS; c++) {
                loop.dnsLookup("never" + c + ".your.test", (a, f) -> heard.incrementAndGet(), quiet);
            }
        }
    }

    static void runLoops(Loops l) {
        current = l.name;
        deadline = System.nanoTime() + WORKLOAD_DEADLINE.toNanos();
        Result r = new Result(l.name);
        Workload pseudo = new Workload(l.name, LOOPS_W, 1) {
            @Override
            void unit(EventLoop loop, int i, Runnable done) {
            }
        };
        try {
            l.silentDns = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            l.peak = r::peak;
            r.before = Sample.full();
            int i = 0;
            for (; i < LOOPS_W; i++) {
                l.unit(VARIANT == null ? i : i * VARIANT[1] + VARIANT[0]);
                r.units++;
                r.peak();
            }
            r.warm = settleOutside(r, null);
            r.settledWarm = r.failures.isEmpty();
            r.failures.addAll(prefix("round 1 (W): ", l.t.verifyAndReset()));
            for (; i < (1 + ROUND2_FACTOR) * LOOPS_W; i++) {
                l.unit(VARIANT == null ? i : i * VARIANT[1] + VARIANT[0]);
                r.units++;
                r.peak();
            }
            int before = r.failures.size();
            r.after = settleOutside(r, r.warm);
            r.settledAfter = r.failures.size() == before;
            r.failures.addAll(prefix("round 2 (" + ROUND2_FACTOR + "W): ", l.t.verifyAndReset()));
            l.silentDns.close();
        } catch (Throwable e) {
            r.failures.add("loops: " + stack(e));
        }
        r.closed = Sample.full();
        l.t.total.forEach((k, v) -> pseudo.t.total.put(k, v));
        r.print(pseudo, LOOPS_W);
    }

    /** The samples between loops: with no loop left, the counts only wait for nothing; still, poll. */
    static Sample settleOutside(Result r, Sample limit) throws InterruptedException {
        long end = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        Sample last = null;
        int still = 0;
        while (System.nanoTime() < end) {
            Sample m = Sample.quick();
            if (limit == null) {
                still = last != null && last.alloc() == m.alloc() && last.fds() == m.fds() ? still + 1 : 0;
                if (still >= STABLE_POLLS) {
                    return Sample.full();
                }
            } else if (m.notAbove(limit)) {
                return Sample.full();
            }
            last = m;
            Thread.sleep(SETTLE_POLL.toMillis());
        }
        Sample kept = Sample.full();
        r.failures.add("not settled after " + SETTLE_TIMEOUT.toMillis() + " ms: " + kept
                + (limit == null ? "" : " above " + limit + "; blocks by size: " + kept.sizesSince(limit)));
        return kept;
    }
}
