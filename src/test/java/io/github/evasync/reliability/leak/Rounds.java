package io.github.evasync.reliability.leak;

import io.github.evasync.Event;
import io.github.evasync.EventLoop;
import io.github.evasync.LoopStats;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static io.github.evasync.reliability.leak.LeakSettings.ROUND2_FACTOR;
import static io.github.evasync.reliability.leak.LeakSettings.ROUND_TIMEOUT;
import static io.github.evasync.reliability.leak.LeakSettings.SETTLE_POLL;
import static io.github.evasync.reliability.leak.LeakSettings.SETTLE_TIMEOUT;
import static io.github.evasync.reliability.leak.LeakSettings.STABLE_POLLS;
import static io.github.evasync.reliability.leak.LeakSettings.VARIANT;
import static io.github.evasync.reliability.leak.Result.compact;

/**
 * Running a round of units, and settling after it. A round is over when every unit has called
 * its {@code done}. The loop is settled once its {@link LoopStats} are back to what they were
 * before the first round (every socket, connection, event and registration of the round gone;
 * the server side of a connection closes a little after the client side) and, for the first
 * sample, the counts have stood still for {@link LeakSettings#STABLE_POLLS} polls; for the
 * second, once the counts are back at or below the first sample. A count still above it after
 * {@link LeakSettings#SETTLE_TIMEOUT} is a leak. No slack: what the second round leaves behind
 * is compared with what the first left, exactly. The one thing libevent keeps that grows with
 * something other than leaks, a block per descriptor number ever watched, is set up before the
 * first round ({@link FdMapWarmup}).
 */
final class Rounds {
    private Rounds() {
    }

    /**
     * Runs {@code units} units, at most {@code w.concurrency} at a time, then {@code finished}.
     * A round still short of units after {@link LeakSettings#ROUND_TIMEOUT} is reported and ends the loop.
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
     * {@code limit} null: stats back to s0 and the counts still for {@link LeakSettings#STABLE_POLLS} polls.
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
