package io.github.evasync.reliability.leak;

import static io.github.evasync.reliability.leak.LeakSettings.WORKLOAD_DEADLINE;

/**
 * The last guard against a workload that hangs: once the current workload has run past
 * {@link LeakSettings#WORKLOAD_DEADLINE}, it prints a FAIL line and every thread's stack,
 * and halts the child.
 */
final class Watchdog {
    static volatile String current = "start";
    static volatile long deadline = Long.MAX_VALUE;

    private Watchdog() {
    }

    /** The workload {@code name} starts now; its deadline runs from here. */
    static void arm(String name) {
        current = name;
        deadline = System.nanoTime() + WORKLOAD_DEADLINE.toNanos();
    }

    static void start() {
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                if (System.nanoTime() - deadline > 0) {
                    System.out.println("FAIL " + current + ": hung for " + WORKLOAD_DEADLINE.toSeconds() + " s; threads:");
                    Thread.getAllStackTraces().forEach((th, st) -> {
                        System.out.println("  " + th);
                        for (StackTraceElement e : st) {
                            System.out.println("      at " + e);
                        }
                    });
                    System.out.flush();
                    Runtime.getRuntime().halt(3);
                }
            }
        }, "leak-watchdog");
        t.setDaemon(true);
        t.start();
    }
}
