package io.github.evasync.reliability.leak;

import io.github.evasync.Event;
import io.github.evasync.EventLoop;

import java.time.Duration;

import static io.github.evasync.reliability.leak.LeakSettings.TIMERS_CONCURRENCY;
import static io.github.evasync.reliability.leak.LeakSettings.TIMERS_W;

/** Timers in every state: fired, pending then freed, freed twice, stopped in their own callback, activated. */
final class TimersWorkload extends Workload {
    TimersWorkload() {
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
