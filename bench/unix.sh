#!/usr/bin/env bash
# HTTP hello over a Unix socket vs over TCP loopback, same evasync server, nginx in front:
#   bench/unix.sh
# One evasync loop (UnixHelloServer) serves hello world on 127.0.0.1:PORT and on a socket file,
# pinned to core 0. nginx (one worker, pinned to core 1) proxies /tcp/ to the port and /unix/ to
# the file (proxy_pass http://unix:/path:), keepalive upstream connections both ways. wrk (core 1,
# beside nginx) loads each path in turn; per round the order alternates. Printed per transport:
# requests/s through nginx and the evasync server's CPU per request (from /proc/PID/stat).
# Environment: SECONDS_PER_RUN (10), ROUNDS (2), CONNS (50). Needs: nginx, wrk, Java 22+.
# Raw lines: bench/target/unix/results.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=$root/bench/target/unix
rm -rf "$out"
mkdir -p "$out/nginx/tmp"
secs=${SECONDS_PER_RUN:-10}
rounds=${ROUNDS:-2}
conns=${CONNS:-50}
java=$(bench/find-java.sh)
clk=$(getconf CLK_TCK)
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

echo "== building"
mvn -q -B -DskipTests install
mvn -q -B -f bench/pom.xml package
jar=$root/bench/target/benchmarks.jar

sock=$out/hello.sock
port=19850
nport=19851
results=$out/results.txt
: > "$results"
trap 'kill $(jobs -p) 2>/dev/null || true; [ -f "$out/nginx/nginx.pid" ] && kill "$(cat "$out/nginx/nginx.pid")" 2>/dev/null || true' EXIT

taskset -c 0 "$java" --enable-native-access=ALL-UNNAMED -Xmx1g -cp "$jar" \
  io.github.evasync.bench.servers.UnixHelloServer "$port" "$sock" > "$out/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do grep -q listening "$out/server.log" 2>/dev/null && break; sleep 0.1; done
grep -q listening "$out/server.log" || { echo "server did not start:" >&2; cat "$out/server.log" >&2; exit 1; }

# As root, nginx's worker would drop to "nobody", which may not connect to root's socket file.
user_line=""
[ "$(id -u)" = 0 ] && user_line="user root;"
cat > "$out/nginx/nginx.conf" <<CONF
$user_line
worker_processes 1;
worker_cpu_affinity 10;
daemon on;
pid $out/nginx/nginx.pid;
error_log $out/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $out/nginx/tmp/body;
    proxy_temp_path $out/nginx/tmp/proxy;
    fastcgi_temp_path $out/nginx/tmp/fastcgi;
    uwsgi_temp_path $out/nginx/tmp/uwsgi;
    scgi_temp_path $out/nginx/tmp/scgi;
    upstream over_tcp { server 127.0.0.1:$port; keepalive 64; }
    upstream over_unix { server unix:$sock; keepalive 64; }
    server {
        listen 127.0.0.1:$nport;
        location /tcp/ { proxy_pass http://over_tcp/; proxy_http_version 1.1; proxy_set_header Connection ""; }
        location /unix/ { proxy_pass http://over_unix/; proxy_http_version 1.1; proxy_set_header Connection ""; }
    }
}
CONF
"$nginx_bin" -p "$out/nginx" -c "$out/nginx/nginx.conf"
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$nport/unix/" > /dev/null && break; sleep 0.1; done
for t in tcp unix; do
  body=$(curl -sS "http://127.0.0.1:$nport/$t/")
  [ "$body" = "Hello, World!" ] || { echo "nginx -> $t answered: $body" >&2; cat "$out/nginx/error.log" >&2; exit 1; }
done

cpu() { awk -v t="$clk" '{printf "%.3f", ($14 + $15) / t}' "/proc/$server_pid/stat"; }

run() { # transport
  local t=$1
  taskset -c 1 wrk -t1 -c"$conns" -d2s "http://127.0.0.1:$nport/$t/" > /dev/null 2>&1 || true
  local c0; c0=$(cpu)
  taskset -c 1 wrk -t1 -c"$conns" -d"${secs}s" --latency "http://127.0.0.1:$nport/$t/" > "$out/wrk-$t.txt" 2>&1
  local c1; c1=$(cpu)
  local reqs rps p99 errors
  reqs=$(awk '/requests in/ {print $1}' "$out/wrk-$t.txt")
  rps=$(awk '/Requests\/sec/ {print $2}' "$out/wrk-$t.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$out/wrk-$t.txt")
  errors=$(awk '/Non-2xx|Socket errors/ {print}' "$out/wrk-$t.txt" | tr '\n' ' ')
  local us; us=$(awk -v r="$reqs" -v a="$c0" -v b="$c1" 'BEGIN {printf "%.2f", (b - a) * 1e6 / r}')
  echo "hello_via_nginx_$t req_per_s=$rps server_cpu_us_per_req=$us p99=$p99 ${errors}" | tee -a "$results"
}

for r in $(seq 1 "$rounds"); do
  echo "== round $r"
  if [ $((r % 2)) = 1 ]; then run tcp; run unix; else run unix; run tcp; fi
done

echo "== summary (mean of $rounds rounds)"
awk '{
  split($2, a, "="); split($3, b, "=");
  n[$1]++; rps[$1] += a[2]; us[$1] += b[2]
} END {
  for (k in n) printf "%-24s %10.0f req/s   %6.2f us server CPU per request\n", k, rps[k] / n[k], us[k] / n[k]
}' "$results" | sort
