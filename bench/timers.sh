#!/usr/bin/env bash
# Timers at scale: evasync's loop against Netty's epoll IoEventLoop (MultiThreadIoEventLoopGroup
# with EpollIoHandler), the loop thread's own CPU time per timer (TimerLoad, a plain main).
#   bench/timers.sh                       # N = 1e3 .. 1e6, a warm-up and 3 rounds; 3-5 min (estimated)
#   N_MAX=1e4 MEM_N=1e5 ROUNDS=1 bench/timers.sh
# cpu: one JVM, the impls interleaved round by round. Per N: schedule N one-shot timers (delays
# uniform in 0..100 ms, fixed seed, one shared Runnable) on the loop and wait for all to fire;
# then schedule N timers 10..20 s out and cancel them all (evasync Event.free(), Netty
# future.cancel(false)). memory: a fresh JVM per impl and round holds MEM_N timers 60 s out;
# heap in use after System.gc(), VmRSS after malloc_trim(0) (the heap pre-touched, so RSS grows
# only outside it) and malloc's bytes in use (mallinfo2), before and after, per timer.
# Every figure is the best of the rounds after the warm-up; ratios are netty / evasync, so
# above 1 means evasync spends less.
# Environment: N_MAX (1e6: N runs over the powers of ten from 1e3 to it), MEM_N (N_MAX),
# ROUNDS (3, after one warm-up round), IMPLS ("evasync netty"; netty-default adds Netty's
# DefaultEventLoop), JVMFLAGS (the cpu JVM's: -Xms2g -Xmx2g -XX:+UseParallelGC), MEM_JVMFLAGS
# (the memory JVMs': -Xms1g -Xmx1g -XX:+UseParallelGC -XX:+AlwaysPreTouch; pre-touching costs
# seconds per GiB on a busy VM), the same for every impl; TIME_LIMIT (600 s per JVM), SKIP_BUILD (0).
# Raw lines: bench/target/timers/results.txt; a markdown table on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=$root/bench/target/timers
mkdir -p "$out"
n_max=${N_MAX:-1e6}
mem_n=${MEM_N:-$n_max}
rounds=${ROUNDS:-3}
impls=${IMPLS:-evasync netty}
jvmflags=${JVMFLAGS:--Xms2g -Xmx2g -XX:+UseParallelGC}
memflags=${MEM_JVMFLAGS:--Xms1g -Xmx1g -XX:+UseParallelGC -XX:+AlwaysPreTouch}
limit=${TIME_LIMIT:-600}
java=$(bench/find-java.sh)

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "== building"
  mvn -q -B -DskipTests install
  mvn -q -B -f bench/pom.xml package
fi
jar=$root/bench/target/benchmarks.jar
results=$out/results.txt
: > "$results"
{ bench/meta.sh "$java"; echo "jvmflags=$jvmflags"; echo "mem_jvmflags=$memflags"; } > "$out/meta.txt" 2>/dev/null || true

