#!/usr/bin/env python3
"""Turns a benchmark run into the tables of bench/RESULTS.md and the chart README shows.

  report.py load RESULTS.txt META.txt RESULTS.md CHART.svg   (from bench/load.sh)
  report.py jmh  JMH.json    META.txt RESULTS.md             (from bench/jmh.sh)

Each rewrites only its own section of RESULTS.md, between the lines
'<!-- load.sh: begin -->' and '<!-- load.sh: end -->' (or jmh.sh), and leaves the rest, the
prose on what changed the figures, as it is. Give '-' for RESULTS.md (and CHART.svg) to print
the section instead. Figures are medians over the rounds, with the range beside them; a
ratio is evasync's median over the peer's, both from this run."""
import collections
import json
import statistics
import sys

# (scenario, metric, peer, lowest ratio, what the target says); ratio = evasync / peer, except
# for the held-connection RSS, which is an upper bound in bytes on evasync's own figure.
TARGETS = [
    ('http_c100', 'req_per_cpu_s', 'c', 1.0, 'raw HTTP, 100 connections: at least 1.0x C bufferevent per server CPU-second'),
    ('http_c1000', 'req_per_cpu_s', 'c', 1.0, 'raw HTTP, 1000 connections: at least 1.0x C bufferevent per server CPU-second'),
    ('hello_c100', 'req_per_cpu_s', 'vertx', 1.0, 'HTTP hello, 100 connections: at least 1.0x Vert.x per server CPU-second'),
    ('hello_c1000', 'req_per_cpu_s', 'vertx', 1.0, 'HTTP hello, 1000 connections: at least 1.0x Vert.x per server CPU-second'),
    ('hello_c100', 'req_per_cpu_s', 'c', 1.5, 'HTTP hello, 100 connections: at least 1.5x C evhttp per server CPU-second'),
    ('hello_c1000', 'req_per_cpu_s', 'c', 1.5, 'HTTP hello, 1000 connections: at least 1.5x C evhttp per server CPU-second'),
    ('echo', 'msgs_per_cpu_s', 'c', 1.0, 'TCP echo: at least 1.0x C bufferevent per server CPU-second'),
]
HOLD_LIMIT = 2048

SCENARIOS = {
    'http_c100': 'raw HTTP, wrk -c100', 'http_c1000': 'raw HTTP, wrk -c1000', 'echo': 'TCP echo, 100 x 16 x 64 B',
    'hello_c100': 'HTTP hello, wrk -c100 (C: evhttp)', 'hello_c1000': 'HTTP hello, wrk -c1000 (C: evhttp)',
}
METRICS = {
    'req_per_cpu_s': 'requests per server CPU-second', 'req_per_s': 'requests/s', 'p99_ms': 'p99 latency (ms)',
    'msgs_per_cpu_s': 'messages per server CPU-second', 'msgs_per_s': 'messages/s',
}
PEERS = ['c', 'evasync', 'netty', 'vertx']


def read_meta(path):
    meta = {}
    for line in open(path):
        k, _, v = line.rstrip('\n').partition('=')
        meta[k] = v
    return meta


def read_load(path):
    rows = collections.defaultdict(list)
    for line in open(path):
        parts = line.split()
        if len(parts) < 3:
            continue
        scen, impl = parts[0], parts[1]
        for kv in parts[2:]:
            k, _, v = kv.partition('=')
            if k == 'p99':
                # wrk prints 950.00us, 2.05ms or 1.20s: keep milliseconds
                scale = {'us': 0.001, 'ms': 1.0}.get(v[-2:], 1000.0)
                v = v[:-2] if v[-2:] in ('us', 'ms') else v[:-1]
                rows[(scen, 'p99_ms', impl)].append(float(v) * scale)
            else:
                rows[(scen, k, impl)].append(float(v))
    return rows


def fmt(v, metric):
    return f'{v:,.2f}' if metric == 'p99_ms' else f'{v:,.0f}'


def cell(rows, key, metric):
    vals = rows.get(key)
    if not vals:
        return '-'
    med = statistics.median(vals)
    if len(vals) == 1:
        return fmt(med, metric)
    return f'{fmt(med, metric)} ({fmt(min(vals), metric)}-{fmt(max(vals), metric)})'


def median(rows, key):
    vals = rows.get(key)
    return statistics.median(vals) if vals else None


def ratio(a, b):
    return f'{a / b:.2f}' if a is not None and b else '-'


