#!/usr/bin/env python3
"""Draws the soak's samples (bench/target/soak/samples.txt) as an SVG: RSS and libevent's live
allocations against time. Usage: bench/soak-plot.py SAMPLES.txt OUT.svg"""
import re
import sys

pts = [tuple(int(x) for x in m.groups()) for m in
       (re.search(r't=(\d+) rss_kb=(\d+) libevent_allocs=(-?\d+)', l) for l in open(sys.argv[1])) if m]
w, h, pad = 720, 300, 50
tmax = max(p[0] for p in pts) or 1
def series(idx, color, label, row):
    vmax = max(p[idx] for p in pts) * 1.2 or 1
    xy = ' '.join(f'{pad + (w - 2 * pad) * t / tmax:.1f},{h - pad - (h - 2 * pad) * p[idx] / vmax:.1f}' for p in pts for t in [p[0]])
    return (f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{xy}"/>'
            f'<text x="{pad + 10}" y="{30 + 16 * row}" fill="{color}">{label} (max {max(p[idx] for p in pts):,})</text>')
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
       '<rect width="100%" height="100%" fill="white"/>',
       f'<line x1="{pad}" y1="{h - pad}" x2="{w - pad}" y2="{h - pad}" stroke="#888"/>',
       f'<text x="{w / 2}" y="{h - 15}" text-anchor="middle">seconds (0 to {tmax})</text>',
       series(1, '#1c7ed6', 'RSS KiB', 0), series(2, '#e8590c', 'libevent live allocations', 1), '</svg>']
open(sys.argv[2], 'w').write('\n'.join(svg) + '\n')
print(f'wrote {sys.argv[2]} from {len(pts)} samples')
