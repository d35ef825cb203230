#!/usr/bin/env bash
# Redis clients: evasync's driver against Lettuce 7.7.0 (its async API) in the same run, with
# redis-benchmark (C, hiredis-style) as the floor. One redis-server pinned to core 0; each client
# pinned to core 1 in turn, at every point: SET and GET of 64-byte values, 1 and 50 connections,
# pipeline depth 1, 16 and 256 (each connection keeps that many commands outstanding).
#   bench/redis.sh
# Environment: SECONDS_PER_RUN (5), WARMUP (2), ROUNDS (1), OPS ("set get"), CONNS ("1 50"),
# DEPTHS ("1 16 256"), IMPLS ("redis-benchmark evasync lettuce lettuce-batch"), BENCH_REQUESTS (requests per
# redis-benchmark run, default 2000000 at depth >= 16 and 300000 at depth 1), SKIP_BUILD (0).
# Prints one line per run (operations per second, and per client CPU-second: the Java clients
# measure their own process over the measured window, redis-benchmark is timed whole by its
# rusage) to stdout and bench/target/redis/results.txt, then the medians and the ratios
# evasync/lettuce per client CPU-second and evasync/redis-benchmark in operations per second
# (each the median over rounds of that round's ratio, with the ratio of the medians beside it),
# and draws the chart (bench/redis-plot.py) into bench/target/redis/redis.svg.
# Lettuce runs two ways: "lettuce" with its defaults (each reply issues the next command,
# flushed as issued) and "lettuce-batch" as its documentation advises for pipelining (auto-flush
# off, a batch of depth commands and one flush, the next batch when all replies are in); the
# ratio is taken against the better of the two per client CPU-second.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=$root/bench/target/redis
mkdir -p "$out"
secs=${SECONDS_PER_RUN:-5}
warmup=${WARMUP:-2}
rounds=${ROUNDS:-1}
ops=${OPS:-set get}
conns_list=${CONNS:-1 50}
depths=${DEPTHS:-1 16 256}
impls=${IMPLS:-redis-benchmark evasync lettuce lettuce-batch}
java=$(bench/find-java.sh)

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "== building"
  mvn -q -B -DskipTests install
  mvn -q -B -f bench/pom.xml package
fi
jar=$root/bench/target/benchmarks.jar
results=$out/results.txt
: > "$results"

port=$((20000 + RANDOM % 20000))
rm -rf "$out/server" && mkdir -p "$out/server"
taskset -c 0 redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
  --dir "$out/server" --logfile "$out/server/redis.log" &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true; wait $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  redis-cli -p "$port" ping >/dev/null 2>&1 && break
  sleep 0.1
done
# redis-benchmark's GET reads the key its SET writes (without -r, "key:__rand_int__"): written
# here with the same 64-byte value, or a run of GET alone would time nil replies.
redis-cli -p "$port" set key:__rand_int__ "$(printf 'v%.0s' $(seq 64))" > /dev/null

run_c() { # op conns depth
  local op=$1 c=$2 d=$3 n
  n=${BENCH_REQUESTS:-$([ "$d" -ge 16 ] && echo 2000000 || echo 300000)}
  # rusage of the child: redis-benchmark's own CPU, all of it (it has no warm-up to leave out).
  local line
  line=$(taskset -c 1 python3 - "$n" redis-benchmark -h 127.0.0.1 -p "$port" -c "$c" -P "$d" -d 64 -t "$op" -n "$n" -q <<'PY'
import resource, subprocess, sys, time
n = int(sys.argv[1])
t0 = time.monotonic()
p = subprocess.run(sys.argv[2:], capture_output=True, text=True)
t = time.monotonic() - t0
r = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = r.ru_utime + r.ru_stime
rps = 0.0
for part in p.stdout.replace('\r', '\n').split('\n'):
    if 'requests per second' in part:
        rps = float(part.split(':')[1].split()[0])
print(f"ops={n} secs={t:.2f} ops_per_s={rps:.0f} cpu_s={cpu:.2f} ops_per_cpu_s={n / cpu if cpu else 0:.0f}")
PY
)
  echo "redis impl=redis-benchmark op=$op conns=$c depth=$d $line errors=0" | tee -a "$results"
}