def header(meta, command):
    return [
        f"- Machine: {meta.get('cpu', '?')}, {meta.get('cores', '?')} cores, {meta.get('memory', '?')}, {meta.get('os', '?')}",
        f"- Date: {meta.get('date', '?')}",
        f"- JDK: {meta.get('jdk', '?')}; libevent {meta.get('libevent', '?')}; Netty {meta.get('netty', '?')}; "
        f"Vert.x {meta.get('vertx', '?')}; wrk {meta.get('wrk', '?')}; gcc {meta.get('gcc', '?')}",
        f"- Command: `{command}`",
    ]


def load_section(rows, meta):
    out = ['## Load suite (written by bench/load.sh)', '']
    out += header(meta, 'bench/load.sh')
    out += [
        f"- Each figure: the median of {meta.get('rounds', '?')} rounds run interleaved, the range in brackets; "
        f"{meta.get('seconds', '?')} s of load per run after a 5 s warm-up; the server pinned to core 0 and the "
        "load generator to core 1 (except in the scaling table); ratios are evasync's median over the peer's.",
        '- Peers, one event loop each: C libevent bufferevents (`peers/c_server.c`) for raw HTTP, echo and held '
        'connections, C evhttp (`peers/c_evhttp.c`) for HTTP hello; Netty on epoll; Vert.x on its native transport.',
        '',
        '| scenario | metric | C | evasync | Netty | Vert.x | evasync/C | evasync/Netty | evasync/Vert.x |',
        '|---|---|---|---|---|---|---|---|---|',
    ]
    for scen, label in SCENARIOS.items():
        for metric, mlabel in METRICS.items():
            if not any(rows.get((scen, metric, p)) for p in PEERS):
                continue
            ev = median(rows, (scen, metric, 'evasync'))
            cells = [cell(rows, (scen, metric, p), metric) for p in PEERS]
            ratios = ['', '', ''] if metric == 'p99_ms' else [ratio(ev, median(rows, (scen, metric, p)))
                                                             for p in ('c', 'netty', 'vertx')]
            out.append(f'| {label} | {mlabel} | ' + ' | '.join(cells) + ' | ' + ' | '.join(ratios) + ' |')
    out += ['', '### Memory', '',
            f"Held connections: cl-async's delayed-response shape, {meta.get('hold_conns', '?')} connections "
            "(the fd limit less 500) opened by `peers/hold_load.c` from 127.0.0.2 and up, each sending one request "
            'that the server answers after a delay; RSS after they are all open, less RSS before, per connection. '
            'Idle: RSS of each HTTP hello server that has served nothing, 10 s after it listens, and of a JVM that '
            'loads no server with the same flags. Java servers run with `-XX:+UseSerialGC -Xms32m -Xmn8m -Xmx512m -XX:TrimNativeHeapInterval=1000` here and are measured '
            'after `jcmd GC.run`.', '',
            '| measure | bare JVM | C | evasync | Netty | Vert.x | evasync/C | evasync/Netty |',
            '|---|---|---|---|---|---|---|---|']
    ev = median(rows, ('hold', 'bytes_per_conn', 'evasync'))
    out.append('| RSS per held connection (bytes) | - | ' + ' | '.join(
        cell(rows, ('hold', 'bytes_per_conn', p), 'n') for p in PEERS) + f" | {ratio(ev, median(rows, ('hold', 'bytes_per_conn', 'c')))}"
        f" | {ratio(ev, median(rows, ('hold', 'bytes_per_conn', 'netty')))} |")
    ev = median(rows, ('idle', 'rss_kb', 'evasync'))
    out.append('| RSS of an idle server (KiB) | ' + ' | '.join(
        cell(rows, ('idle', 'rss_kb', p), 'n') for p in ['jvm'] + PEERS) + f" | {ratio(ev, median(rows, ('idle', 'rss_kb', 'c')))}"
        f" | {ratio(ev, median(rows, ('idle', 'rss_kb', 'netty')))} |")
    out += ['', '### Scaling over loops', '',
            'evasync on 1 and 2 loops (`LoopGroup`, each loop binding the same port with `reusePort`) and Netty on '
            '1 and 2 event loops (one listening socket); wrk -t2 -c1000. This machine has two cores, and here the '
            'server and wrk share both, so a second loop competes with the load generator: the figures show what '
            'a second loop gains on a machine this small, not what it gains on a large one.', '',
            '| workload | evasync 1 loop | evasync 2 loops | 2/1 | Netty 1 loop | Netty 2 loops | 2/1 | evasync/Netty, 2 loops |',
            '|---|---|---|---|---|---|---|---|']
    for mode, label in (('http', 'raw HTTP, requests/s'), ('hello', 'HTTP hello, requests/s')):
        e1, e2 = median(rows, (f'scale_{mode}_l1', 'req_per_s', 'evasync')), median(rows, (f'scale_{mode}_l2', 'req_per_s', 'evasync'))
        n1, n2 = median(rows, (f'scale_{mode}_l1', 'req_per_s', 'netty')), median(rows, (f'scale_{mode}_l2', 'req_per_s', 'netty'))
        out.append(f"| {label} | {cell(rows, (f'scale_{mode}_l1', 'req_per_s', 'evasync'), 'n')} | "
                   f"{cell(rows, (f'scale_{mode}_l2', 'req_per_s', 'evasync'), 'n')} | {ratio(e2, e1)} | "
                   f"{cell(rows, (f'scale_{mode}_l1', 'req_per_s', 'netty'), 'n')} | "
                   f"{cell(rows, (f'scale_{mode}_l2', 'req_per_s', 'netty'), 'n')} | {ratio(n2, n1)} | {ratio(e2, n2)} |")
    out += ['', '### Targets', '', '| target | evasync/peer | met |', '|---|---|---|']
    for scen, metric, peer, low, text in TARGETS:
        r = None
        ev, pv = median(rows, (scen, metric, 'evasync')), median(rows, (scen, metric, peer))
        if ev is not None and pv:
            r = ev / pv
        out.append(f"| {text} | {'-' if r is None else f'{r:.2f}'} | {'-' if r is None else ('yes' if r >= low else '**no**')} |")
    hold = median(rows, ('hold', 'bytes_per_conn', 'evasync'))
    out.append(f"| held connections: at most 2 KiB RSS each | {'-' if hold is None else f'{hold:,.0f} B'} | "
               f"{'-' if hold is None else ('yes' if hold <= HOLD_LIMIT else '**no**')} |")
    out += ['', '![evasync as a ratio to each peer](chart.svg)']
    return out


