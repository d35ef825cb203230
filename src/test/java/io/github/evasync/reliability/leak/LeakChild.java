package io.github.evasync.reliability.leak;

import io.github.evasync.EventLoop;
import io.github.evasync.LoopOptions;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpServer;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.function.ToLongFunction;

import static io.github.evasync.reliability.leak.LeakSettings.COUNTING;
import static io.github.evasync.reliability.leak.LeakSettings.LOOPS_W;
import static io.github.evasync.reliability.leak.LeakSettings.ROUND2_FACTOR;
import static io.github.evasync.reliability.leak.LeakSettings.SETTLE_POLL;
import static io.github.evasync.reliability.leak.LeakSettings.VARIANT;
import static io.github.evasync.reliability.leak.Result.compact;
import static io.github.evasync.reliability.leak.Rounds.prefix;
import static io.github.evasync.reliability.leak.Rounds.round;
import static io.github.evasync.reliability.leak.Rounds.settle;
import static io.github.evasync.reliability.leak.Rounds.settleOutside;

/**
 * The child JVM of {@code NativeLeakTest}: {@code LeakChild mode nameserver [workload,...]}.
 * Every workload runs a warm-up round of {@code W} units of work, settles, samples, runs
 * {@code 10 * W} more units, settles, samples again, and checks that every unit ended the way
 * it must ({@link Tally}). It prints one {@code RESULT} line per workload for the parent to
 * judge, {@code FAIL} lines for what went wrong, and {@code all done} at the end; it exits 1
 * if anything failed.
 *
 * <p>What a sample holds is in {@link Sample}; how a round runs and when the loop counts as
 * settled, in {@link Rounds}; every size, in {@link LeakSettings}. The loops workloads
 * ({@link LoopsWorkload}) make a loop per unit and close it with work in flight; they sample
 * between loops.
 */
public final class LeakChild {
    static final List<String> FAILURES = new ArrayList<>();

    private LeakChild() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        if (mode.equals("counting") != COUNTING) {
            throw new IllegalStateException("mode " + mode + " but counting=" + COUNTING);
        }
        String dns = args[1];
        TreeSet<String> only = args.length > 2 ? new TreeSet<>(Arrays.asList(args[2].split(","))) : null;
        Watchdog.start();
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
        List<Workload> all = List.of(new TimersWorkload(), new EchoWorkload(), new RefusedWorkload(),
                new ResetWorkload(), new TimeoutsWorkload(), new HttpWorkload(), new MalformedHttpWorkload(),
                new ThrowingWorkload(), new InFlightWorkload(), new DnsWorkload(dns), new UdpWorkload(),
                new UnixWorkload());
        for (Workload w : all) {
            if (only == null || only.contains(w.name)) {
                runInLoop(w);
            }
        }
        for (LoopsWorkload l : List.of(new LoopsWorkload("loops", LoopsWorkload.EXITED, LoopsWorkload.THROWN_OUT),
                new LoopsWorkload("liveLoops", LoopsWorkload.LIVE_CLOSED))) {
            if (only == null || only.contains(l.name)) {
                runLoops(l);
            }
        }
        System.out.println("all done");
        System.out.flush();
        System.exit(FAILURES.isEmpty() ? 0 : 1);
    }

    static void runInLoop(Workload w) {
        Watchdog.arm(w.name);
        Result r = new Result(w.name);
        r.before = Sample.full();
        LoopOptions o = w.options().uncaughtHandler(e -> w.t.unexpected("uncaught", e));
        try {
            EventLoop.run(o, loop -> {
                FdMapWarmup.warm(loop);
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
        report(r, w.t, w.w);
    }

    static void runLoops(LoopsWorkload l) {
        Watchdog.arm(l.name);
        Result r = new Result(l.name);
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
        report(r, l.t, LOOPS_W);
    }

    /**
     * Prints the workload's {@code RESULT} line, the one {@code NativeLeakTest} parses (a sample
     * not taken shows as -2), and a {@code FAIL} line for each failure.
     */
    static void report(Result r, Tally t, int wUnits) {
        System.out.printf("RESULT name=%s W=%d units=%d failures=%d settledWarm=%s settledAfter=%s"
                        + " alloc.before=%d alloc.warm=%d alloc.peak=%d alloc.after=%d alloc.closed=%d"
                        + " sizes.afterVsWarm=%s sizes.closedVsBefore=%s"
                        + " fd.before=%d fd.warm=%d fd.after=%d fd.closed=%d"
                        + " malloc.warm=%d malloc.after=%d untracked.warm=%d untracked.after=%d"
                        + " stats.s0=%s stats.warm=%s stats.after=%s counts=%s ms=%d%n",
                r.name, wUnits, r.units, r.failures.size(), r.settledWarm, r.settledAfter,
                v(r.before, Sample::alloc), v(r.warm, Sample::alloc), r.peakAlloc, v(r.after, Sample::alloc),
                v(r.closed, Sample::alloc),
                r.after == null ? "none" : r.after.sizesSince(r.warm), r.closed == null ? "none" : r.closed.sizesSince(r.before),
                v(r.before, Sample::fds), v(r.warm, Sample::fds), v(r.after, Sample::fds), v(r.closed, Sample::fds),
                v(r.warm, Sample::mallocBytes), v(r.after, Sample::mallocBytes),
                v(r.warm, Sample::untracked), v(r.after, Sample::untracked),
                compact(r.s0), compact(r.statsWarm), compact(r.statsAfter), t.totals(),
                (System.nanoTime() - r.t0) / 1_000_000);
        for (String f : r.failures) {
            System.out.println("FAIL " + r.name + ": " + f);
            FAILURES.add(r.name + ": " + f);
        }
        System.out.flush();
    }

    private static long v(Sample s, ToLongFunction<Sample> f) {
        return s == null ? -2 : f.applyAsLong(s);
    }

    static String stack(Throwable e) {
        StringWriter sw = new StringWriter();
        e.printStackTrace(new PrintWriter(sw));
        return sw.toString();
    }
}
