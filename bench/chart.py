#!/usr/bin/env python3
"""Draws bench/chart.svg from load.sh and dns.sh result lines: evasync's throughput per server
CPU-second as a ratio to each peer measured in the same run (1.0 = as fast).
Usage: bench/chart.py OUT.svg RESULTS.txt [RESULTS.txt ...]"""
import collections
import statistics
import sys

rows = collections.defaultdict(list)
for path in sys.argv[2:]:
    for line in open(path):
        p = line.split()
        if len(p) < 3 or '=' not in p[2]:
            continue
        scen, impl = p[0], p[1]
        for kv in p[2:]:
            k, _, v = kv.partition('=')
            if k in ('req_per_cpu_s', 'msgs_per_cpu_s', 'lookups_per_s'):
                rows[(scen, impl)].append(float(v))

peers = {'c': 'C libevent', 'netty': 'Netty', 'vertx': 'Vert.x', 'jdk': 'JDK resolver'}
labels = {'http_c100': 'raw HTTP, 100 conns', 'http_c1000': 'raw HTTP, 1000 conns', 'echo': 'TCP echo',
          'hello_c100': 'HTTP hello, 100 conns', 'hello_c1000': 'HTTP hello, 1000 conns', 'dns': 'DNS lookups'}
bars = []
for scen in labels:
    ev = rows.get((scen, 'evasync'))
    if not ev:
        continue
    for peer, name in peers.items():
        other = rows.get((scen, peer))
        if other:
            peer_name = 'C evhttp' if scen.startswith('hello') and peer == 'c' else name
            bars.append((labels[scen], peer_name, statistics.median(ev) / statistics.median(other)))

width, row_h, left = 760, 26, 330
height = 60 + row_h * len(bars) + 30
scale = (width - left - 60) / max(2.0, max(r for _, _, r in bars) + 0.2)
out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="13">',
       '<rect width="100%" height="100%" fill="white"/>',
       f'<text x="{width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">evasync throughput as a ratio to each peer (per server CPU-second; same run)</text>']
x1 = left + scale * 1.0
out.append(f'<line x1="{x1}" y1="40" x2="{x1}" y2="{height - 25}" stroke="#888" stroke-dasharray="4 3"/>')
out.append(f'<text x="{x1}" y="{height - 10}" text-anchor="middle" fill="#555">1.0 = as fast</text>')
for i, (scen, peer, r) in enumerate(bars):
    y = 50 + i * row_h
    color = '#2b8a3e' if r >= 1.0 else '#c92a2a'
    out.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{scen} vs {peer}</text>')
    out.append(f'<rect x="{left}" y="{y + 3}" width="{scale * r:.1f}" height="{row_h - 8}" fill="{color}"/>')
    out.append(f'<text x="{left + scale * r + 6:.1f}" y="{y + 15}">{r:.2f}x</text>')
out.append('</svg>')
open(sys.argv[1], 'w').write('\n'.join(out) + '\n')
print(f'wrote {sys.argv[1]} with {len(bars)} bars')