def chart(rows, path):
    labels = {'http_c100': 'raw HTTP, 100 conns', 'http_c1000': 'raw HTTP, 1000 conns', 'echo': 'TCP echo',
              'hello_c100': 'HTTP hello, 100 conns', 'hello_c1000': 'HTTP hello, 1000 conns'}
    names = {'c': 'C libevent', 'netty': 'Netty', 'vertx': 'Vert.x'}
    bars = []
    for scen, label in labels.items():
        metric = 'msgs_per_cpu_s' if scen == 'echo' else 'req_per_cpu_s'
        ev = median(rows, (scen, metric, 'evasync'))
        for peer, name in names.items():
            pv = median(rows, (scen, metric, peer))
            if ev is not None and pv:
                bars.append((label, 'C evhttp' if scen.startswith('hello') and peer == 'c' else name, ev / pv))
    if not bars:
        return
    width, row_h, left = 760, 26, 330
    height = 60 + row_h * len(bars) + 30
    scale = (width - left - 60) / max(2.0, max(r for _, _, r in bars) + 0.2)
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="13">',
           '<rect width="100%" height="100%" fill="white"/>',
           f'<text x="{width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">'
           'evasync throughput as a ratio to each peer (per server CPU-second; same run)</text>']
    x1 = left + scale * 1.0
    svg.append(f'<line x1="{x1}" y1="40" x2="{x1}" y2="{height - 25}" stroke="#888" stroke-dasharray="4 3"/>')
    svg.append(f'<text x="{x1}" y="{height - 10}" text-anchor="middle" fill="#555">1.0 = as fast</text>')
    for i, (scen, peer, r) in enumerate(bars):
        y = 50 + i * row_h
        color = '#2b8a3e' if r >= 1.0 else '#c92a2a'
        svg.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{scen} vs {peer}</text>')
        svg.append(f'<rect x="{left}" y="{y + 3}" width="{scale * r:.1f}" height="{row_h - 8}" fill="{color}"/>')
        svg.append(f'<text x="{left + scale * r + 6:.1f}" y="{y + 15}">{r:.2f}x</text>')
    svg.append('</svg>')
    open(path, 'w').write('\n'.join(svg) + '\n')
    print(f'wrote {path} with {len(bars)} bars')


