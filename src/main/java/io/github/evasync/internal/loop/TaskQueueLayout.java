package io.github.evasync.internal.loop;

/**
 * The fields of {@link TaskQueue}, each side on cache lines of its own. Producers
 * compare-and-set their index on every offer and the consumer writes its own on every poll; on
 * one line, each write would take the line away from the other side (false sharing), and every
 * offer and poll would wait for it. HotSpot lays out a superclass's fields before its subclass's,
 * so the classes below put 128 bytes of padding (two lines: the adjacent-line prefetcher pulls
 * lines in pairs) before, between and after the two sides, as JCTools does. Each side keeps its
 * own copy of the chunk geometry, so neither reads the other's line for it.
 */
final class TaskQueueLayout {
    private TaskQueueLayout() {
    }

    /** Padding before the producers' fields. */
    abstract static class PadBefore {
        long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
    }

    /** What producers write and read on every offer. */
    abstract static class ProducerSide extends PadBefore {
        /** Slots per chunk; a chunk is an array one longer, its last element the link to the next. */
        final int producerSize;
        final int producerMask;
        /** Next element number {@code << 2}, with {@link TaskQueue#RESIZING} and {@link TaskQueue#CLOSED}. */
        volatile long producerIndex;
        /**
         * The chunk that holds the element {@link #producerIndex} counts to, when it is not a
         * chunk's first: written before the index is published, so a producer that read the
         * index reads at least this chunk; a later one only if the index moved on, when its
         * claim fails.
         */
        volatile Object[] producerChunk;
        /**
         * A consumed chunk kept for reuse, or null: taken with getAndSet; given by the consumer
         * with a check and a store, by a producer that did not need the one it took with a CAS
         * from null. A chunk is given only by the thread that alone holds it, so no chunk is in
         * use twice.
         */
        volatile Object[] spare;
        /** Chunks made since the queue was (for the tests: a steady flow reuses its chunks). */
        volatile int chunksMade;

        ProducerSide(int size) {
            producerSize = size;
            producerMask = size - 1;
        }
    }

    /** Padding between the two sides. */
    abstract static class PadBetween extends ProducerSide {
        long q00, q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;

        PadBetween(int size) {
            super(size);
        }
    }

    /** What the consumer (the loop thread) alone writes and reads. */
    abstract static class ConsumerSide extends PadBetween {
        final int consumerSize;
        final int consumerMask;
        long consumerIndex;
        Object[] consumerChunk;

        ConsumerSide(int size) {
            super(size);
            consumerSize = size;
            consumerMask = size - 1;
        }
    }

    /** Padding after the consumer's fields, against whatever the heap puts next. */
    abstract static class PadAfter extends ConsumerSide {
        long r00, r01, r02, r03, r04, r05, r06, r07, r08, r09, r10, r11, r12, r13, r14, r15;

        PadAfter(int size) {
            super(size);
        }
    }
}