run_java() { # impl op conns depth
  local impl=$1 op=$2 c=$3 d=$4 cls flag=-Dlettuce.batch=false
  case $impl in
    evasync) cls=io.github.evasync.bench.redis.EvasyncRedisLoad ;;
    lettuce) cls=io.github.evasync.bench.redis.LettuceRedisLoad ;;
    lettuce-batch) cls=io.github.evasync.bench.redis.LettuceRedisLoad flag=-Dlettuce.batch=true ;;
    *) echo "unknown client $impl" >&2; exit 2 ;;
  esac
  taskset -c 1 "$java" --enable-native-access=ALL-UNNAMED -Xmx1g "$flag" -cp "$jar" "$cls" \
    127.0.0.1 "$port" "$op" "$c" "$d" "$secs" "$warmup" 64 2>"$out/$impl.err" | grep '^redis ' | tee -a "$results"
}

for r in $(seq 1 "$rounds"); do
  echo "== round $r"
  for op in $ops; do
    for c in $conns_list; do
      for d in $depths; do
        for impl in $impls; do
          if [ "$impl" = redis-benchmark ]; then run_c "$op" "$c" "$d"; else run_java "$impl" "$op" "$c" "$d"; fi
        done
      done
    done
  done
done

echo "== medians: operations per second, per client CPU-second; ratios"
python3 - "$results" <<'PY'
import statistics, sys, collections
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    f = dict(kv.split('=', 1) for kv in line.split()[1:])
    runs[(f['op'], int(f['conns']), int(f['depth']), f['impl'])].append((float(f['ops_per_s']), float(f['ops_per_cpu_s'])))
points = sorted({k[:3] for k in runs})
nan = float('nan')
def med(k, i):
    v = [x[i] for x in runs.get(k, [])]
    return statistics.median(v) if v else nan
def paired(p, num, dens, i):
    # Median over rounds of num / (best of dens), each round's runs taken within a minute of each
    # other: the VM's speed drifts by up to 2x between rounds, which a ratio of medians mixes in.
    a = runs.get(p + (num,), [])
    bs = [runs.get(p + (d,), []) for d in dens]
    n = min([len(a)] + [len(b) for b in bs])
    r = [a[j][i] / max(b[j][i] for b in bs) for j in range(n)]
    return statistics.median(r) if r else nan
print("| op | conns | depth | redis-benchmark ops/s | evasync ops/s | lettuce ops/s | lettuce-batch ops/s | evasync ops/CPU-s | lettuce ops/CPU-s | lettuce-batch ops/CPU-s | evasync/best lettuce per CPU-s | evasync/redis-benchmark ops/s |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for p in points:
    rb, ev, le, lb = (med(p + (i,), 0) for i in ('redis-benchmark', 'evasync', 'lettuce', 'lettuce-batch'))
    evc, lec, lbc = (med(p + (i,), 1) for i in ('evasync', 'lettuce', 'lettuce-batch'))
    best = max((x for x in (lec, lbc) if x == x), default=nan)
    cpu = paired(p, 'evasync', ('lettuce', 'lettuce-batch'), 1)
    ops = paired(p, 'evasync', ('redis-benchmark',), 0)
    print(f"| {p[0]} | {p[1]} | {p[2]} | {rb:,.0f} | {ev:,.0f} | {le:,.0f} | {lb:,.0f} | {evc:,.0f} | {lec:,.0f} | {lbc:,.0f}"
          f" | {cpu:.2f}x ({evc / best if best else nan:.2f}x) | {ops:.2f}x ({ev / rb if rb else nan:.2f}x) |")
print("\nRatios: the median over rounds of each round's ratio (in parentheses: the ratio of the medians).")
PY
python3 bench/redis-plot.py "$results" "$out/redis.svg"
echo "(bench/RESULTS.md shows a run's chart as bench/redis.svg: copy $out/redis.svg there)"
