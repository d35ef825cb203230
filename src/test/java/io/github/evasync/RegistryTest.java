package io.github.evasync;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(60)
class RegistryTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @Test
    void countsReturnToIdleAfterTenThousandDelaysFire() {
        AtomicInteger fired = new AtomicInteger();
        EventLoop.run(loop -> {
            for (int i = 0; i < 10_000; i++) {
                loop.delay(Duration.ofMillis(i % 20), fired::incrementAndGet);
            }
            assertEquals(10_000, loop.stats().pendingEvents());
            // Timers live in the loop's heap on the Java side: nothing native is registered for them.
            assertEquals(0, loop.stats().callbackRegistryCount());
            Idle.atExit(loop);
        });
        assertEquals(10_000, fired.get());
    }

    @Test
    void countsReturnToIdleAfterTenThousandPendingEventsAreFreed() {
        AtomicInteger fired = new AtomicInteger();
        EventLoop.run(loop -> {
            List<Event> events = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                Event e = i % 2 == 0 ? loop.delay(Duration.ofSeconds(10), fired::incrementAndGet)
                        : loop.interval(Duration.ofSeconds(10), fired::incrementAndGet);
                events.add(e);
            }
            assertEquals(10_000, loop.stats().pendingEvents());
            assertEquals(0, loop.stats().dataRegistryCount());
            events.forEach(Event::free);
            Idle.assertIdle(loop);
        });
        assertEquals(0, fired.get());
    }

    @Test
    void closingALoopFreesWhatIsStillPending() throws Exception {
        EventLoop loop = loops.start();
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            events.add(loop.delay(Duration.ofSeconds(10), () -> { }));
        }
        assertEquals(1000, loop.stats().pendingEvents());
        loop.close();
        for (Event e : events) {
            assertEquals(true, e.isFreed());
        }
    }
}
