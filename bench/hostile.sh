#!/usr/bin/env bash
# HTTP hello under attack: evasync's httpServer (one loop, core 0) measured by wrk -c100 (core
# 1), once clean and once while DRIP connections drip a body a byte a second (slowloris) and
# PIPE connections pipeline requests without ever reading the answers. Reports both runs'
# requests per second and per server CPU-second, and the server's peak RSS; loopback only,
# every run bounded in time.
#   bench/hostile.sh        Environment: SECONDS_PER_RUN (10), ROUNDS (2), DRIP (1000), PIPE (200),
#   WARM (15: seconds of attack before wrk starts; the attackers fill their output bound in
#   about 10, so WARM=3 measures that fill), JFLAGS (the server JVM's flags; default: the load
#   suite's memory flags, -XX:+UseSerialGC -Xms32m -Xmn8m -Xmx512m)
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/target/hostile
mkdir -p "$out"
secs=${SECONDS_PER_RUN:-10}
rounds=${ROUNDS:-2}
drip=${DRIP:-1000}
pipe_n=${PIPE:-200}
java=$(bench/find-java.sh)
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
mvn -q -B -DskipTests install
mvn -q -B -f bench/pom.xml package
gcc -O2 -o "$out/hostile_load" bench/peers/hostile_load.c
jar=bench/target/benchmarks.jar
clk=$(getconf CLK_TCK)
port=19800
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT

run() { # clean|hostile
  local kind=$1
  port=$((port + 1))
  # shellcheck disable=SC2086
  taskset -c 0 "$java" --enable-native-access=ALL-UNNAMED ${JFLAGS:--XX:+UseSerialGC -Xms32m -Xmn8m -Xmx512m} -cp "$jar" \
      io.github.evasync.bench.servers.EvasyncServer hello "$port" > "$out/server.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do grep -q listening "$out/server.log" && break; sleep 0.1; done
  taskset -c 1 wrk -t1 -c100 -d5s "http://127.0.0.1:$port/" > /dev/null 2>&1 || true
  local load=""
  if [ "$kind" = hostile ]; then
    taskset -c 1 "$out/hostile_load" "$port" "$drip" "$pipe_n" $((secs + ${WARM:-15} + 15)) > "$out/hostile.txt" 2>&1 &
    load=$!
    for _ in $(seq 1 300); do grep -q "hostile ready" "$out/hostile.txt" && break; sleep 0.1; done
    sleep "${WARM:-15}" # the pipeliners fill the server up to its output bound
  fi
  local peak=0
  ( while kill -0 "$pid" 2>/dev/null; do awk '/VmRSS/ {print $2}' "/proc/$pid/status"; sleep 0.2; done ) \
      > "$out/rss.txt" 2>/dev/null &
  local sampler=$!
  local c0; c0=$(awk -v t="$clk" '{printf "%.3f", ($14 + $15) / t}' "/proc/$pid/stat")
  taskset -c 1 wrk -t1 -c100 -d"${secs}s" --latency "http://127.0.0.1:$port/" > "$out/wrk.txt" 2>&1
  local c1; c1=$(awk -v t="$clk" '{printf "%.3f", ($14 + $15) / t}' "/proc/$pid/stat")
  peak=$(sort -n "$out/rss.txt" | tail -1)
  local conns; conns=$(ls /proc/"$pid"/fd | wc -l)
  kill "$sampler" 2>/dev/null || true
  [ -n "$load" ] && { kill "$load" 2>/dev/null || true; wait "$load" 2>/dev/null || true; }
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  local reqs rps p99
  reqs=$(awk '/requests in/ {print $1}' "$out/wrk.txt")
  rps=$(awk '/Requests\/sec/ {print $2}' "$out/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$out/wrk.txt")
  local per_cpu; per_cpu=$(awk -v r="$reqs" -v a="$c0" -v b="$c1" 'BEGIN {printf "%.0f", r / (b - a)}')
  echo "$kind req_per_s=$rps req_per_cpu_s=$per_cpu p99=$p99 peak_rss_kb=$peak server_fds=$conns" | tee -a "$out/results.txt"
}

: > "$out/results.txt"
for _ in $(seq 1 "$rounds"); do
  run clean
  run hostile
done
python3 - "$out/results.txt" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    kind, *kv = line.split()
    d = dict(x.split("=") for x in kv)
    rows.setdefault(kind, []).append(d)
def med(kind, key):
    return statistics.median(float(re.sub(r"[a-z]+$", "", r[key])) for r in rows[kind])
print("| run | requests/s | requests per server CPU-second | peak server RSS (MiB) |")
print("|---|---|---|---|")
for k in ("clean", "hostile"):
    print(f"| {k} | {med(k, 'req_per_s'):,.0f} | {med(k, 'req_per_cpu_s'):,.0f} | {max(float(r['peak_rss_kb']) for r in rows[k]) / 1024:,.0f} |")
print(f"\nhostile/clean requests/s: {med('hostile', 'req_per_s') / med('clean', 'req_per_s'):.2f}")
PY
