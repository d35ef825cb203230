package io.github.evasync.internal.loop;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The timer heap on its own, checked against an ordered set doing the same operations. */
@Timeout(60)
class TimersTest {
    /** A node that remembers its deadline and order for the reference set. */
    private static final class Node extends TimerNode {
        final int id;
        long deadline;
        long order;
        boolean released;

        Node(int id) {
            this.id = id;
        }

        @Override
        protected void expired(long deadline) {
        }

        @Override
        protected void released() {
            released = true;
        }
    }

    private static final Comparator<Node> ORDER =
            Comparator.<Node>comparingLong(n -> n.deadline).thenComparingLong(n -> n.order);

    @Test
    void randomSchedulesMovesCancelsAndTakesMatchAnOrderedSet() {
        Random rnd = new Random(42);
        Timers timers = new Timers();
        TreeSet<Node> reference = new TreeSet<>(ORDER);
        List<Node> all = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            all.add(new Node(i));
        }
        long order = 0;
        long now = 0;
        for (int step = 0; step < 200_000; step++) {
            Node n = all.get(rnd.nextInt(all.size()));
            int op = rnd.nextInt(10);
            if (op < 5) { // schedule or move; few distinct deadlines, so that ties are common
                reference.remove(n);
                n.deadline = now + rnd.nextInt(50);
                n.order = order++;
                timers.schedule(n, n.deadline);
                reference.add(n);
            } else if (op < 8) {
                assertEquals(reference.remove(n), timers.cancel(n), "cancel of " + n.id);
                assertFalse(n.isScheduled());
            } else {
                now += rnd.nextInt(5);
                Node first = reference.isEmpty() ? null : reference.first();
                TimerNode got = timers.nextDeadline() <= now ? timers.takeFirst() : null;
                if (first != null && first.deadline <= now) {
                    assertSame(first, got);
                    reference.pollFirst();
                    assertFalse(first.isScheduled());
                } else {
                    assertNull(got);
                }
            }
            assertEquals(reference.size(), timers.size());
            assertEquals(reference.isEmpty() ? Timers.NEVER : reference.first().deadline, timers.nextDeadline());
        }
        // Drain: everything comes out in order.
        Node prev = null;
        for (TimerNode t; (t = timers.takeFirst()) != null; ) {
            Node n = (Node) t;
            if (prev != null) {
                assertTrue(ORDER.compare(prev, n) < 0, "out of order: " + prev.id + " then " + n.id);
            }
            prev = n;
        }
        assertEquals(0, timers.size());
    }

    @Test
    void tiesComeOutInTheOrderTheyWereScheduled() {
        Timers timers = new Timers();
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Node n = new Node(i);
            nodes.add(n);
            timers.schedule(n, 7);
        }
        for (Node n : nodes) {
            assertSame(n, timers.takeFirst());
        }
    }

    @Test
    void activationsComeBeforeEveryDeadlineInTheOrderTheyWereMade() {
        Timers timers = new Timers();
        Node timed = new Node(1);
        timers.schedule(timed, 0);
        Node a = new Node(2);
        Node b = new Node(3);
        timers.schedule(a, Timers.ACTIVE);
        timers.schedule(b, Timers.ACTIVE);
        assertEquals(Timers.ACTIVE, timers.nextDeadline());
        assertSame(a, timers.takeFirst());
        assertSame(b, timers.takeFirst());
        assertSame(timed, timers.takeFirst());
        assertNull(timers.takeFirst());
    }

    @Test
    void cancelOfANodeNotInTheHeapIsRefusedQuietly() {
        Timers timers = new Timers();
        Node a = new Node(1);
        assertFalse(timers.cancel(a));
        timers.schedule(a, 5);
        assertTrue(timers.cancel(a));
        assertFalse(timers.cancel(a));
        Node stranger = new Node(2);
        timers.schedule(new Node(3), 1);
        stranger.index = 0; // claims a slot it does not hold
        assertFalse(timers.cancel(stranger));
        assertEquals(1, timers.size());
    }

    @Test
    void deadlinesSaturateInsteadOfOverflowing() {
        Timers timers = new Timers();
        assertEquals(Timers.NEVER, timers.deadline(null));
        assertEquals(Timers.NEVER, timers.deadline(Duration.ofSeconds(Long.MAX_VALUE)));
        assertEquals(Timers.NEVER, timers.deadline(Duration.ofDays(365L * 300)));
        long d = timers.deadline(Duration.ofDays(365L * 200));
        assertTrue(d > 0 && d < Timers.NEVER, "200 years: " + d);
        long soon = timers.deadline(Duration.ofMillis(5));
        assertTrue(soon >= 5_000_000 && soon < 60_000_000_000L, "5 ms: " + soon);
    }

    @Test
    void closingReleasesWhatIsScheduledAndRefusesMore() {
        Timers timers = new Timers();
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Node n = new Node(i);
            nodes.add(n);
            timers.schedule(n, i);
        }
        Node idle = new Node(1000);
        timers.releaseAll();
        assertTrue(timers.isClosed());
        assertEquals(0, timers.size());
        for (Node n : nodes) {
            assertTrue(n.released);
            assertFalse(n.isScheduled());
        }
        assertFalse(idle.released);
        assertThrows(IllegalStateException.class, () -> timers.schedule(idle, 1));
    }

    /** A loop that never stops, for {@link Timers#runExpired}. */
    private static final io.github.evasync.internal.ffi.LoopSink RUNNING = new io.github.evasync.internal.ffi.LoopSink() {
        @Override
        public boolean stopping() {
            return false;
        }

        @Override
        public void escaped(Throwable t) {
            throw new AssertionError(t);
        }
    };

    /** A node that counts its firings. */
    private static final class Counted extends TimerNode {
        int fired;

        @Override
        protected void expired(long deadline) {
            fired++;
        }

        @Override
        protected void released() {
        }
    }

    @Test
    void aTimerSetBeforeTheTurnFiresAfterItsPollAndOneSetDuringItWaits() {
        Timers timers = new Timers();
        Counted before = new Counted();
        timers.schedule(before, 0);
        int turn = timers.nextSeq();
        Counted during = new Counted(); // as a callback of the turn would, due at once
        timers.schedule(during, timers.now());
        timers.runExpired(RUNNING, turn, 0);
        assertEquals(1, before.fired);
        assertEquals(0, during.fired);
        timers.runExpired(RUNNING, timers.nextSeq(), timers.now());
        assertEquals(1, during.fired);
    }

    @Test
    void aTimerSetTwoToTheThirtyOneSchedulingsAgoStillFires() throws Exception {
        Timers timers = new Timers();
        java.lang.reflect.Field seq = Timers.class.getDeclaredField("nextSeq");
        seq.setAccessible(true);
        Counted old = new Counted();
        timers.schedule(old, 1_000); // number 0
        seq.setInt(timers, Integer.MIN_VALUE + 5); // 2^31 + 5 schedulings later: 0 now looks newer
        long at = timers.now() + 1;
        while (timers.now() < at) {
            Thread.onSpinWait();
        }
        timers.runExpired(RUNNING, timers.nextSeq(), timers.now());
        assertEquals(1, old.fired, "the old timer looked new and waited");
    }

    @Test
    void chainedActivationsStopAtTheLimitAndTheRestWaitForTheNextPass() {
        Timers timers = new Timers();
        int[] fired = {0};
        TimerNode chain = new TimerNode() {
            @Override
            protected void expired(long deadline) {
                fired[0]++;
                timers.schedule(this, Timers.ACTIVE); // re-activates itself for ever
            }

            @Override
            protected void released() {
            }
        };
        timers.schedule(chain, Timers.ACTIVE);
        timers.runExpired(RUNNING, timers.nextSeq(), -1);
        assertEquals(1 + Timers.CHAIN_LIMIT, fired[0]);
        assertTrue(chain.isScheduled());
    }

    @Test
    void theArraysShrinkOnceTheHeapEmpties() throws Exception {
        Timers timers = new Timers();
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            Node n = new Node(i);
            nodes.add(n);
            timers.schedule(n, i);
        }
        nodes.forEach(timers::cancel);
        for (int i = 0; i < 40; i++) {
            timers.shrinkIfSparse();
        }
        java.lang.reflect.Field keys = Timers.class.getDeclaredField("keys");
        keys.setAccessible(true);
        assertEquals(64, ((long[]) keys.get(timers)).length);
        timers.schedule(nodes.get(0), 1);
        assertSame(nodes.get(0), timers.takeFirst());
    }

    /**
     * A negative delay is due now, however far below zero: internal callers (a loop timer, the
     * loop's own delay) do not check, and a very negative one used to wrap to "never".
     */
    @Test
    void aNegativeDelayIsDueNowHoweverLarge() {
        assertEquals(0, Timers.nanos(Duration.ofMillis(-5)));
        assertEquals(0, Timers.nanos(Duration.ofDays(-365L * 1000)));
        Timers timers = new Timers();
        long before = timers.now();
        long at = timers.after(Timers.nanos(Duration.ofSeconds(Long.MIN_VALUE / 2)));
        assertTrue(at != Timers.NEVER && at <= timers.now() && at >= before, "deadline " + at);
    }
}
