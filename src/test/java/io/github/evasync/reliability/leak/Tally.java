package io.github.evasync.reliability.leak;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a round expects to happen and what did; thread-safe (peers count from their threads).
 * Each outcome a unit expects is counted once; anything unexpected (a condition no unit
 * expects, a callback that must not run, a unit done twice or off the loop thread) is kept,
 * with its stack, and fails the round.
 */
final class Tally {
    final Map<String, AtomicInteger> expected = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> got = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> total = new ConcurrentHashMap<>();
    final Queue<String> unexpected = new ConcurrentLinkedQueue<>();
    final AtomicInteger unexpectedCount = new AtomicInteger();

    void expect(String k) {
        expected.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
    }

    void got(String k) {
        got.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
        total.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
    }

    /** Counts something that may or may not happen (a race the workload allows); reported, not checked. */
    void note(String k) {
        total.computeIfAbsent("~" + k, x -> new AtomicInteger()).incrementAndGet();
    }

    void unexpected(String what, Throwable t) {
        if (unexpectedCount.incrementAndGet() <= 10) {
            StringBuilder sb = new StringBuilder(what);
            if (t != null) {
                sb.append(": ").append(t);
                for (StackTraceElement e : t.getStackTrace()) {
                    sb.append("\n        at ").append(e);
                }
                if (t.getCause() != null) {
                    sb.append("\n    caused by ").append(t.getCause());
                }
            }
            unexpected.add(sb.toString());
        }
    }

    /** Mismatches of this round; then starts the next round from zero. */
    List<String> verifyAndReset() {
        List<String> out = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(expected.keySet());
        keys.addAll(got.keySet());
        for (String k : keys) {
            int e = expected.getOrDefault(k, new AtomicInteger()).get();
            int g = got.getOrDefault(k, new AtomicInteger()).get();
            if (e != g) {
                out.add(k + ": expected " + e + ", got " + g);
            }
        }
        int n = unexpectedCount.getAndSet(0);
        if (n > 0) {
            out.add(n + " unexpected: " + String.join("\n    ", unexpected));
        }
        unexpected.clear();
        expected.clear();
        got.clear();
        return out;
    }

    String totals() {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(total).forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ",").append(k).append(':').append(v));
        return sb.isEmpty() ? "none" : sb.toString();
    }
}
