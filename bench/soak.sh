#!/usr/bin/env bash
# Soak (not in CI): SOAK_SECONDS (600) of wrk keep-alive load plus connection churn (a second wrk
# with "Connection: close") against evasync's HTTP server on one pinned core, with libevent's
# allocations counted. Every 10 s the server prints RSS, libevent's live allocations and its
# connection counts to bench/target/soak/samples.txt; bench/soak-plot.py draws them.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(pwd)/bench/target/soak
mkdir -p "$out"
secs=${SOAK_SECONDS:-600}
java=$(bench/find-java.sh)
mvn -q -B -DskipTests install
mvn -q -B -f bench/pom.xml package
port=19890
taskset -c 0 "$java" --enable-native-access=ALL-UNNAMED -Xmx512m -Devasync.libevent.countAllocations=true \
  -cp bench/target/benchmarks.jar io.github.evasync.bench.servers.SoakServer "$port" "$((secs + 5))" > "$out/samples.txt" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q listening "$out/samples.txt" && break; sleep 0.1; done
taskset -c 1 wrk -t1 -c100 -d"${secs}s" "http://127.0.0.1:$port/" > "$out/wrk-keepalive.txt" 2>&1 &
taskset -c 1 wrk -t1 -c10 -d"${secs}s" -H "Connection: close" "http://127.0.0.1:$port/" > "$out/wrk-churn.txt" 2>&1 &
wait %2 %3 2>/dev/null || true
wait "$server" || true
grep -E "Requests/sec|requests in" "$out"/wrk-*.txt
grep sample "$out/samples.txt" | tail -3
