package io.github.evasync.internal.loop;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loop's task queue on its own: order, chunk boundaries, reuse, sealing, many producers. */
@Timeout(120)
class TaskQueueTest {
    @Test
    void oneThreadGetsWhatItPutInOrder() {
        TaskQueue<Integer> q = new TaskQueue<>();
        assertTrue(q.isEmpty());
        assertNull(q.poll());
        for (int i = 0; i < 10_000; i++) {
            assertTrue(q.offer(i));
            assertFalse(q.isEmpty());
        }
        for (int i = 0; i < 10_000; i++) {
            assertFalse(q.isEmpty());
            assertEquals(i, q.poll());
        }
        assertTrue(q.isEmpty());
        assertNull(q.poll());
    }

    /** Uneven runs of offers and polls against a plain deque, so every slot of a chunk is met at every phase. */
    @ParameterizedTest
    @ValueSource(ints = {2, 4, 8, 1024})
    void chunkBoundariesKeepOrderAndEmptiness(int chunk) {
        TaskQueue<Integer> q = new TaskQueue<>(chunk);
        ArrayDeque<Integer> model = new ArrayDeque<>();
        int next = 0;
        for (int round = 0; round < 5_000; round++) {
            int offers = round % 7 + (round % 3 == 0 ? chunk : 1);
            for (int i = 0; i < offers; i++) {
                assertTrue(q.offer(next));
                model.add(next++);
            }
            int polls = round % 5 + 1 + (round % 4 == 0 ? chunk : 0);
            for (int i = 0; i < polls; i++) {
                assertEquals(model.isEmpty(), q.isEmpty(), "round " + round);
                assertEquals(model.poll(), q.poll(), "round " + round);
            }
        }
        while (!model.isEmpty()) {
            assertEquals(model.poll(), q.poll());
        }
        assertTrue(q.isEmpty());
        assertNull(q.poll());
    }

    @Test
    void aSteadyFlowReusesItsChunks() {
        TaskQueue<Integer> q = new TaskQueue<>(4);
        for (int i = 0; i < 40_000; i++) {
            q.offer(i);
            q.offer(i);
            q.offer(i);
            q.poll();
            q.poll();
            q.poll();
        }
        // The first chunk and one more, each left by the consumer and taken again by a producer.
        assertEquals(2, q.chunksMade());
        assertTrue(q.isEmpty());
    }

    @Test
    void aBacklogLongerThanAChunkGrowsWithoutBound() {
        TaskQueue<Integer> q = new TaskQueue<>(8);
        for (int i = 0; i < 100_000; i++) {
            assertTrue(q.offer(i), "an unbounded queue never refuses for size");
        }
        for (int i = 0; i < 100_000; i++) {
            assertEquals(i, q.poll());
        }
        assertNull(q.poll());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 5})
    void closingRefusesLaterOffersAndKeepsEarlierOnes(int before) {
        TaskQueue<Integer> q = new TaskQueue<>(2);
        for (int i = 0; i < before; i++) {
            assertTrue(q.offer(i));
        }
        assertFalse(q.isClosed());
        q.close();
        q.close();
        assertTrue(q.isClosed());
        assertFalse(q.offer(99), "an offer after close is refused");
        for (int i = 0; i < before; i++) {
            assertEquals(i, q.poll());
        }
        assertNull(q.poll());
        assertTrue(q.isEmpty());
        assertFalse(q.offer(100));
    }

    @Test
    void rejectsNullAndBadChunkSizes() {
        assertThrows(NullPointerException.class, () -> new TaskQueue<Integer>().offer(null));
        assertThrows(IllegalArgumentException.class, () -> new TaskQueue<Integer>(1));
        assertThrows(IllegalArgumentException.class, () -> new TaskQueue<Integer>(6));
        assertThrows(IllegalArgumentException.class, () -> new TaskQueue<Integer>(0));
    }

    /**
     * Eight producers, each numbering its elements, and one consumer polling as they go: every
     * element arrives once, each producer's in its own order. Small chunks make producers meet
     * at chunk boundaries, where one links the next chunk and the rest wait.
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 16, 1024})
    void manyProducersEachKeepTheirOrder(int chunk) throws Exception {
        int producers = 8;
        int each = chunk == 2 ? 50_000 : 200_000;
        TaskQueue<Long> q = new TaskQueue<>(chunk);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            long id = p;
            threads.add(new Thread(() -> {
                await(go);
                for (long s = 0; s < each; s++) {
                    if (!q.offer(id << 32 | s)) {
                        throw new AssertionError("refused while open");
                    }
                }
            }, "producer-" + p));
        }
        threads.forEach(Thread::start);
        go.countDown();
        long[] nextSeq = new long[producers];
        long total = (long) producers * each;
        for (long got = 0; got < total; ) {
            Long v = q.poll();
            if (v == null) {
                Thread.onSpinWait();
                continue;
            }
            int id = (int) (v >>> 32);
            long seq = v & 0xffff_ffffL;
            assertEquals(nextSeq[id], seq, "producer " + id + " out of order");
            nextSeq[id]++;
            got++;
        }
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(q.isEmpty());
        assertNull(q.poll());
        for (int p = 0; p < producers; p++) {
            assertEquals(each, nextSeq[p]);
        }
    }

    /**
     * Producers offer until refused while the consumer polls, then seals the queue and drains it:
     * what was accepted is exactly what comes out, whether the seal fell inside a chunk or on
     * the boundary a producer was linking.
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 8, 1024})
    void sealingUnderLoadLosesNothingAccepted(int chunk) throws Exception {
        for (int round = 0; round < 50; round++) {
            TaskQueue<Integer> q = new TaskQueue<>(chunk);
            int producers = 4;
            AtomicLong accepted = new AtomicLong();
            AtomicBoolean refusedWhileOpen = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                threads.add(new Thread(() -> {
                    long mine = 0;
                    while (q.offer(1)) {
                        mine++;
                    }
                    if (!q.isClosed()) {
                        refusedWhileOpen.set(true);
                    }
                    accepted.addAndGet(mine);
                }));
            }
            threads.forEach(Thread::start);
            long polled = 0;
            int before = 1_000 + round * 97;
            while (polled < before) {
                if (q.poll() != null) {
                    polled++;
                }
            }
            q.close();
            while (q.poll() != null) {
                polled++;
            }
            for (Thread t : threads) {
                t.join();
            }
            assertFalse(refusedWhileOpen.get());
            assertEquals(accepted.get(), polled, "round " + round);
            assertTrue(q.isEmpty());
            assertFalse(q.offer(2));
        }
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
