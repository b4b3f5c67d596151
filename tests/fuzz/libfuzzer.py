#!/usr/bin/env python3
"""Builds and runs the libFuzzer binaries of tests/fuzz with clang++, beside the GCC build.

Meson has one C++ compiler per build, so tests/fuzz/meson.build calls this script from custom
targets:
  libfuzzer.py probe CLANGXX
      exit 0 when CLANGXX links a -fsanitize=fuzzer program.
  libfuzzer.py build CLANGXX OUTPUT DEPFILE COMPILE_FLAGS... -- INPUTS...
      compiles each .cpp of INPUTS (objects kept in OUTPUT.p/, recompiled only when the command
      or a file they include changed) and, for OUTPUT *.a, archives them (leaving out, with a
      note, a file clang++ rejects), else links them and the *.a INPUTS with
      -fsanitize=fuzzer into a libFuzzer binary; DEPFILE lists every header, for ninja.
  libfuzzer.py run [--seconds S] [--artifacts DIR] [--dict FILE] BINARY CORPUS...
      a brief fuzzing run (the 'fuzz' suite): new inputs go to a scratch directory, never to
      the CORPUS directories (those missing are left out, as is a missing dictionary); a
      crasher goes to DIR, and the exit status is non-zero.
  libfuzzer.py skip REASON
      prints REASON and exits 77 (Meson's SKIP), where there is no clang++ with libFuzzer.
tools/fuzz imports fuzz() and summary() for its longer runs.
"""

import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile
import time

SANITIZERS = 'address,undefined'
RUN_ENV = {
    'ASAN_OPTIONS': 'detect_leaks=1:abort_on_error=1',
    'UBSAN_OPTIONS': 'print_stacktrace=1:halt_on_error=1',
}


def probe(clangxx):
    """True when clangxx compiles and links a libFuzzer program."""
    with tempfile.TemporaryDirectory() as scratch:
        source = os.path.join(scratch, 'probe.cpp')
        with open(source, 'w') as f:
            f.write('#include <stddef.h>\n#include <stdint.h>\n'
                    'extern "C" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }\n')
        command = [clangxx, f'-fsanitize=fuzzer,{SANITIZERS}', source, '-o', os.path.join(scratch, 'probe')]
        result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stderr[-2000:])
    return result.returncode == 0


def read_depfile(path):
    """The prerequisites a make-style depfile names."""
    with open(path) as f:
        text = f.read().replace('\\\n', ' ')
    _, _, prerequisites = text.partition(': ')
    return prerequisites.split()


def compile_one(clangxx, flags, source, objects_dir, archive):
    """Compiles source unless its object is newer than everything it includes; returns the
    object (None when clang++ rejects a file meant for an archive) and its prerequisites."""
    stem = os.path.normpath(source).replace(os.sep, '_').replace('.', '_')
    obj = os.path.join(objects_dir, stem + '.o')
    command = [clangxx] + flags + ['-MMD', '-MF', obj + '.d', '-c', source, '-o', obj]
    recorded = obj + '.cmd'
    try:
        with open(recorded) as f:
            same_command = f.read() == repr(command)
        built = os.path.getmtime(obj)
        deps = read_depfile(obj + '.d')
        if same_command and all(os.path.getmtime(dep) <= built for dep in deps):
            return obj, deps
    except OSError:
        pass
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        if not archive:
            sys.stderr.write(result.stderr)
            raise SystemExit(f'libfuzzer.py: compiling {source} failed')
        # The core is written for GCC; a file clang++ rejects stays out of the archive, and a
        # target that needs it fails to link, after this note.
        error = next((line for line in result.stderr.splitlines() if 'error:' in line), '')
        print(f'libfuzzer.py: {source} left out of {os.path.basename(objects_dir)[:-2]}: {error}')
        return None, [source]
    sys.stderr.write(result.stderr)
    with open(recorded, 'w') as f:
        f.write(repr(command))
    return obj, read_depfile(obj + '.d')


def build(clangxx, output, depfile, flags, inputs):
    """Objects for the .cpp inputs, then an archive or a linked libFuzzer binary."""
    objects_dir = output + '.p'
    os.makedirs(objects_dir, exist_ok=True)
    sources = [i for i in inputs if i.endswith('.cpp')]
    archives = [i for i in inputs if i.endswith('.a')]
    archive = output.endswith('.a')
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        compiled = list(pool.map(lambda s: compile_one(clangxx, flags, s, objects_dir, archive), sources))
    objects = [obj for obj, _ in compiled if obj]
    deps = sorted({dep for _, found in compiled for dep in found} | set(archives))
    if os.path.exists(output):
        os.remove(output)
    if archive:
        command = ['ar', 'rcs', output] + objects
    else:
        command = [clangxx, f'-fsanitize=fuzzer,{SANITIZERS}', '-o', output] + objects + archives
    subprocess.run(command, check=True)
    with open(depfile, 'w') as f:
        f.write(output + ': ' + ' \\\n  '.join(deps) + '\n')


