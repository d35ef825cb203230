package io.github.evasync.internal.loop;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stack overflow inside Timers.schedule must leave the heap whole. grow() used to replace keys and
 * nodes with two separate Arrays.copyOf calls: an overflow at the second left keys longer
 * than nodes, and the next insert at that slot threw ArrayIndexOutOfBounds from place() after
 * it had already raised size.
 */
@Timeout(120)
class TimersOverflowTest {
    private static final class Node extends TimerNode {
        @Override
        protected void expired(long deadline) {
        }

        @Override
        protected void released() {
        }
    }

    private static final int FULL = 64; // Timers.INITIAL: the next schedule grows

    private static Timers[] pool;
    private static Node[] fresh;
    private static int next;

    /** Recurses to the overflow, then on the way back tries one schedule per frame, each with a little more stack. */
    private static void dive() {
        try {
            dive();
        } catch (StackOverflowError unwinding) {
            // fall through: try at this depth
        }
        int i = next;
        if (i < pool.length) {
            next = i + 1;
            try {
                pool[i].schedule(fresh[i], 1_000_000L);
            } catch (StackOverflowError expected) {
                // cut short: the heap must be as before or as after
            }
        }
    }

    @Test
    void anOverflowInScheduleNeverLeavesTheArraysOutOfStep() throws Exception {
        Field keys = Timers.class.getDeclaredField("keys");
        Field nodes = Timers.class.getDeclaredField("nodes");
        keys.setAccessible(true);
        nodes.setAccessible(true);
        List<String> broken = new ArrayList<>();
        for (int round = 0; round < 20 && broken.isEmpty(); round++) {
            pool = new Timers[400];
            fresh = new Node[pool.length];
            for (int i = 0; i < pool.length; i++) {
                pool[i] = new Timers();
                for (int j = 0; j < FULL; j++) {
                    pool[i].schedule(new Node(), j);
                }
                fresh[i] = new Node();
            }
            next = 0;
            Thread t = new Thread(null, TimersOverflowTest::dive, "dive", 256 * 1024);
            t.start();
            t.join();
            for (int i = 0; i < pool.length; i++) {
                int kl = ((long[]) keys.get(pool[i])).length;
                int nl = ((TimerNode[]) nodes.get(pool[i])).length;
                if (kl != nl) {
                    broken.add("round " + round + " attempt " + i + ": keys " + kl + ", nodes " + nl);
                    // What it leads to: the next insert fails half-way and the heap is corrupt.
                    Timers timers = pool[i];
                    int before = timers.size();
                    try {
                        timers.schedule(new Node(), -1); // sifts to the root
                    } catch (ArrayIndexOutOfBoundsException e) {
                        broken.add("then schedule threw " + e + " with size " + before + " -> " + timers.size());
                    }
                }
            }
        }
        assertTrue(broken.isEmpty(), broken.toString());
    }
}
