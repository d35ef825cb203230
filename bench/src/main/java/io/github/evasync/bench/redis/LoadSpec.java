package io.github.evasync.bench.redis;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * What a Redis client load run does, from its arguments, and its one-line report. A run keeps
 * {@code depth} commands (SET or GET of a {@code size}-byte value) outstanding on each of
 * {@code connections} connections, each reply issuing the next, for {@code warmup} seconds and
 * then {@code seconds} measured; CPU is the whole client process's over the measured window.
 * Arguments: host port set|get connections depth [seconds (5)] [warmup (2)] [size (64)].
 */
record LoadSpec(String host, int port, boolean set, int connections, int depth, int seconds, int warmup, int size) {
    static LoadSpec parse(String[] a) {
        if (a.length < 5) {
            throw new IllegalArgumentException("usage: host port set|get connections depth [seconds] [warmup] [size]");
        }
        return new LoadSpec(a[0], Integer.parseInt(a[1]), a[2].equals("set"), Integer.parseInt(a[3]),
                Integer.parseInt(a[4]), a.length > 5 ? Integer.parseInt(a[5]) : 5,
                a.length > 6 ? Integer.parseInt(a[6]) : 2, a.length > 7 ? Integer.parseInt(a[7]) : 64);
    }

    byte[] key() {
        return "bench:redis:key".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    byte[] value() {
        byte[] v = new byte[size];
        Arrays.fill(v, (byte) 'v');
        return v;
    }

    /** {@return the process's CPU time so far, in nanoseconds (every thread)} */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    String report(String impl, long ops, long nanos, long cpuNanos, long errors) {
        double secs = nanos / 1e9;
        double cpu = cpuNanos / 1e9;
        return String.format("redis impl=%s op=%s conns=%d depth=%d ops=%d secs=%.2f ops_per_s=%.0f cpu_s=%.2f"
                + " ops_per_cpu_s=%.0f errors=%d", impl, set ? "set" : "get", connections, depth, ops, secs,
                ops / secs, cpu, cpu > 0 ? ops / cpu : 0, errors);
    }
}
