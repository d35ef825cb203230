package io.github.evasync.internal.ffi;

/**
 * Work that must not depend on the caller's stack depth: linking native calls, which a
 * {@link StackOverflowError} would otherwise break for the JVM's life (see {@link Linking}).
 * {@link #runAndWait()} runs {@link #work()} on a new thread and waits for it.
 *
 * <p>Callers subclass it anonymously rather than pass a lambda: a lambda's call site is
 * bootstrapped at its first use, at the caller's depth, and one that fails to bootstrap fails
 * for good, which is the very thing this class avoids.
 */
public abstract class FreshStack {
    private final String name;

    /** @param name the thread's name */
    protected FreshStack(String name) {
        this.name = name;
    }

    /** The work, on the new thread. */
    protected abstract void work() throws Exception;

    /**
     * Runs {@link #work()} on a new thread and waits for it, even when interrupted (the
     * interrupt is kept). {@return what it threw, or null}
     */
    public final Throwable runAndWait() {
        Throwable[] failure = new Throwable[1];
        Thread worker = new Thread(null, null, name) {
            @Override
            public void run() {
                try {
                    work();
                } catch (Throwable t) {
                    failure[0] = t;
                }
            }
        };
        worker.start();
        boolean interrupted = false;
        while (true) {
            try {
                worker.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return failure[0];
    }
}
