package io.github.evasync.reliability;

import io.github.evasync.Event;
import io.github.evasync.EventLoop;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM of {@link FirstUseOverflowTest}: a fresh JVM, so that no class of the library
 * was initialised by another test. It runs a loop on a small stack and makes the process's first
 * {@code watchFd} call at every depth near the end of the stack, from the deepest up, until one
 * goes through; a {@link StackOverflowError} there is that call's own, as anywhere. Then, at a
 * normal depth, it watches the descriptor once more and prints {@code after: ok} when that
 * works, or {@code after: FAILED} and what was thrown. The descriptor is the child's stdin, a
 * pipe the parent never writes to.
 */
public final class FirstUseOverflowChild {
    private static final long STACK = 512 * 1024;
    private static final int STDIN = 0;
    private static boolean done;
    private static Throwable firstOther;
    private static int others;

    private FirstUseOverflowChild() {
    }

    /** Recurses to the end of the stack, then tries {@code call} at each depth on the way back. */
    private static void edge(Runnable call) {
        try {
            edge(call);
        } catch (Throwable t) {
            if (!(t instanceof StackOverflowError)) {
                others++;
                if (firstOther == null) {
                    firstOther = t;
                }
            }
        }
        if (!done) {
            call.run();
            done = true;
        }
    }

    public static void main(String[] args) throws Exception {
        CompletableFuture<String> outcome = new CompletableFuture<>();
        Thread t = new Thread(null, () -> {
            try {
                EventLoop.run(loop -> start(loop, outcome));
            } catch (Throwable e) {
                outcome.complete("FAILED loop: " + e);
            }
            outcome.complete("FAILED the loop ended without an outcome");
        }, "small-stack-loop", STACK);
        t.setDaemon(true);
        t.start();
        String result = outcome.get(60, TimeUnit.SECONDS);
        System.out.println("edge: " + others + " throwable(s) other than StackOverflowError"
                + (firstOther == null ? "" : ", the first " + firstOther));
        System.out.println("after: " + result);
        System.out.flush();
        System.exit(0);
    }

    private static void start(EventLoop loop, CompletableFuture<String> outcome) {
        // The loop's timers are warmed up at a normal depth: only watchFd's first use is deep.
        loop.delay(Duration.ofMillis(1), () -> { }).free();
        Event[] deep = new Event[1];
        loop.delay(() -> {
            edge(() -> deep[0] = loop.watchFd(STDIN, () -> { }, null, null, null));
            loop.delay(() -> {
                try {
                    if (deep[0] != null) {
                        deep[0].free();
                    }
                    loop.watchFd(STDIN, () -> { }, null, null, null).free();
                    outcome.complete("ok");
                } catch (Throwable e) {
                    outcome.complete("FAILED watchFd at a normal depth: " + e);
                }
                loop.exit();
            });
        });
    }
}
