#!/usr/bin/env python3
"""Draws bench/redis.sh's results (bench/target/redis/results.txt) as an SVG: operations per
client CPU-second at every point, one bar per client, medians over the rounds, on a log scale
(the clients differ by up to two orders of magnitude). Usage: bench/redis-plot.py RESULTS.txt OUT.svg"""
import collections
import math
import statistics
import sys

CLIENTS = [('evasync', '#1c7ed6'), ('lettuce-batch', '#e8590c'), ('lettuce', '#f59f00'),
           ('redis-benchmark', '#868e96')]

runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    f = dict(kv.split('=', 1) for kv in line.split()[1:])
    runs[(f['op'], int(f['conns']), int(f['depth']), f['impl'])].append(float(f['ops_per_cpu_s']))
points = sorted({k[:3] for k in runs})
med = {k: statistics.median(v) for k, v in runs.items()}

w, h, left, right, top, bottom = 900, 380, 70, 20, 50, 70
lo, hi = 1e4, 1e7
group = (w - left - right) / len(points)
bar = group * 0.8 / len(CLIENTS)


def y(v):
    v = min(max(v, lo), hi)
    return top + (h - top - bottom) * (1 - (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)))


svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
       '<rect width="100%" height="100%" fill="white"/>',
       f'<text x="{left}" y="20" font-size="14">Redis clients: operations per client CPU-second (log scale; medians)</text>']
for e in range(4, 8):
    yy = y(10 ** e)
    svg.append(f'<line x1="{left}" y1="{yy:.1f}" x2="{w - right}" y2="{yy:.1f}" stroke="#ddd"/>')
    svg.append(f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end">1e{e}</text>')
for i, (op, c, d) in enumerate(points):
    x0 = left + i * group + group * 0.1
    for j, (name, color) in enumerate(CLIENTS):
        v = med.get((op, c, d, name))
        if v:
            svg.append(f'<rect x="{x0 + j * bar:.1f}" y="{y(v):.1f}" width="{bar - 1:.1f}" '
                       f'height="{h - bottom - y(v):.1f}" fill="{color}"><title>{name} {op} c={c} P={d}: '
                       f'{v:,.0f}</title></rect>')
    svg.append(f'<text x="{x0 + group * 0.4:.1f}" y="{h - bottom + 16}" text-anchor="middle">{op.upper()}</text>')
    svg.append(f'<text x="{x0 + group * 0.4:.1f}" y="{h - bottom + 30}" text-anchor="middle">c{c} P{d}</text>')
for j, (name, color) in enumerate(CLIENTS):
    svg.append(f'<rect x="{left + 150 * j}" y="{h - 22}" width="12" height="12" fill="{color}"/>'
               f'<text x="{left + 150 * j + 16}" y="{h - 12}">{name}</text>')
svg.append('</svg>')
open(sys.argv[2], 'w').write('\n'.join(svg) + '\n')
print(f'wrote {sys.argv[2]} from {sum(len(v) for v in runs.values())} runs at {len(points)} points')
