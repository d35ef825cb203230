#!/usr/bin/env bash
# Load suite: evasync against C libevent, Netty (epoll) and Vert.x, one event loop each, the
# server pinned to core 0 and the load generator to core 1, loopback only.
#   bench/load.sh [http] [echo] [hold] [hello] [idle] [scale]   (default: all, two interleaved rounds)
# http: raw HTTP answers over tcpServer vs a C bufferevent server and Netty; echo: TCP echo;
# hold: RSS per held connection (cl-async's delayed response), as many as the fd limit allows;
# hello: HTTP hello world over httpServer vs C evhttp, Netty's HttpServerCodec and Vert.x;
# idle: RSS of each hello server with nothing to do, and of a bare JVM; scale: evasync and Netty
# on 1 and 2 loops (reusePort for evasync), server and wrk -t2 sharing both cores.
# Environment: SECONDS_PER_RUN (10), ROUNDS (2), HOLD_CONNS (fd limit - 500), IMPLS
# ("c evasync netty"), MEMFLAGS (the JVM flags of hold and idle, for every JVM alike: a small
# serial heap, and glibc's freed memory given back once a second, as a deployment that cares
# about footprint would run), IDLE_SETTLE (10: seconds an idle server runs before it is
# measured), WRITE_RESULTS (1: rewrite bench/RESULTS.md's load section and
# bench/chart.svg when every scenario ran). Needs: gcc, libevent-dev, wrk, python3.
# Raw lines: bench/target/load/results.txt; a summary table on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=$root/bench/target/load
mkdir -p "$out"
scenarios=${*:-http echo hold hello idle scale}
secs=${SECONDS_PER_RUN:-10}
rounds=${ROUNDS:-2}
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
# Up to the fd limit: the server needs one descriptor per held connection, plus its own few.
hold_conns=${HOLD_CONNS:-$(( $(ulimit -n) - 500 ))}
impls=${IMPLS:-c evasync netty}
memflags=${MEMFLAGS:--XX:+UseSerialGC -Xms32m -Xmn8m -Xmx512m -XX:TrimNativeHeapInterval=1000}

java=$(bench/find-java.sh)

echo "== building"
mvn -q -B -DskipTests install
mvn -q -B -f bench/pom.xml package
gcc -O2 -o "$out/c_server" bench/peers/c_server.c -levent_core
gcc -O2 -o "$out/echo_load" bench/peers/echo_load.c
gcc -O2 -o "$out/hold_load" bench/peers/hold_load.c
gcc -O2 -o "$out/c_evhttp" bench/peers/c_evhttp.c -levent_core -levent_extra
jar=$root/bench/target/benchmarks.jar
results=$out/results.txt
: > "$results"
port=19700
clk=$(getconf CLK_TCK)

