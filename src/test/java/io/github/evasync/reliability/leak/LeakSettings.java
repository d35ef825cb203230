package io.github.evasync.reliability.leak;

import io.github.evasync.internal.ffi.AllocationCounter;

import java.time.Duration;
import java.util.Arrays;

/**
 * Every size, count, duration and switch of the leak child, in one place: how many units each
 * workload runs and how many at a time, how long settling may take, and the mode the child was
 * started in. {@code NativeLeakTest} reads {@link #ROUND2_FACTOR}, {@link #NMT_PROPERTY} and
 * {@link #DNS_NAMES} from here too.
 */
public final class LeakSettings {
    // ---- sizes: W per workload (the second round runs ROUND2_FACTOR * W), and concurrency ----
    public static final int ROUND2_FACTOR = 10;
    static final int TIMERS_W = 300;
    static final int TIMERS_CONCURRENCY = 50;
    static final int ECHO_W = 100;
    static final int ECHO_CONCURRENCY = 20;
    static final int ECHO_BYTES = 4096;
    static final int ECHO_FLOW_BYTES = 256 * 1024;
    static final int UDP_W = 100;
    static final int UDP_CONCURRENCY = 20;
    static final int UNIX_W = 100;
    static final int UNIX_CONCURRENCY = 20;
    static final int REFUSED_W = 90;
    static final int REFUSED_CONCURRENCY = 30;
    static final int RESET_W = 45;
    static final int RESET_CONCURRENCY = 6;
    static final int RESET_WRITE_BYTES = 1 << 20;
    static final int TIMEOUTS_W = 40;
    static final int TIMEOUTS_CONCURRENCY = 40;
    static final Duration SHORT_TIMEOUT = Duration.ofMillis(25);
    static final Duration HEADER_TIMEOUT = Duration.ofMillis(150);
    static final int HTTP_W = 100;
    static final int HTTP_CONCURRENCY = 10;
    static final int HTTP_POST_BYTES = 10_000;
    static final int MALFORMED_W = 70;
    static final int MALFORMED_CONCURRENCY = 14;
    static final int MALFORMED_LIMIT = 1024;
    static final int THROWING_W = 70;
    static final int THROWING_CONCURRENCY = 14;
    static final int IN_FLIGHT_W = 25;
    static final int IN_FLIGHT_CONCURRENCY = 5;
    static final int IN_FLIGHT_CHUNK = 64 * 1024;
    static final int IN_FLIGHT_MAX_CHUNKS = 1024;
    static final Duration SINK_HOLD = Duration.ofMillis(50);
    static final Duration ANSWER_DELAY = Duration.ofMillis(5);
    static final int DNS_W = 200;
    static final int DNS_CONCURRENCY = 50;
    /** Names n0, n2, ... of the zone your.test that dnsmasq answers for. */
    public static final int DNS_NAMES = 2000;
    static final int LOOPS_W = 10;
    static final int LOOP_CLIENTS = 6;
    static final int LOOP_CLIENT_BYTES = 256 * 1024;
    static final int LOOP_HTTP_CALLS = 4;
    static final int LOOP_TIMERS = 50;
    static final int LOOP_DNS_LOOKUPS = 4;
    /** How long the task runs on a live loop's thread while another thread closes the loop. */
    static final Duration LOOP_BUSY_TASK = Duration.ofMillis(5);
    /** A live loop's close() that takes longer has hung. */
    static final Duration LOOP_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    /** Descriptor numbers each workload's loop watches once before its first round; see {@link FdMapWarmup}. */
    static final int FD_MAP_WARMUP = 512;

    // ---- settling and deadlines ----
    static final Duration SETTLE_POLL = Duration.ofMillis(5);
    /** A first sample is taken once the counts have not moved for this many polls. */
    static final int STABLE_POLLS = 4;
    /** How long the counts may take to come back down; a count still up after this is a leak. */
    static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(8);
    /** A round that has not finished by then is reported with what it lacks, and its loop exits. */
    static final Duration ROUND_TIMEOUT = Duration.ofSeconds(20);
    /** A workload not finished by then has hung: the child prints its threads and dies (-Dleak.deadline=s). */
    static final Duration WORKLOAD_DEADLINE = Duration.ofSeconds(Long.getLong("leak.deadline", 60));

    // ---- the mode the child runs in ----
    static final boolean COUNTING = AllocationCounter.installed();
    /** For looking into a failure: -Dleak.variant=k/m runs only the units i with i % m == k. */
    static final int[] VARIANT = System.getProperty("leak.variant") == null ? null
            : Arrays.stream(System.getProperty("leak.variant").split("/")).mapToInt(Integer::parseInt).toArray();
    /** Set in a child started with -XX:NativeMemoryTracking=summary: then samples read its malloc total. */
    public static final String NMT_PROPERTY = "leak.nmt";
    static final boolean NMT = Boolean.getBoolean(NMT_PROPERTY);
    /** How often {@link Malloc#untracked()} reads NMT and mallinfo before it settles for an average. */
    static final int UNTRACKED_TRIES = 20;

    private LeakSettings() {
    }
}
