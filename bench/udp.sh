#!/usr/bin/env bash
# UDP echo: evasync against a C libevent server (recvfrom/sendto per datagram) and Netty's epoll
# DatagramChannel (recvmmsg and sendmmsg on), one event loop each, the server pinned to core 0 and
# the load generator (bench/peers/udp_load.c: 16 sender sockets, 64-byte datagrams, a window of
# outstanding datagrams per sender) to core 1, loopback only; the servers interleaved per round.
#   bench/udp.sh
# Environment: SECONDS_PER_RUN (10), ROUNDS (2), IMPLS ("c evasync netty"), SENDERS (16),
# SIZE (64), WINDOW (8: datagrams outstanding per sender), WARMUP (3 seconds), SKIP_BUILD (0).
# Prints one line per run (datagrams echoed per second and per server CPU-second, from
# /proc/PID/stat) to stdout and bench/target/udp/results.txt, then the ratios of evasync's
# median per CPU-second to each other server's. Needs: gcc, libevent-dev, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=$root/bench/target/udp
mkdir -p "$out"
secs=${SECONDS_PER_RUN:-10}
rounds=${ROUNDS:-2}
impls=${IMPLS:-c evasync netty}
senders=${SENDERS:-16}
size=${SIZE:-64}
window=${WINDOW:-8}
warmup=${WARMUP:-3}
java=$(bench/find-java.sh)

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "== building"
  mvn -q -B -DskipTests install
  mvn -q -B -f bench/pom.xml package
fi
gcc -O2 -o "$out/c_udp_echo" bench/peers/c_udp_echo.c -levent_core
gcc -O2 -o "$out/udp_load" bench/peers/udp_load.c
jar=$root/bench/target/benchmarks.jar
results=$out/results.txt
: > "$results"
port=19800
clk=$(getconf CLK_TCK)

start_server() { # impl port
  local impl=$1 p=$2
  local jflags="--enable-native-access=ALL-UNNAMED -Xmx1g"
  case $impl in
    c) taskset -c 0 "$out/c_udp_echo" "$p" > "$out/server.log" 2>&1 & ;;
    evasync) taskset -c 0 "$java" $jflags -cp "$jar" io.github.evasync.bench.servers.EvasyncUdpServer "$p" > "$out/server.log" 2>&1 & ;;
    netty) taskset -c 0 "$java" $jflags -cp "$jar" io.github.evasync.bench.servers.NettyUdpServer "$p" > "$out/server.log" 2>&1 & ;;
    *) echo "unknown server $impl" >&2; exit 2 ;;
  esac
  server_pid=$!
  for _ in $(seq 1 100); do
    grep -q listening "$out/server.log" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "server $impl did not start:" >&2; cat "$out/server.log" >&2; exit 1
}
stop_server() { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
cpu() { awk -v t="$clk" '{printf "%.3f", ($14 + $15) / t}' "/proc/$server_pid/stat"; }
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT

run_udp() { # impl
  local impl=$1
  port=$((port + 1)); start_server "$impl" "$port"
  taskset -c 1 "$out/udp_load" "$port" "$senders" "$size" "$window" "$warmup" > /dev/null
  local c0; c0=$(cpu)
  local line; line=$(taskset -c 1 "$out/udp_load" "$port" "$senders" "$size" "$window" "$secs")
  local c1; c1=$(cpu)
  stop_server
  local rate echoed
  rate=$(awk '{print $2}' <<< "$line")
  echoed=$(awk '{print $4}' <<< "$line")
  local per_cpu; per_cpu=$(awk -v m="$echoed" -v a="$c0" -v b="$c1" 'BEGIN {printf "%.0f", (b > a) ? m / (b - a) : 0}')
  echo "udp $impl datagrams_per_s=$rate datagrams_per_cpu_s=$per_cpu server_cpu_s=$(awk -v a="$c0" -v b="$c1" 'BEGIN {printf "%.2f", b - a}')" | tee -a "$results"
}

for r in $(seq 1 "$rounds"); do
  echo "== round $r"
  for impl in $impls; do run_udp "$impl"; done
done

echo "== medians, datagrams per server CPU-second"
python3 - "$results" <<'PY'
import re, statistics, sys
per = {}
for line in open(sys.argv[1]):
    m = re.match(r"udp (\S+) .*datagrams_per_cpu_s=(\d+)", line)
    if m:
        per.setdefault(m.group(1), []).append(int(m.group(2)))
med = {k: statistics.median(v) for k, v in per.items()}
for k, v in med.items():
    print(f"{k:8} {v:12.0f}")
if "evasync" in med:
    for other in ("netty", "c"):
        if other in med and med[other] > 0:
            print(f"evasync / {other}: {med['evasync'] / med[other]:.2f}x")
PY
