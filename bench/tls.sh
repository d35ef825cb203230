#!/usr/bin/env bash
# TLS suite (issue 16): HTTPS hello world, TLS 1.3, one ECDSA P-256 certificate for every server,
# each server on one event loop pinned to core 0 and wrk pinned to core 1, loopback only.
#   bench/tls.sh [load] [soak]   (default: both)
# load: C evhttp + bufferevent_openssl (peers/c_evhttp_tls.c), evasync httpServer with
# HttpServerOptions.tls, Netty HttpServerCodec behind an SslHandler from SslProvider.OPENSSL
# (netty-tcnative BoringSSL) and from SslProvider.JDK, all started at once (each on core 0) and
# each warmed up in turn (WARMUP_KEEPALIVE s of keep-alive, then WARMUP_HANDSHAKE s of handshakes:
# long enough for the JIT of the Java servers to have finished, which counts in their CPU while it
# runs); then ROUNDS rounds, each measuring every server in turn for SECONDS_PER_RUN s: (a)
# keep-alive, wrk -t1 -c100; (b) new handshakes, wrk -t1 -c50 with "Connection: close", so every
# request is a new connection and a full handshake (wrk resumes no sessions). Both per server
# CPU-second (utime + stime from /proc/PID/stat). Medians, and ratios as the median of each
# round's ratio (the VM's speed drifts between minutes; one round's windows are close together).
# soak: bench/.../TlsCycles: 2,000 connect/handshake/echo/close cycles on one evasync loop, the
# loop's counters idle at the end, RSS before and after.
# Environment: SECONDS_PER_RUN (5), ROUNDS (5), IMPLS ("c evasync netty-openssl netty-jdk"),
# WARMUP_KEEPALIVE (15), WARMUP_HANDSHAKE (20),
# CYCLES (2000), QUIET_WAIT (600: at most that many seconds waiting, before measuring, for no
# surefire run and a 1-minute load under 1). Needs gcc, libevent-dev, libssl-dev, openssl, wrk,
# python3. Raw lines: bench/target/tls/results.txt; a table on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=$root/bench/target/tls
mkdir -p "$out"
parts=${*:-load soak}
secs=${SECONDS_PER_RUN:-5}
rounds=${ROUNDS:-5}
impls=${IMPLS:-c evasync netty-openssl netty-jdk}
java=$(bench/find-java.sh)
jflags="--enable-native-access=ALL-UNNAMED -Xmx1g"

echo "== building"
mvn -q -B -DskipTests install
mvn -q -B -f bench/pom.xml package
gcc -O2 -o "$out/c_evhttp_tls" bench/peers/c_evhttp_tls.c -levent_core -levent_extra -levent_openssl -lssl -lcrypto
jar=$root/bench/target/benchmarks.jar

# One throwaway CA and a server certificate it signed (localhost, 127.0.0.1), ECDSA P-256.
(
  cd "$out"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
    -days 7 -subj "/CN=evasync bench CA" 2> /dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr \
    -subj "/CN=localhost" 2> /dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > server.ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 7 -extfile server.ext \
    -out server.pem 2> /dev/null
)
cert=$out/server.pem
key=$out/server.key

quiet() { # waits, bounded, until no test run is going on and the machine is nearly idle
  local t=0
  while [ "$t" -lt "${QUIET_WAIT:-600}" ]; do
    if ! pgrep -f surefire > /dev/null && awk '{exit !($1 < 1.0)}' /proc/loadavg; then
      echo "== quiet after ${t}s: load $(cut -d' ' -f1-3 /proc/loadavg)"; return 0
    fi
    sleep 10; t=$((t + 10))
  done
  echo "== NOT quiet after ${t}s (load $(cut -d' ' -f1-3 /proc/loadavg)); measuring anyway" | tee -a "$out/results.txt"
}

port=19800
clk=$(getconf CLK_TCK)
declare -A pids ports
start_server() { # impl port: started pinned to core 0, its pid in pids[impl]
  local log=$out/server-$1.log
  case $1 in
    c) taskset -c 0 "$out/c_evhttp_tls" "$2" "$cert" "$key" > "$log" 2>&1 & ;;
    evasync) taskset -c 0 "$java" $jflags -cp "$jar" io.github.evasync.bench.servers.EvasyncServer \
      https "$2" "$cert" "$key" > "$log" 2>&1 & ;;
    netty-openssl|netty-jdk) taskset -c 0 "$java" $jflags -cp "$jar" io.github.evasync.bench.servers.NettyServer \
      "https-${1#netty-}" "$2" "$cert" "$key" > "$log" 2>&1 & ;;
    *) echo "unknown server $1" >&2; exit 2 ;;
  esac
  pids[$1]=$!
  ports[$1]=$2
  for _ in $(seq 1 100); do
    grep -q listening "$log" 2> /dev/null && { grep -h provider "$log" || true; return 0; }
    sleep 0.1
  done
  echo "server $1 did not start:" >&2; cat "$log" >&2; exit 1
}
cpu() { awk -v t="$clk" '{printf "%.3f", ($14 + $15) / t}' "/proc/$1/stat"; } # pid
trap 'kill $(jobs -p) 2> /dev/null || true' EXIT
errors() { # socket errors plus non-2xx answers in a wrk output
  awk '/Socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10} /Non-2xx/ {n += $NF} END {print n + 0}' "$1"
}
url_of() { echo "https://127.0.0.1:${ports[$1]}/"; }