start_server() { # impl mode port [extra]   (environment: CORES, LOOPS)
  local impl=$1 mode=$2 p=$3 extra=${4:-}
  local jflags="--enable-native-access=ALL-UNNAMED -Xmx1g"
  if [ "$mode" = hold ] || [ "$mode" = idle ]; then jflags="--enable-native-access=ALL-UNNAMED $memflags"; fi
  if [ "$mode" = idle ]; then mode=hello; fi
  local cores=${CORES:-0}
  case $impl in
    jvm) taskset -c "$cores" "$java" $jflags -cp "$jar" io.github.evasync.bench.servers.IdleJvm > "$out/server.log" 2>&1 & ;;
    c) if [ "$mode" = hello ]; then
         taskset -c "$cores" "$out/c_evhttp" "$p" > "$out/server.log" 2>&1 &
       else
         taskset -c "$cores" "$out/c_server" "$mode" "$p" $extra > "$out/server.log" 2>&1 &
       fi ;;
    vertx) taskset -c "$cores" "$java" $jflags -cp "$jar" io.github.evasync.bench.servers.VertxServer "$mode" "$p" > "$out/server.log" 2>&1 & ;;
    evasync) LOOPS=${LOOPS:-1} taskset -c "$cores" "$java" $jflags -cp "$jar" io.github.evasync.bench.servers.EvasyncServer "$mode" "$p" $extra > "$out/server.log" 2>&1 & ;;
    netty) LOOPS=${LOOPS:-1} taskset -c "$cores" "$java" $jflags -cp "$jar" io.github.evasync.bench.servers.NettyServer "$mode" "$p" $extra > "$out/server.log" 2>&1 & ;;
  esac
  server_pid=$!
  for _ in $(seq 1 100); do
    grep -q listening "$out/server.log" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "server $impl $mode did not start:" >&2; cat "$out/server.log" >&2; exit 1
}
stop_server() { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
cpu() { awk -v t="$clk" '{printf "%.3f", ($14 + $15) / t}' "/proc/$server_pid/stat"; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$server_pid/status"; }
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT

run_http() { # impl conns [mode]
  local impl=$1 c=$2 mode=${3:-http}
  port=$((port + 1)); start_server "$impl" "$mode" "$port"
  taskset -c 1 wrk -t1 -c"$c" -d5s "http://127.0.0.1:$port/" > /dev/null 2>&1 || true
  local c0; c0=$(cpu)
  taskset -c 1 wrk -t1 -c"$c" -d"${secs}s" --latency "http://127.0.0.1:$port/" > "$out/wrk.txt" 2>&1
  local c1; c1=$(cpu)
  stop_server
  local reqs rps p99
  reqs=$(awk '/requests in/ {print $1}' "$out/wrk.txt")
  rps=$(awk '/Requests\/sec/ {print $2}' "$out/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$out/wrk.txt")
  local per_cpu; per_cpu=$(awk -v r="$reqs" -v a="$c0" -v b="$c1" 'BEGIN {printf "%.0f", r / (b - a)}')
  echo "${mode}_c$c $impl req_per_s=$rps req_per_cpu_s=$per_cpu p99=$p99" | tee -a "$results"
}

run_echo() { # impl
  local impl=$1
  port=$((port + 1)); start_server "$impl" echo "$port"
  taskset -c 1 "$out/echo_load" "$port" 100 16 64 3 > /dev/null
  local c0; c0=$(cpu)
  local r; r=$(taskset -c 1 "$out/echo_load" "$port" 100 16 64 "$secs" | awk '{print $2}')
  local c1; c1=$(cpu)
  stop_server
  local per_cpu; per_cpu=$(awk -v m="$r" -v s="$secs" -v a="$c0" -v b="$c1" 'BEGIN {printf "%.0f", m * (s + 1) / (b - a)}')
  echo "echo $impl msgs_per_s=$r msgs_per_cpu_s=$per_cpu" | tee -a "$results"
}

run_hold() { # impl
  local impl=$1
  port=$((port + 1)); start_server "$impl" hold "$port" 120000
  # Warm the accept and read paths first, so the measurement is of held connections only.
  taskset -c 1 "$out/hold_load" "$port" 200 1 > /dev/null || true
  sleep 1
  [ "$impl" = c ] || jcmd "$server_pid" GC.run > /dev/null 2>&1 || true
  local r0; r0=$(rss_kb)
  taskset -c 1 "$out/hold_load" "$port" "$hold_conns" 200 > "$out/hold.txt" 2>&1 &
  local load=$!
  for _ in $(seq 1 600); do grep -q held "$out/hold.txt" && break; sleep 0.1; done
  sleep 2
  [ "$impl" = c ] || jcmd "$server_pid" GC.run > /dev/null 2>&1 || true
  sleep 1
  local r1; r1=$(rss_kb)
  kill "$load" 2>/dev/null || true; wait "$load" 2>/dev/null || true
  stop_server
  local per; per=$(awk -v a="$r0" -v b="$r1" -v n="$hold_conns" 'BEGIN {printf "%.0f", (b - a) * 1024 / n}')
  echo "hold $impl conns=$hold_conns rss_idle_kb=$r0 rss_held_kb=$r1 bytes_per_conn=$per" | tee -a "$results"
}

run_idle() { # impl: RSS of a hello server (or a bare JVM) that has served nothing
  local impl=$1
  port=$((port + 1)); start_server "$impl" idle "$port"
  # Idle means start-up is over: two seconds after listening, a JVM server is still compiling
  # (evasync measured 69.6 MiB at 2 s and 59.9 MiB at 10 s, Netty alike), so every server
  # gets the same settling time.
  sleep "${IDLE_SETTLE:-10}"
  case $impl in c) ;; *) jcmd "$server_pid" GC.run > /dev/null 2>&1 || true; sleep 1 ;; esac
  local r; r=$(rss_kb)
  stop_server
  echo "idle $impl rss_kb=$r" | tee -a "$results"
}

run_scale() { # impl mode loops: both cores for the server and for wrk -t2
  local impl=$1 mode=$2 loops=$3
  port=$((port + 1)); CORES=0,1 LOOPS=$loops start_server "$impl" "$mode" "$port"
  wrk -t2 -c1000 -d5s "http://127.0.0.1:$port/" > /dev/null 2>&1 || true
  local c0; c0=$(cpu)
  wrk -t2 -c1000 -d"${secs}s" "http://127.0.0.1:$port/" > "$out/wrk.txt" 2>&1
  local c1; c1=$(cpu)
  stop_server
  local reqs rps
  reqs=$(awk '/requests in/ {print $1}' "$out/wrk.txt")
  rps=$(awk '/Requests\/sec/ {print $2}' "$out/wrk.txt")
  local per_cpu; per_cpu=$(awk -v r="$reqs" -v a="$c0" -v b="$c1" 'BEGIN {printf "%.0f", r / (b - a)}')
  echo "scale_${mode}_l$loops $impl req_per_s=$rps req_per_cpu_s=$per_cpu" | tee -a "$results"
}

for round in $(seq 1 "$rounds"); do
  for s in $scenarios; do
    if [ "$s" = hello ]; then
      for impl in ${HELLO_IMPLS:-c evasync netty vertx}; do
        run_http "$impl" 100 hello; run_http "$impl" 1000 hello
      done
      continue
    fi
    if [ "$s" = idle ]; then
      for impl in jvm c evasync netty vertx; do run_idle "$impl"; done
      continue
    fi
    if [ "$s" = scale ]; then
      for impl in evasync netty; do
        for loops in 1 2; do run_scale "$impl" http "$loops"; run_scale "$impl" hello "$loops"; done
      done
      continue
    fi
    for impl in $impls; do
      case $s in
        http) run_http "$impl" 100; run_http "$impl" 1000 ;;
        echo) run_echo "$impl" ;;
        hold) run_hold "$impl" ;;
      esac
    done
  done
done

echo
{
  bench/meta.sh "$java"
  echo "rounds=$rounds"
  echo "seconds=$secs"
  echo "hold_conns=$hold_conns"
  echo "scenarios=$scenarios"
} > "$out/meta.txt"
if [ "${WRITE_RESULTS:-1}" = 1 ] && [ "$scenarios" = "http echo hold hello idle scale" ]; then
  python3 bench/report.py load "$results" "$out/meta.txt" bench/RESULTS.md bench/chart.svg
else
  python3 bench/report.py load "$results" "$out/meta.txt" - -
fi
