#!/usr/bin/env bash
# Streaming through evasync's httpServer in flat memory: a 1 GiB upload (streamRequestBodies,
# counted piece by piece) and a 1 GiB download (chunk() with back-pressure), each with curl on
# loopback, sampling the server's RSS every 100 ms. Prints the byte counts, the time, and the
# RSS before and at its peak. Bounded in time; loopback only.
#   bench/stream.sh        Environment: MIB (1024)
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/target/stream
mkdir -p "$out"
mib=${MIB:-1024}
java=$(bench/find-java.sh)
mvn -q -B -DskipTests install
mvn -q -B -f bench/pom.xml package
port=19900
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
"$java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xms32m -Xmn8m -Xmx512m \
    -cp bench/target/benchmarks.jar io.github.evasync.bench.servers.EvasyncServer stream "$port" > "$out/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q listening "$out/server.log" && break; sleep 0.1; done
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
sample() { ( while kill -0 "$pid" 2>/dev/null; do rss; sleep 0.1; done ) > "$out/$1.rss" & echo $!; }
# Warm both paths with a small transfer first.
head -c $((16 << 20)) /dev/zero | curl -sS -T - "http://127.0.0.1:$port/up" > /dev/null
curl -sS "http://127.0.0.1:$port/?mb=16" > /dev/null
before=$(rss)
s=$(sample up); t0=$(date +%s.%N)
got_up=$(head -c $((mib << 20)) /dev/zero | curl -sS --max-time 300 -T - "http://127.0.0.1:$port/up")
t1=$(date +%s.%N); kill "$s"
s=$(sample down)
got_down=$(curl -sS --max-time 300 "http://127.0.0.1:$port/?mb=$mib" | wc -c)
t2=$(date +%s.%N); kill "$s"
kill "$pid"
peak_up=$(sort -n "$out/up.rss" | tail -1)
peak_down=$(sort -n "$out/down.rss" | tail -1)
echo "upload   $mib MiB: server counted $got_up bytes in $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}') s; RSS before ${before} KiB, peak ${peak_up} KiB"
echo "download $mib MiB: curl got $got_down bytes in $(awk -v a="$t1" -v b="$t2" 'BEGIN {printf "%.1f", b - a}') s; RSS before ${before} KiB, peak ${peak_down} KiB"