measure() { # round impl kind unit [wrk options]: one window on that server, its line in results.txt
  local round=$1 impl=$2 kind=$3 unit=$4 c0 c1 conns=100 pid=${pids[$2]}
  shift 4
  [ "$kind" = handshake ] && conns=50
  c0=$(cpu "$pid")
  taskset -c 1 wrk -t1 -c$conns -d"${secs}s" --latency "$@" "$(url_of "$impl")" > "$out/wrk.txt" 2>&1
  c1=$(cpu "$pid")
  awk -v a="$c0" -v b="$c1" -v head="$kind $impl round=$round" -v u="$unit" -v e="$(errors "$out/wrk.txt")" '
    /requests in/ {n = $1} /Requests\/sec/ {r = $2} $1 == "99%" {p = $2}
    END {printf "%s %s_per_s=%s %s_per_cpu_s=%.0f p99=%s errors=%d cpu_s=%.2f\n", head, u, r, u, n / (b - a), p, e, b - a}' \
    "$out/wrk.txt" | tee -a "$out/results.txt"
}

if [[ " $parts " == *" load "* ]]; then
  : > "$out/results.txt"
  quiet
  echo "== $(openssl version); wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}'); $("$java" -version 2>&1 | head -1)"
  # Every server up at once and warmed, then measured in short windows taken in turn, round after
  # round: the VM's speed drifts by up to 2x within minutes, and a server measured a minute after
  # another is not compared with it on the same machine.
  for impl in $impls; do
    port=$((port + 1)); start_server "$impl" "$port"
  done
  for impl in $impls; do
    echo "== warming $impl"
    taskset -c 1 wrk -t1 -c100 -d"${WARMUP_KEEPALIVE:-15}s" "$(url_of "$impl")" > /dev/null 2>&1 || true
    taskset -c 1 wrk -t1 -c50 -d"${WARMUP_HANDSHAKE:-20}s" -H 'Connection: close' "$(url_of "$impl")" > /dev/null 2>&1 || true
  done
  for round in $(seq 1 "$rounds"); do
    for impl in $impls; do measure "$round" "$impl" keepalive req; done
    for impl in $impls; do measure "$round" "$impl" handshake conn -H 'Connection: close'; done
  done
  for impl in $impls; do kill "${pids[$impl]}" 2> /dev/null || true; wait "${pids[$impl]}" 2> /dev/null || true; done
  python3 - "$out/results.txt" <<'EOF'
import re, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) < 3 or f[0] not in ("keepalive", "handshake"):
        continue
    kv = dict(x.split("=", 1) for x in f[2:])
    runs.setdefault((f[0], f[1]), []).append(kv)
def paired(kind, key, other):
    # Median over rounds of evasync / other, each round's two windows taken within a minute.
    a = {r["round"]: float(r[key]) for r in runs.get((kind, "evasync"), [])}
    b = {r["round"]: float(r[key]) for r in runs.get((kind, other), [])}
    v = [a[k] / b[k] for k in a if k in b and b[k]]
    return statistics.median(v) if v else None
impls = [i for i in ("c", "evasync", "netty-openssl", "netty-jdk") if ("keepalive", i) in runs]
names = {"c": "C evhttp", "evasync": "evasync", "netty-openssl": "Netty/OpenSSL", "netty-jdk": "Netty/JDK"}
rows = [("keepalive", "req_per_s", "HTTPS keep-alive c100: requests/s"),
        ("keepalive", "req_per_cpu_s", "HTTPS keep-alive c100: requests per server CPU-second"),
        ("keepalive", "p99", "HTTPS keep-alive c100: p99 latency"),
        ("handshake", "conn_per_s", "new TLS connections c50: per second"),
        ("handshake", "conn_per_cpu_s", "new TLS connections c50: per server CPU-second"),
        ("handshake", "p99", "new TLS connections c50: p99 latency")]
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)$", v)
    return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
others = [("c", "/C"), ("netty-openssl", "/Netty-OpenSSL"), ("netty-jdk", "/Netty-JDK")]
print("| measure | " + " | ".join(names[i] for i in impls) + " | "
      + " | ".join("evasync" + o[1] for o in others if o[0] in impls) + " |")
print("|---" * (1 + len(impls) + sum(o[0] in impls for o in others)) + "|")
for kind, key, label in rows:
    med, cells = {}, []
    for i in impls:
        vals = [ms(r[key]) if key == "p99" else float(r[key]) for r in runs[(kind, i)]]
        med[i] = statistics.median(vals)
        fmt = (lambda v: f"{v:.2f} ms") if key == "p99" else (lambda v: f"{v:,.0f}")
        cells.append(fmt(med[i]) + (f" ({fmt(min(vals))}-{fmt(max(vals))})" if len(vals) > 1 else ""))
    ratios = []
    for o, _ in others:
        if o not in impls:
            continue
        if "evasync" not in med or not med[o]:
            ratios.append("-")
        elif key == "p99":
            ratios.append(f"{med['evasync'] / med[o]:.2f}")
        else:
            ratios.append(f"{paired(kind, key, o):.2f} ({med['evasync'] / med[o]:.2f})")
    print(f"| {label} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
errs = {k: sum(int(r["errors"]) for r in v) for k, v in runs.items()}
print("\nRatios: the median over rounds of each round's ratio (in parentheses: the ratio of the medians;"
      " for p99, the ratio of the medians alone).")
print("errors (all rounds): " + ", ".join(f"{k[0]} {k[1]} {v}" for k, v in sorted(errs.items())))
EOF
fi

if [[ " $parts " == *" soak "* ]]; then
  echo "== soak: ${CYCLES:-2000} TLS cycles on one evasync loop"
  "$java" $jflags -cp "$jar" io.github.evasync.bench.TlsCycles "$out/ca.pem" "$cert" "$key" "${CYCLES:-2000}" \
    | tee "$out/soak.txt"
fi