ns=$(python3 -c "
m = int(float('$n_max')); n = 1000; out = []
while n <= m: out.append(str(n)); n *= 10
print(','.join(out or [str(m)]))")

run() { # flags args...
  local flags=$1; shift
  timeout "$limit" "$java" --enable-native-access=ALL-UNNAMED $flags -cp "$jar" \
    io.github.evasync.bench.TimerLoad "$@" 2> "$out/stderr.txt" | tee -a "$results" \
    || { echo "TimerLoad $* failed or timed out:" >&2; cat "$out/stderr.txt" >&2; exit 1; }
}

echo "== cpu: N in $ns, impls $impls, a warm-up round and $rounds rounds"
run "$jvmflags" cpu "$(tr ' ' ',' <<< "$impls")" "$ns" "$rounds"
echo "== memory: $mem_n timers 60 s out, a fresh JVM per impl and round"
for r in $(seq 1 "$rounds"); do
  order=$impls
  [ $((r % 2)) = 0 ] && order=$(tr ' ' '\n' <<< "$impls" | tac | tr '\n' ' ')
  for impl in $order; do run "$memflags" memory "$impl" "$mem_n"; done
done

echo "== best of $rounds rounds (warm-up left out); ratios netty / evasync (> 1: evasync spends less)"
python3 - "$results" <<'PY'
import collections, sys
best = collections.defaultdict(lambda: float('inf'))
impls, ns = [], set()
for line in open(sys.argv[1]):
    if not line.startswith('timers '):
        continue
    f = dict(kv.split('=', 1) for kv in line.split()[1:])
    if int(f.get('round', 1)) == 0:
        continue
    impl, n = f['impl'], int(f['n'])
    if impl not in impls:
        impls.append(impl)
    for k, v in f.items():
        if k == 'malloc_b' and float(v) == -1:
            continue  # no mallinfo2 here
        if k not in ('op', 'impl', 'n', 'round', 'gc_ms', 'heap0_mb', 'rss0_mb'):
            best[(f['op'], k, impl, n)] = min(best[(f['op'], k, impl, n)], float(v))
    if f['op'] != 'memory':
        ns.add(n)
order = ['evasync', 'netty', 'netty-default']
impls.sort(key=lambda i: order.index(i) if i in order else len(order))
others = [i for i in impls if i != 'evasync']
def cell(op, k, impl, n):
    v = best.get((op, k, impl, n))
    return f"{v:,.1f}" if v is not None and v != float('inf') else "-"
def ratio(op, k, other, n):
    e, o = best.get((op, k, 'evasync', n)), best.get((op, k, other, n))
    return f"{o / e:.2f}x" if e and o and e != float('inf') and o != float('inf') and e > 0 else "-"
def table(title, rows):
    print(f"\n{title}\n")
    head = ["N"] + [f"{i} ns" for i in impls] + [f"{o}/evasync" for o in others]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for n in sorted(ns):
        print("| " + " | ".join([f"{n:,}"] + [cell(*rows, i, n) for i in impls] + [ratio(*rows, o, n) for o in others]) + " |")
table("Schedule + fire, loop CPU per timer (delays 0..100 ms)", ('fire', 'fire_ns'))
table("Schedule alone (the scheduling task), loop CPU per timer", ('fire', 'sched_ns'))
table("Schedule + fire, whole-process CPU per timer (loop, collectors, compilers; 10 ms clock)", ('fire', 'proc_ns'))
table("Schedule + cancel, loop CPU per timer (delays 10..20 s)", ('cancel', 'sc_ns'))
table("Cancel alone, loop CPU per timer", ('cancel', 'cancel_ns'))
table("Schedule + cancel, whole-process CPU per timer (10 ms clock)", ('cancel', 'proc_ns'))
mem = sorted({k[3] for k in best if k[0] == 'memory'})
if mem:
    print("\nMemory per pending timer (60 s out), bytes; total = heap + RSS\n")
    print("| N | impl | heap | native (RSS) | total | malloc'd (mallinfo2) |")
    print("|---|---|---|---|---|---|")
    for n in mem:
        for i in impls:
            h, r = best.get(('memory', 'heap_b', i, n)), best.get(('memory', 'native_b', i, n))
            m = best.get(('memory', 'malloc_b', i, n))
            if h is None or h == float('inf'):
                continue
            ms = f"{m:,.1f}" if m is not None and m != float('inf') else "-"
            print(f"| {n:,} | {i} | {h:,.1f} | {r:,.1f} | {h + r:,.1f} | {ms} |")
print("\nTargets (issue #20)")
if 'netty' in impls and 'evasync' in impls:
    for title, key in (("schedule+fire >= 1.0x netty at every N", ('fire', 'fire_ns')),
                       ("schedule+cancel >= 1.0x netty at every N", ('cancel', 'sc_ns'))):
        rs = [best[(key[0], key[1], 'netty', n)] / best[(key[0], key[1], 'evasync', n)] for n in sorted(ns)]
        print(f"- {title}: {'met' if all(r >= 1.0 for r in rs) else 'missed'} (min {min(rs):.2f}x)")
for n in mem:
    h, r = best.get(('memory', 'heap_b', 'evasync', n)), best.get(('memory', 'native_b', 'evasync', n))
    if h is not None and h != float('inf'):
        print(f"- at most 100 B per pending evasync timer (heap + native, N={n:,}): "
              f"{'met' if h + r <= 100 else 'missed'} ({h + r:,.1f} B)")
PY
