#!/usr/bin/env bash
# Bulk transfer over loopback TCP, 1 GiB each way: evasync against Netty's epoll IoEventLoop
# (EpollSocketChannel, the default allocator), the library's loop thread CPU per GiB and the
# wall time (BulkLoad, a plain main; the peer is a blocking java.nio thread in the same JVM).
# The table's other columns (the figures of the best run) are the GiB/s, the whole process's CPU
# per GiB (loop, peer, collectors and compilers: the byte[] path's garbage is collected off the
# loop), the peer thread's CPU, collection time and the bytes a read callback got on average.
#   bench/bulk.sh                      # 1 GiB, a warm-up and 3 rounds of 5 cases; 2-3 min (estimated)
#   MIB=64 ROUNDS=1 bench/bulk.sh
# recv: the library counts what a blocking SocketChannel writes from a 64 KiB direct buffer,
# read as byte[] (evasync-bytes), as a view of libevent's buffer (evasync-buffer,
# ReadCallback.ofBuffer) and as Netty ByteBufs (netty). send: the library writes 64 KiB pieces
# with back-pressure (evasync write(byte[]) and onDrain; Netty writeAndFlush while isWritable)
# to a blocking reader. The cases interleave round by round; each figure is the best round after
# the warm-up. Ratios are netty / evasync CPU per GiB: above 1 means evasync spends less.
# Environment: MIB (1024), WARM_MIB (MIB, at least 256: each case's warm-up transfer, long
# enough for the JIT), ROUNDS (3, after the warm-up round), CASES ("recv:evasync-bytes
# recv:evasync-buffer recv:netty send:evasync send:netty"), TIMEOUT (120 s per transfer),
# PIN ("0 1": the loop thread's core and the peer thread's; "" for no pinning), JVMFLAGS
# (-Xms1g -Xmx1g -XX:+UseParallelGC), SKIP_BUILD (0).
# Raw lines: bench/target/bulk/results.txt; a markdown table on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=$root/bench/target/bulk
mkdir -p "$out"
mib=${MIB:-1024}
warm_mib=${WARM_MIB:-$(( mib > 256 ? mib : 256 ))}
rounds=${ROUNDS:-3}
cases=${CASES:-recv:evasync-bytes recv:evasync-buffer recv:netty send:evasync send:netty}
timeout_s=${TIMEOUT:-120}
pin=${PIN-0 1}
jvmflags=${JVMFLAGS:--Xms1g -Xmx1g -XX:+UseParallelGC}
java=$(bench/find-java.sh)

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "== building"
  mvn -q -B -DskipTests install
  mvn -q -B -f bench/pom.xml package
fi
jar=$root/bench/target/benchmarks.jar
results=$out/results.txt
: > "$results"
{ bench/meta.sh "$java"; echo "jvmflags=$jvmflags"; echo "pin=$pin"; } > "$out/meta.txt" 2>/dev/null || true

read -r loop_cpu peer_cpu <<< "${pin:--1 -1}"
ncases=$(wc -w <<< "$cases")
limit=$(( timeout_s * ncases * (rounds + 1) + 60 ))
echo "== $mib MiB per transfer, a warm-up round ($warm_mib MiB) and $rounds rounds; loop on cpu $loop_cpu, peer on cpu $peer_cpu (-1: not pinned)"
status=0
timeout "$limit" "$java" --enable-native-access=ALL-UNNAMED $jvmflags -cp "$jar" io.github.evasync.bench.BulkLoad \
  "$mib" "$warm_mib" "$rounds" "$(tr ' ' ',' <<< "$cases" | sed 's/,$//')" "$timeout_s" "$loop_cpu" "${peer_cpu:--1}" \
  2> "$out/stderr.txt" | tee -a "$results" || { status=$?; echo "BulkLoad failed or timed out:" >&2; cat "$out/stderr.txt" >&2; }

echo "== best of $rounds rounds (warm-up left out): loop CPU-seconds per GiB; ratios netty / evasync (> 1: evasync spends less)"
python3 - "$results" <<'PY'
import collections, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    if not line.startswith('bulk '):
        continue
    f = dict(kv.split('=', 1) for kv in line.split()[1:])
    if int(f['round']) == 0 or 'error' in f:
        continue
    runs[(f['dir'], f['impl'])].append(f)
def best(k):
    v = runs.get(k)
    return min(v, key=lambda f: float(f['cpu_s_per_gib'])) if v else None
print("| direction | impl | loop CPU-s/GiB | netty/this | GiB/s | process CPU-s/GiB | peer CPU-s | GC ms | bytes/read | rounds |")
print("|---|---|---|---|---|---|---|---|---|---|")
for d in ('recv', 'send'):
    peer = best((d, 'netty'))
    for k in sorted((k for k in runs if k[0] == d), key=lambda k: (k[1] == 'netty', k[1])):
        b = best(k)
        r = f"{float(peer['cpu_s_per_gib']) / float(b['cpu_s_per_gib']):.2f}x" if peer and k[1] != 'netty' else "-"
        gib = float(b['mib']) / 1024
        print(f"| {d} | {k[1]} | {float(b['cpu_s_per_gib']):.3f} | {r} | {float(b['gib_per_s']):.2f} | "
              f"{float(b['proc_cpu_s']) / gib:.3f} | {float(b['peer_cpu_s']):.3f} | {b['gc_ms']} | "
              f"{b.get('read_b', '-')} | {len(runs[k])} |")
zc, by = best(('recv', 'evasync-buffer')), best(('recv', 'evasync-bytes'))
if zc and by:
    a, b = float(zc['cpu_s_per_gib']), float(by['cpu_s_per_gib'])
    print(f"\nTarget (issue #20): zero-copy reads at or below the byte[] path's CPU per GiB: "
          f"{'met' if a <= b else 'missed'} ({a:.3f} vs {b:.3f} CPU-s/GiB, {a / b:.2f}x)")
errors = sum(1 for line in open(sys.argv[1]) if ' error=' in line)
if errors:
    print(f"\n{errors} transfer(s) failed: see the error= lines above")
PY
exit "$status"
