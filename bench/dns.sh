#!/usr/bin/env bash
# DNS benchmark: 10,000 lookups of distinct names against dnsmasq, evasync (one loop) against
# the JDK's InetAddress.getAllByName on 64 threads with its cache off, in the same JVM and run.
# The system resolver must ask the same dnsmasq, so the JVM runs in a private mount namespace
# where /etc/resolv.conf names it (needs root and unshare). Loopback only.
#   bench/dns.sh            COUNT (10000), THREADS (64), ROUNDS (3) from the environment
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(pwd)/bench/target/dns
mkdir -p "$out"
count=${COUNT:-10000}
threads=${THREADS:-64}
rounds=${ROUNDS:-5}
java=$(bench/find-java.sh)
command -v dnsmasq >/dev/null || [ -x /usr/sbin/dnsmasq ] || { echo "install dnsmasq-base" >&2; exit 1; }
mvn -q -B -DskipTests install
mvn -q -B -f bench/pom.xml package

python3 - "$out/hosts" "$count" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, 'w') as f:
    for prefix in ('n', 'w'):
        for i in range(n):
            f.write(f"10.{64 + i // 65536}.{(i // 256) % 256}.{i % 256} {prefix}{i}.bench.test\n")
PY
echo "nameserver 127.0.0.1" > "$out/resolv.conf"
echo "options attempts:2 timeout:2" >> "$out/resolv.conf"
/usr/sbin/dnsmasq --keep-in-foreground --conf-file=/dev/null --port=53 --listen-address=127.0.0.1 \
  --bind-interfaces --no-resolv --no-hosts --addn-hosts="$out/hosts" --local=/bench.test/ --pid-file= \
  --user=root --cache-size=0 --dns-forward-max=1000 --log-facility="$out/dnsmasq.log" &
dns_pid=$!
trap 'kill $dns_pid 2>/dev/null || true' EXIT
sleep 1
unshare -m sh -c "mount --bind '$out/resolv.conf' /etc/resolv.conf && \
  exec taskset -c 0 '$java' --enable-native-access=ALL-UNNAMED -Dsun.net.inetaddr.ttl=0 -Dsun.net.inetaddr.negative.ttl=0 \
  -cp bench/target/benchmarks.jar io.github.evasync.bench.DnsBench 127.0.0.1:53 bench.test $count $threads $rounds" \
  | tee "$out/results.txt"
python3 - "$out/results.txt" <<'PY'
import sys, statistics
rows = {}
for line in open(sys.argv[1]):
    p = line.split()
    rows.setdefault(p[1], []).append(float(p[3].split('=')[1]))
e, j = statistics.median(rows['evasync']), statistics.median(rows['jdk'])
print(f"median lookups/s: evasync {e:,.0f}, JDK pool {j:,.0f}, ratio {e / j:.2f}")
PY
