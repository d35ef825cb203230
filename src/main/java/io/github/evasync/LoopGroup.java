package io.github.evasync;

import io.github.evasync.internal.loop.LoopCore;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * Several live loops, one thread each, set up alike: the way to use more than one core. Each
 * loop is an ordinary {@link EventLoop}; nothing is shared between them, so a connection, its
 * callbacks and its data stay on the loop that accepted it.
 *
 * <p>The usual shape binds the same server on every loop with {@code reusePort}, and the kernel
 * spreads new connections among the loops:
 * {@snippet :
 * int[] port = {8080};
 * LoopGroup group = LoopGroup.start(2, LoopOptions.defaults(), loop -> {
 *     HttpServer s = loop.httpServer("127.0.0.1", port[0], req -> req.respond(200, Map.of(), "hi"), null,
 *             HttpServerOptions.defaults().reusePort(true));
 *     port[0] = s.port(); // with port 0, the later loops bind the port the first one got
 * });
 * // ...
 * group.close();
 * }
 */
public final class LoopGroup implements AutoCloseable {
    private final List<EventLoop> loops;

    /**
     * The most loops a group starts: a loop is a thread and a kernel event queue, and one per
     * core is the usual count; far more is a mistake (Integer.MAX_VALUE ran out of memory
     * sizing the list before the first thread started).
     */
    public static final int MAX_LOOPS = 1024;

    private LoopGroup(List<EventLoop> loops) {
        this.loops = List.copyOf(loops);
    }

    /**
     * Starts {@code count} live loops and runs {@code setup} on each loop's thread, one loop after
     * another in order, each finished before the next begins. If a setup throws, every loop is
     * closed and the exception is rethrown here.
     *
     * @param count how many loops, 1 to {@value #MAX_LOOPS}
     * @param options the options of every loop
     * @param setup what to run on each loop's thread with that loop
     * @return the group, its loops running
     * @throws IllegalArgumentException if count is below 1 or above {@value #MAX_LOOPS}
     * @throws IllegalStateException if called on a loop's thread (it waits for every setup), or
     *         when the process runs out of file descriptors for the loops
     */
    public static LoopGroup start(int count, LoopOptions options, Consumer<EventLoop> setup) {
        if (count < 1 || count > MAX_LOOPS) {
            throw new IllegalArgumentException("count must be 1 to " + MAX_LOOPS + ": " + count);
        }
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(setup, "setup");
        if (EventLoop.current() != null) {
            // start waits for every setup: on a loop's thread that would stall the loop (and
            // loops never wait for one another).
            throw new IllegalStateException("LoopGroup.start waits for each loop's setup, and a loop's thread may not"
                    + " wait: start the group from a thread that runs no loop (CompletableFuture.runAsync, say)");
        }
        List<EventLoop> started = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                EventLoop loop = EventLoop.start(options);
                started.add(loop);
                loop.submit(() -> {
                    setup.accept(loop);
                    return null;
                }).join();
            }
        } catch (RuntimeException | Error e) {
            started.forEach(EventLoop::close);
            // The setup's own exception, not the future's wrapper around it: a checked one too
            // (thrown sneakily, as Kotlin or Lombok's @SneakyThrows do).
            if (e instanceof CompletionException c && c.getCause() != null) {
                throw LoopCore.sneaky(c.getCause());
            }
            throw e;
        }
        return new LoopGroup(started);
    }

    /** {@return the loops, in the order they were started} */
    public List<EventLoop> loops() {
        return loops;
    }

    /** {@return how many loops the group has} */
    public int size() {
        return loops.size();
    }

    /**
     * Sums the loops' statistics field by field.
     *
     * @return the group's totals; idle when every loop is
     */
    public LoopStats stats() {
        LoopStats total = null;
        for (EventLoop loop : loops) {
            total = total == null ? loop.stats() : total.plus(loop.stats());
        }
        return total;
    }

    /**
     * Closes every loop (see {@link EventLoop#close()}), waiting for each unless called from a
     * loop thread. Idempotent.
     */
    @Override
    public void close() {
        loops.forEach(EventLoop::close);
    }

    @Override
    public String toString() {
        return "LoopGroup" + loops;
    }
}
