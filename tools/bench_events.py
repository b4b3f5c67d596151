#!/usr/bin/env python3
"""Benchmark the event views: for every source, the time and the instructions to parse each
sample in ../shared/events and read every field of it through wisp's typed views.

EVENTS_BENCH is tests/events/events-bench of a build with tests (release-optimised, no
sanitizers). For each dumper it lists (one per source, plus "json", which walks every sample
through the JSON reader alone):
  samples, fields     the samples of that source in INDEX.tsv and the fields read per sample;
  µs/sample           median over the samples of (parse + read every field), each timed over
                      --repeat reads in one process;
  instructions/sample under `valgrind --tool=callgrind`, each sample's reads counted apart (a
                      client request dumps the counts after them), mean over the samples.
With --json OUT, the figures of every sample (µs, instructions, fields) are written too.

usage: bench_events.py EVENTS_BENCH [--events DIR] [--repeat N] [--no-callgrind] [--json OUT] [--readme PATH]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

TOOLS = os.path.dirname(os.path.abspath(__file__))
DEFAULT_EVENTS = os.path.join(TOOLS, '..', '..', 'shared', 'events')
sys.path.insert(0, TOOLS)
sys.dont_write_bytecode = True
from bench import update_readme, callgrind_total  # noqa: E402


def samples_by_dumper(bench, events):
    listing = subprocess.run([bench, '--list'], check=True, capture_output=True, text=True).stdout
    rows = []
    with open(os.path.join(events, 'INDEX.tsv'), encoding='utf-8') as f:
        next(f)
        rows = [line.rstrip('\n').split('\t') for line in f]
    out = {}
    for line in listing.splitlines():
        name, *types = line.split('\t')
        paths = [os.path.join(events, r[0]) for r in rows if name == 'json' or r[3] in types]
        out[name] = sorted(paths)
    return out


def timed(bench, name, paths, repeat):
    run = subprocess.run([bench, '--bench', str(repeat), name] + paths, check=True, capture_output=True, text=True)
    return [json.loads(line) for line in run.stdout.splitlines()]


def instructions(bench, name, paths, repeat, workdir):
    """{path: instructions per read} under callgrind: events-bench dumps each sample's counts
    apart (a client request after its reads), so file reading and start-up are not in them."""
    valgrind = shutil.which('valgrind')
    if not valgrind:
        return {}
    out = os.path.join(workdir, f'callgrind-{name}.out')
    subprocess.run([valgrind, '--tool=callgrind', '-q', f'--callgrind-out-file={out}', bench, '--bench', str(repeat),
                    name] + paths, check=True, capture_output=True)
    counts = {}
    for part in os.listdir(workdir):
        if not part.startswith(f'callgrind-{name}.out.'):
            continue
        sample, total = None, None
        with open(os.path.join(workdir, part)) as f:
            for line in f:
                if line.startswith('desc: Trigger: Client Request: '):
                    sample = line.split(': ', 3)[3].strip()
                elif line.startswith(('totals:', 'summary:')):
                    total = int(line.split()[1])
        if sample and total is not None:
            counts[sample] = total / repeat
    missing = set(paths) - set(counts)
    if missing:
        raise SystemExit(f'bench_events: no callgrind counts for {sorted(missing)[:3]}')
    return counts


def median(values):
    values = sorted(values)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def main(argv=None):
    parser = argparse.ArgumentParser(prog='bench_events.py', description=__doc__.splitlines()[0])
    parser.add_argument('bench', metavar='EVENTS_BENCH')
    parser.add_argument('--events', default=DEFAULT_EVENTS)
    parser.add_argument('--repeat', type=int, default=2000, help='reads per sample for the timing')
    parser.add_argument('--no-callgrind', action='store_true')
    parser.add_argument('--json', metavar='OUT', help='write every sample\'s figures as JSON')
    parser.add_argument('--readme', metavar='PATH', help='write the table into PATH between the events-bench markers')
    args = parser.parse_args(argv)

    rows, per_sample = [], []
    with tempfile.TemporaryDirectory() as workdir:
        for name, paths in sorted(samples_by_dumper(args.bench, args.events).items()):
            if not paths:
                continue
            print(f'bench_events: {name}: {len(paths)} samples', file=sys.stderr, flush=True)
            results = timed(args.bench, name, paths, args.repeat)
            counts = {} if args.no_callgrind else instructions(args.bench, name, paths, 10, workdir)
            for r in results:
                per_sample.append({'view': name, 'sample': os.path.relpath(r['sample'], args.events),
                                   'bytes': os.path.getsize(r['sample']), 'fields': r['fields'],
                                   'us': r['ns'] / r['reads'] / 1000, 'instructions': counts.get(r['sample'])})
            us = median([r['ns'] / r['reads'] / 1000 for r in results])
            fields = sum(r['fields'] for r in results)
            size = sum(os.path.getsize(p) for p in paths)
            ir = sum(counts.values()) / len(counts) if counts else None
            rows.append((name, len(paths), size / len(paths), fields / len(paths), us, ir))

    lines = ['<!-- generated by tools/bench_events.py -->',
             '| view | samples | mean bytes | fields read per sample | µs per sample (median) | '
             'instructions per sample (mean) |',
             '|---|--:|--:|--:|--:|--:|']
    for name, count, size, fields, us, ir in rows:
        ir_text = '—' if ir is None else f'{ir:,.0f}'
        lines.append(f'| {name} | {count} | {size:,.0f} | {fields:,.1f} | {us:,.2f} | {ir_text} |')
    text = '\n'.join(lines) + '\n'
    print(text)
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(per_sample, f, indent=1)
    if args.readme:
        update_readme(args.readme, text, marker='events-bench')


if __name__ == '__main__':
    main()
