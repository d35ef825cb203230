package io.github.evasync.bench.servers;

/**
 * The floor for bench/load.sh's idle scenario: a JVM with the same flags as the Java servers
 * that loads no server at all, so the idle figures show what each server adds to the JVM.
 */
public final class IdleJvm {
    private IdleJvm() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println("bare JVM listening on nothing");
        Thread.sleep(Long.MAX_VALUE);
    }
}