STAT = re.compile(r'^stat::(\w+):\s+(\d+)')
PROGRESS = re.compile(r'^#(\d+)\s+\w+\s.*?corp: (\d+)/(\S+).*?exec/s: (\d+)')


def fuzz(binary, seconds, corpus_dirs, artifacts, dictionary=None, extra=(), progress=None):
    """Runs binary for `seconds` on the corpus directories (the first one receives the new
    inputs). Returns a dict: status, runs, exec_per_sec, corpus, crashes (paths), log (tail)."""
    os.makedirs(artifacts, exist_ok=True)
    before = set(os.listdir(artifacts))
    command = [os.path.abspath(binary), f'-max_total_time={seconds}', '-timeout=10', '-rss_limit_mb=2048',
               '-print_final_stats=1', f'-artifact_prefix={artifacts}/']
    if dictionary:
        command.append(f'-dict={dictionary}')
    command += list(extra) + list(corpus_dirs)
    env = dict(os.environ, **RUN_ENV)
    started = time.monotonic()
    stats = {'runs': 0, 'exec_per_sec': 0, 'corpus': 0}
    tail = []
    last_report = started
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          errors='replace', env=env) as process:
        for line in process.stderr:
            tail = (tail + [line])[-80:]
            match = PROGRESS.match(line)
            if match:
                stats['runs'] = int(match.group(1))
                stats['corpus'] = int(match.group(2))
                stats['exec_per_sec'] = int(match.group(4))
            match = STAT.match(line)
            if match:
                stats[match.group(1)] = int(match.group(2))
            if progress and time.monotonic() - last_report >= 10:
                last_report = time.monotonic()
                progress(time.monotonic() - started, stats)
    stats['runs'] = stats.get('number_of_executed_units', stats['runs'])
    stats['exec_per_sec'] = stats.get('average_exec_per_sec', stats['exec_per_sec'])
    stats['status'] = process.returncode
    stats['seconds'] = time.monotonic() - started
    stats['crashes'] = sorted(os.path.join(artifacts, name) for name in set(os.listdir(artifacts)) - before)
    stats['log'] = ''.join(tail)
    return stats


def summary(name, stats):
    """One line per target: runs, exec/s, corpus size, crashes."""
    return (f"{name}: {stats['runs']} runs in {stats['seconds']:.0f} s ({stats['exec_per_sec']} exec/s), "
            f"corpus {stats['corpus']}, {len(stats['crashes'])} crashes"
            + ('' if stats['status'] == 0 else f", exit status {stats['status']}"))


def run(args):
    """The brief run of the 'fuzz' suite."""
    name = os.path.basename(args.binary).removesuffix('_fuzz')
    # crashes/NAME exists once a crasher is committed, NAME.dict when written; libFuzzer stops
    # at a missing one.
    corpus = [path for path in args.corpus if os.path.exists(path)]
    dictionary = args.dict if args.dict and os.path.exists(args.dict) else None
    with tempfile.TemporaryDirectory() as scratch:
        stats = fuzz(args.binary, args.seconds, [scratch] + corpus, args.artifacts, dictionary)
    print(summary(name, stats))
    if stats['status'] != 0 or stats['crashes']:
        sys.stdout.write(stats['log'])
        for path in stats['crashes']:
            print(f'crasher: {path} (replay it: {args.binary} {path})')
        return 1
    return 0


def main(argv):
    if len(argv) >= 2 and argv[0] == 'probe':
        return 0 if probe(argv[1]) else 1
    if len(argv) >= 2 and argv[0] == 'skip':
        print(' '.join(argv[1:]))
        return 77
    if len(argv) >= 4 and argv[0] == 'build' and '--' in argv:
        split = argv.index('--')
        build(argv[1], argv[2], argv[3], argv[4:split], argv[split + 1:])
        return 0
    parser = argparse.ArgumentParser(prog='libfuzzer.py run')
    parser.add_argument('binary')
    parser.add_argument('corpus', nargs='+')
    parser.add_argument('--seconds', type=int, default=5)
    parser.add_argument('--artifacts', default='.')
    parser.add_argument('--dict')
    if not argv or argv[0] != 'run':
        parser.error('usage: libfuzzer.py probe|build|run|skip ...')
    return run(parser.parse_args(argv[1:]))


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