JMH_ROWS = [
    ('TimerBench.zeroDelay', {}, 'zero-delay timer scheduled and fired on the loop thread'),
    ('ExecuteBench.foreignExecute', {}, 'task handed over from a foreign thread and run'),
    ('ExecuteBench.foreignExecute2', {}, 'the same from 2 threads at once (tasks/s for both)'),
    ('ExecuteBench.foreignExecute8', {}, 'the same from 8 threads at once (tasks/s for all)'),
    ('TcpRoundTripBench.roundTrip', {'size': '64'}, 'TCP round trip, 64 B each way, one loop'),
    ('TcpRoundTripBench.roundTrip', {'size': '16384'}, 'TCP round trip, 16 KiB each way (write and read)'),
    ('HttpRequestBench.request', {}, 'HTTP GET over a keep-alive connection, client and server on one loop'),
]
FLOOR_ROWS = [
    ('FfmFloorBench.downcall', 'downcall into libevent that does nothing'),
    ('FfmFloorBench.downcallCritical', 'the same through a critical handle (no thread-state change)'),
    ('FfmFloorBench.downcallWithUpcall', 'downcall that calls back into Java once'),
]


def jmh_section(results, meta):
    scores = {}
    for r in results:
        name = r['benchmark'].rsplit('.', 2)
        name = f'{name[-2]}.{name[-1]}'
        params = r.get('params', {})
        impl = params.pop('impl', None)
        key = (name, tuple(sorted(params.items())), impl)
        m = r['primaryMetric']
        scores[key] = (m['score'], m.get('scoreError') or 0.0)
    args = meta.get('jmh_args', '')
    out = ['## JMH suite (written by bench/jmh.sh)', '']
    out += header(meta, f'bench/jmh.sh {args}'.strip())
    out += ['- Operations per second, mean ± JMH\'s 99.9% error; both implementations in the same run. Netty is its '
            'epoll IoEventLoop (`MultiThreadIoEventLoopGroup` with `EpollIoHandler`) in every row but the '
            '`impl=netty-default` ones. The loop and the benchmark thread share the machine\'s two cores.', '',
            '| benchmark | what one operation is | evasync ops/s | Netty ops/s | evasync/Netty |', '|---|---|---|---|---|']
    for name, params, text in JMH_ROWS:
        p = tuple(sorted(params.items()))
        ev, ne = scores.get((name, p, 'evasync')), scores.get((name, p, 'netty'))
        if ev is None and ne is None:
            continue
        label = name + ''.join(f' ({k}={v})' for k, v in params.items())

        def f(s):
            return '-' if s is None else f'{s[0]:,.0f} ± {s[1]:,.0f}'
        out.append(f'| `{label}` | {text} | {f(ev)} | {f(ne)} | {ratio(ev and ev[0], ne and ne[0])} |')
        nd = scores.get((name, p, 'netty-default'))
        if nd is not None:
            # LoopPair's extra line: Netty's DefaultEventLoop, the peer of the timer figures before.
            out.append(f'| `{label}` (impl=netty-default) | the same against Netty\'s `DefaultEventLoop` '
                       f'(blocks on its task queue, not in epoll) | {f(ev)} | {f(nd)} | '
                       f'{ratio(ev and ev[0], nd[0])} |')
    floor = [(n, t, scores.get((n, (), None))) for n, t in FLOOR_ROWS]
    if any(s for _, _, s in floor):
        out += ['', 'The floor under every call: the Foreign Function and Memory API on libevent directly, without '
                'evasync (no Netty equivalent: its JNI calls are internal).', '',
                '| benchmark | what one operation is | ops/s | ns per operation |', '|---|---|---|---|']
        for n, t, s in floor:
            if s:
                out.append(f'| `{n}` | {t} | {s[0]:,.0f} ± {s[1]:,.0f} | {1e9 / s[0]:.1f} |')
    return out


def replace_section(path, tag, lines):
    begin, end = f'<!-- {tag}: begin -->', f'<!-- {tag}: end -->'
    text = open(path).read()
    block = begin + '\n' + '\n'.join(lines) + '\n' + end
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip('\n') + '\n\n' + block + '\n'
    open(path, 'w').write(text)
    print(f'wrote the {tag} section of {path}')


def main():
    kind = sys.argv[1]
    meta = read_meta(sys.argv[3])
    if kind == 'load':
        rows = read_load(sys.argv[2])
        lines = load_section(rows, meta)
        target, svg = sys.argv[4], sys.argv[5]
        if target == '-':
            print('\n'.join(lines))
        else:
            replace_section(target, 'load.sh', lines)
        if svg != '-':
            chart(rows, svg)
    elif kind == 'jmh':
        lines = jmh_section(json.load(open(sys.argv[2])), meta)
        if sys.argv[4] == '-':
            print('\n'.join(lines))
        else:
            replace_section(sys.argv[4], 'jmh.sh', lines)
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
