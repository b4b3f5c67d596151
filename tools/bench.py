#!/usr/bin/env python3
"""Benchmark wisp bootstraps: size, cold start, warm invocation cost, syscalls, instructions, RSS.

For each BOOTSTRAP:
  file and zip size      the zip deflated as tools/package.py does it (computed in memory);
  cold start             time from just before posix_spawn to the moment a pre-bound listening
                         socket holds the whole GET .../invocation/next request head; median and
                         p90 over --runs, interleaved run by run with the --baseline program
                         (tools/bench/baseline.cpp: connect, send GET /next, wait);
  warm us/invocation     wall time of --invocations round trips against a fast single-connection
                         mock of the Runtime API (pre-built answers, one sendall each); the mock's
                         own CPU time and the bootstrap's CPU time are reported separately;
  syscalls/invocation    under `strace -f`, (count(N2) - count(N1)) / (N2 - N1);
  instructions/inv.      under `valgrind --tool=callgrind`, (Ir(N2) - Ir(N1)) / (N2 - N1);
  peak RSS               VmHWM of the bootstrap after the warm invocations;
  answered exactly once  every request id got exactly one /response post, in every run.

usage: bench.py BOOTSTRAP [BOOTSTRAP...] [--baseline PATH] [--runs N] [--invocations N]
                [--event-size BYTES] [--json OUT] [--markdown OUT] [--readme PATH]
"""

import argparse
import gc
import io
import json
import os
import platform
import re
import resource
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zipfile

TOOLS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TOOLS)
sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree
from emulator import lambda_environment  # noqa: E402  (tools/ is not a package)

HOST = '127.0.0.1'
STALL_SECONDS = 120.0  # no progress for this long: the bootstrap is stuck (valgrind is ~50x slower)
EXIT_SECONDS = 120.0   # how long a bootstrap may take to exit after the final 500
COLD_WARMUP = 10       # untimed cold starts per program before the measured ones
RECV_BYTES = 256 * 1024
PREBUILT_LIMIT = 256 * 1024 * 1024  # pre-build every /next answer when they fit in this

ACCEPTED = (b'HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\n'
            b'Content-Length: 15\r\n\r\n{"status":"OK"}')
FINAL_BODY = b'{"errorMessage":"benchmark over","errorType":"ServiceException"}'
FINAL = (b'HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n'
         b'Content-Length: %d\r\nConnection: close\r\n\r\n%s' % (len(FINAL_BODY), FINAL_BODY))
FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:wisp-bench'


def progress(message):
    print(f'bench: {message}', file=sys.stderr, flush=True)


class BenchError(Exception):
    """A bootstrap did not behave as the benchmark needs."""


# ---------------------------------------------------------------------------------------------
# Statistics and sizes

def percentile(values, fraction):
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return None
    at = (len(ordered) - 1) * fraction
    low = int(at)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (at - low)


def zip_size(path):
    """Bytes of the Lambda zip of path, built in memory exactly as tools/package.py builds it."""
    with open(path, 'rb') as f:
        data = f.read()
    entry = zipfile.ZipInfo('bootstrap', date_time=(1980, 1, 1, 0, 0, 0))
    entry.create_system = 3
    entry.external_attr = 0o100755 << 16
    entry.compress_type = zipfile.ZIP_DEFLATED
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as z:
        z.writestr(entry, data, compresslevel=9)
    return len(buffer.getvalue())


def proc_status(pid):
    """VmHWM, VmRSS, RssAnon and RssFile of pid in KiB (those the kernel reports)."""
    wanted = ('VmHWM', 'VmRSS', 'RssAnon', 'RssFile')
    out = {}
    try:
        with open(f'/proc/{pid}/status') as f:
            for line in f:
                name, _, value = line.partition(':')
                if name in wanted:
                    out[name] = int(value.split()[0])
    except OSError:
        pass
    return out


def host_description():
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    cpu = line.partition(':')[2].strip()
                    break
    except OSError:
        pass
    return {
        'cpu': cpu,
        'cpus': os.cpu_count(),
        'kernel': platform.release(),
        'machine': platform.machine(),
        'python': platform.python_version(),
    }


def tool_version(command):
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (out.stdout or out.stderr).strip().splitlines()
    return text[0] if text else None


# ---------------------------------------------------------------------------------------------
# Processes

def make_env(port, extra=None):
    env = lambda_environment(f'{HOST}:{port}', os.getcwd())
    env.update(extra or {})
    return env


def spawn(argv, env, log_fd=None):
    """posix_spawn argv[0] with exactly env; stdout and stderr to log_fd when given.
    SIGPIPE back to its default, as Lambda starts the bootstrap (Python ignores it)."""
    actions = []
    if log_fd is not None:
        actions = [(os.POSIX_SPAWN_DUP2, log_fd, 1), (os.POSIX_SPAWN_DUP2, log_fd, 2)]
    return os.posix_spawn(argv[0], argv, env, file_actions=actions,
                          setsigdef=(signal.SIGPIPE,))


def reap(pid, seconds):
    """Wait up to seconds for pid to exit; SIGKILL it after that. Returns (status, rusage)."""
    deadline = time.monotonic() + seconds
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, usage
        if time.monotonic() >= deadline:
            os.kill(pid, signal.SIGKILL)
            _, status, usage = os.wait4(pid, 0)
            return status, usage
        time.sleep(0.005)


def kill_and_reap(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def describe_status(status):
    if os.WIFSIGNALED(status):
        return f'signal {signal.Signals(os.WTERMSIG(status)).name}'
    return f'exit status {os.WEXITSTATUS(status)}'


def listener():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, 0))
    sock.listen(64)
    return sock


# ---------------------------------------------------------------------------------------------
# Cold start

def read_head(conn):
    data = conn.recv(4096)
    while b'\r\n\r\n' not in data:
        more = conn.recv(4096)
        if not more:
            raise BenchError(f'connection closed before a whole request head: {data[:200]!r}')
        data += more
    return data


def check_next_request(name, head):
    if not head.startswith(b'GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\n'):
        raise BenchError(f'{name}: expected GET /next, got {head[:200]!r}')


def accept_from(sock, pid, what):
    """The next connection on sock, polling every 0.5 s whether pid exited first (then fails,
    having reaped it); fails after STALL_SECONDS. The connection is blocking."""
    sock.settimeout(0.5)
    deadline = time.monotonic() + STALL_SECONDS
    while True:
        try:
            conn, _ = sock.accept()
            conn.settimeout(None)
            return conn
        except socket.timeout:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                raise BenchError(f'{what} exited ({describe_status(status)})') from None
            if time.monotonic() > deadline:
                raise BenchError(f'{what} did not connect within {STALL_SECONDS:.0f} s') from None


def cold_probe(name, path, sock, env):
    """One untimed start: checks the program sends GET /next, and takes its RSS while it waits."""
    pid = spawn([path], env)
    try:
        with accept_from(sock, pid, f'{name} (before connecting)') as conn:
            conn.settimeout(STALL_SECONDS)
            try:
                check_next_request(name, read_head(conn))
            except socket.timeout:
                raise BenchError(f'{name} sent no request within {STALL_SECONDS:.0f} s') from None
            return proc_status(pid)
    finally:
        kill_and_reap(pid)


def cold_start(programs, runs):
    """programs: list of (name, path). Interleaved cold starts; returns {name: [ns, ...]}, and
    {name: proc status while waiting for the first event}."""
    sock = listener()
    env = make_env(sock.getsockname()[1])
    samples = {name: [] for name, _ in programs}
    status = {}
    with sock:
        for name, path in programs:
            status[name] = cold_probe(name, path, sock, env)
        # A generous accept timeout: costs one poll() per run, the same for every program.
        sock.settimeout(STALL_SECONDS)
        accept, perf = sock.accept, time.perf_counter_ns
        total = COLD_WARMUP + runs
        step = max(1, total // 10)
        gc.collect()
        gc.disable()
        try:
            for i in range(total):
                order = programs if i % 2 == 0 else programs[::-1]
                for name, path in order:
                    argv = [path]
                    t0 = perf()
                    pid = spawn(argv, env)
                    try:
                        conn, _ = accept()
                        head = read_head(conn)
                        t1 = perf()
                    except socket.timeout:
                        raise BenchError(f'{name} did not connect') from None
                    finally:
                        kill_and_reap(pid)
                    conn.close()
                    check_next_request(name, head)
                    if i >= COLD_WARMUP:
                        samples[name].append(t1 - t0)
                if (i + 1) % step == 0:
                    progress(f'cold start: {i + 1}/{total} rounds')
        finally:
            gc.enable()
    return samples, status


# ---------------------------------------------------------------------------------------------
# Warm invocations against a fast mock of the Runtime API

def next_head(request_id, i, body_len, deadline_ms):
    """The head of a /next answer: request id, deadline, ARN, a trace id made from i."""
    return (b'HTTP/1.1 200 OK\r\n'
            b'Content-Type: application/json\r\n'
            b'Lambda-Runtime-Aws-Request-Id: ' + request_id + b'\r\n'
            b'Lambda-Runtime-Deadline-Ms: %d\r\n' % deadline_ms +
            b'Lambda-Runtime-Invoked-Function-Arn: ' + FUNCTION_ARN.encode() + b'\r\n'
            b'Lambda-Runtime-Trace-Id: Root=1-65f0c0de-%024x;Parent=%016x;Sampled=1\r\n' % (i, i) +
            b'Content-Length: %d\r\n\r\n' % body_len)


def far_deadline():
    """A Lambda-Runtime-Deadline-Ms a day from now: never reached."""
    return time.time_ns() // 1_000_000 + 24 * 3600 * 1000


class Events:
    """The /next answers: a distinct request id per invocation, a fixed event body."""

    def __init__(self, count, event_size):
        self.count = count
        if event_size >= 11:
            self.body = b'{"data":"' + b'x' * (event_size - 11) + b'"}'
        else:
            self.body = (b'{' + b' ' * max(0, event_size - 2) + b'}')[:max(event_size, 0)]
        deadline = far_deadline()
        self.ids = [b'8f2b6a4e-%04x-4000-8000-%012x' % (i >> 48 & 0xffff, i & 0xffffffffffff)
                    for i in range(count)]
        self.index = {rid: i for i, rid in enumerate(self.ids)}
        self.heads = [next_head(rid, i, len(self.body), deadline) for i, rid in enumerate(self.ids)]
        self.prebuilt = None
        if count * (len(self.heads[0]) + len(self.body)) <= PREBUILT_LIMIT:
            self.prebuilt = [head + self.body for head in self.heads]

    def answers(self):
        """A list (or a lazy sequence) of the whole /next answers, one per invocation."""
        if self.prebuilt is not None:
            return self.prebuilt
        events = self

        class Lazy:
            def __getitem__(self, i):
                return events.heads[i] + events.body
        return Lazy()


class Watchdog(threading.Thread):
    """Kills pid when the mock made no progress for STALL_SECONDS (a stuck bootstrap)."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid = pid
        self.progress = 0
        self.fired = False
        self._stop_event = threading.Event()

    def run(self):
        seen, since = -1, time.monotonic()
        while not self._stop_event.wait(1.0):
            if self.progress != seen:
                seen, since = self.progress, time.monotonic()
            elif time.monotonic() - since > STALL_SECONDS:
                self.fired = True
                try:
                    os.kill(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                return

    def stop(self):
        self._stop_event.set()


class WarmRun:
    """Serves n invocations to one bootstrap process (possibly under strace or valgrind).
    Two hooks decide what is served and how posts are judged: answer() and posted();
    tools/soak.py replaces both."""

    def __init__(self, events, n):
        self.events = events
        self.n = n
        self.counts = bytearray(n)  # /response posts per request id
        self.error_posts = 0
        self.unknown_posts = 0
        self.connections = 0
        self.wall_ns = None
        self.mock_cpu_ns = None
        self.status = {}
        self.exit_status = None
        self.rusage = None
        self.pid = None
        self._answers = None

    def answer(self, i):
        """The whole /next answer of invocation i (0 <= i < n), sent once the bootstrap's GET
        /next for it has arrived (it then waits in read())."""
        return self._answers[i]

    def posted(self, line, head, buf, start, stop):
        """A post has arrived: line is its request line, head its whole head (bytes), its body
        buf[start:stop] (buf is the mock's receive buffer: read it before returning)."""
        at = line.find(b'/runtime/invocation/')
        rid, _, rest = line[at + 20:].partition(b'/')
        i = self.events.index.get(rid) if at >= 0 else None
        if i is None:
            self.unknown_posts += 1
        elif rest.startswith(b'response '):
            if self.counts[i] < 255:
                self.counts[i] += 1
        else:
            self.error_posts += 1

    def measure(self, pid):
        """With measure_rss: called when the GET /next after the last answer has arrived."""
        self.status = proc_status(pid)

    def run(self, argv, env, measure_rss, log_path):
        sock = listener()
        env = dict(env, AWS_LAMBDA_RUNTIME_API=f'{HOST}:{sock.getsockname()[1]}')
        with sock, open(log_path, 'ab') as log:
            self.pid = pid = spawn(argv, env, log.fileno())
            watchdog = Watchdog(pid)
            watchdog.start()
            try:
                self._serve(sock, pid, watchdog, measure_rss)
                status, self.rusage = reap(pid, EXIT_SECONDS)
                self.exit_status = describe_status(status)
            except BaseException:
                kill_and_reap(pid)
                raise
            finally:
                watchdog.stop()
            if watchdog.fired:
                raise BenchError(f'{argv[0]} made no progress for {STALL_SECONDS:.0f} s')
        return self

    def _accept(self, sock, pid):
        """The next connection from the bootstrap (blocking: no poll() before each recv; the
        watchdog guards it); fails when the bootstrap exits first."""
        conn = accept_from(sock, pid, f'the bootstrap, after {sum(self.counts)} invocations,')
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.connections += 1
        return conn

    def _serve(self, sock, pid, watchdog, measure_rss):
        if self.events is not None:
            self._answers = self.events.answers()
        answer, posted = self.answer, self.posted
        n = self.n
        perf = time.perf_counter_ns
        conn = self._accept(sock, pid)
        # recv_into a buffer allocated once: a plain recv(256 KiB) mallocs (mmaps) and frees
        # 256 KiB on every call.
        chunk = bytearray(RECV_BYTES)
        view = memoryview(chunk)
        recv_into, send = conn.recv_into, conn.sendall
        buf = bytearray()
        delivered = 0
        t0 = cpu0 = None
        gc.collect()
        gc.disable()
        try:
            while True:
                end = buf.find(b'\r\n\r\n')
                while end < 0:
                    got = recv_into(view)
                    if not got:  # the bootstrap closed: it may come back on a new connection
                        conn.close()
                        conn = self._accept(sock, pid)
                        recv_into, send = conn.recv_into, conn.sendall
                        buf.clear()
                    else:
                        buf += view[:got]
                    end = buf.find(b'\r\n\r\n')
                if buf.startswith(b'GET '):
                    del buf[:end + 4]
                    if delivered == n:
                        t1 = perf()
                        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
                        if measure_rss:
                            self.measure(pid)
                        send(FINAL)
                        break
                    if delivered == 0:
                        cpu0 = resource.getrusage(resource.RUSAGE_SELF)
                        t0 = perf()
                    send(answer(delivered))
                    delivered += 1
                    watchdog.progress = delivered
                elif buf.startswith(b'POST '):
                    head = bytes(buf[:end])
                    lower = head.lower()
                    at = lower.find(b'\r\ncontent-length:')
                    if at < 0:
                        raise BenchError(f'a post without Content-Length: {head[:300]!r}')
                    stop = lower.find(b'\r\n', at + 2)
                    length = int(head[at + 17:stop if stop >= 0 else len(head)])
                    total = end + 4 + length
                    while len(buf) < total:
                        got = recv_into(view)
                        if not got:
                            raise BenchError('connection closed inside a post body')
                        buf += view[:got]
                    posted(head[:head.find(b'\r\n')], head, buf, end + 4, total)
                    del buf[:total]
                    send(ACCEPTED)
                else:
                    raise BenchError(f'unexpected request {bytes(buf[:200])!r}')
        finally:
            gc.enable()
            conn.close()
        self.wall_ns = t1 - t0
        self.mock_cpu_ns = round((cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime)
                                 * 1e9)

    def answered_once(self):
        return (self.error_posts == 0 and self.unknown_posts == 0
                and all(c == 1 for c in self.counts))

    def problems(self):
        """A short description of what broke 'exactly once', or None."""
        if self.answered_once():
            return None
        missing = sum(1 for c in self.counts if c == 0)
        repeated = sum(1 for c in self.counts if c > 1)
        return (f'{missing} ids unanswered, {repeated} answered more than once, '
                f'{self.error_posts} /error posts, {self.unknown_posts} posts for unknown ids')


def warm(bootstrap, events, n, log_path, wrapper=()):
    argv = [*wrapper, bootstrap]
    env = lambda_environment(f'{HOST}:0', os.getcwd())
    if wrapper:
        env['PATH'] = os.environ.get('PATH', '/usr/bin:/bin')
    return WarmRun(events, n).run(argv, env, measure_rss=not wrapper, log_path=log_path)


# ---------------------------------------------------------------------------------------------
# strace and callgrind

STRACE_LINE = re.compile(rb'^(?:\[?(?:pid\s+)?\d+\]?\s+)?([a-z_0-9]+)\(')


def strace_calls(path):
    """The syscalls in an strace -o file: a list of (name, line)."""
    calls = []
    with open(path, 'rb') as f:
        for line in f:
            m = STRACE_LINE.match(line)
            if m:
                calls.append((m.group(1).decode(), line))
    return calls


def warm_cycle(calls):
    """The syscalls of one warm invocation, from a sendmsg of GET /next in the middle of the
    trace to the next one; None when they cannot be found."""
    starts = [i for i, (name, line) in enumerate(calls)
              if name in ('sendmsg', 'sendto', 'write', 'writev') and b'"GET ' in line]
    if len(starts) < 3:
        return None
    middle = len(starts) // 2
    return [name for name, _ in calls[starts[middle]:starts[middle + 1]]]


def syscall_profile(bootstrap, events, n1, n2, workdir):
    strace = shutil.which('strace')
    results = {}
    for n in (n1, n2):
        trace = os.path.join(workdir, f'strace-{n}.txt')
        run = warm(bootstrap, events, n, os.path.join(workdir, 'strace.log'),
                   wrapper=(strace, '-f', '-qq', '-o', trace))
        results[n] = (run, strace_calls(trace))
    per_name = {}
    c1 = count_names(results[n1][1])
    c2 = count_names(results[n2][1])
    for name in sorted(set(c1) | set(c2)):
        diff = (c2.get(name, 0) - c1.get(name, 0)) / (n2 - n1)
        if diff:
            per_name[name] = diff
    total = (len(results[n2][1]) - len(results[n1][1])) / (n2 - n1)
    return {
        'per_invocation': total,
        'per_name': per_name,
        'cycle': warm_cycle(results[n2][1]),
        'startup_and_exit': len(results[n1][1]) - round(total * n1),
        'runs': [results[n1][0], results[n2][0]],
    }


def count_names(calls):
    counts = {}
    for name, _ in calls:
        counts[name] = counts.get(name, 0) + 1
    return counts


def callgrind_total(path):
    with open(path) as f:
        for line in f:
            if line.startswith(('totals:', 'summary:')):
                return int(line.split()[1])
    raise BenchError(f'no totals in {path}')


def instruction_profile(bootstrap, events, n1, n2, workdir):
    valgrind = shutil.which('valgrind')
    totals, runs = {}, []
    for n in (n1, n2):
        out = os.path.join(workdir, f'callgrind-{n}.out')
        run = warm(bootstrap, events, n, os.path.join(workdir, 'callgrind.log'),
                   wrapper=(valgrind, '--tool=callgrind', '-q', f'--callgrind-out-file={out}'))
        totals[n] = callgrind_total(out)
        runs.append(run)
    per_invocation = (totals[n2] - totals[n1]) / (n2 - n1)
    return {
        'per_invocation': per_invocation,
        'total': totals,
        'startup_and_exit': totals[n1] - round(per_invocation * n1),
        'runs': runs,
    }


# ---------------------------------------------------------------------------------------------
# Reports

def fmt_us(ns, digits=0):
    return '—' if ns is None else f'{ns / 1000:,.{digits}f}'


def fmt_num(value, digits=0):
    return '—' if value is None else f'{value:,.{digits}f}'


def table(rows, header, align):
    """GitHub markdown table (also readable as plain text)."""
    cells = [header] + rows
    widths = [max(len(str(r[i])) for r in cells) for i in range(len(header))]

    def line(row):
        return '| ' + ' | '.join(
            str(c).rjust(w) if a == 'r' else str(c).ljust(w)
            for c, w, a in zip(row, widths, align)) + ' |'
    rule = '|' + '|'.join(('-' * (w + 1) + ':') if a == 'r' else ('-' * (w + 2))
                          for w, a in zip(widths, align)) + '|'
    return '\n'.join([line(header), rule] + [line(r) for r in rows])


def cold_cell(entry, baseline_median):
    median = entry['cold_start']['median_ns']
    if median is None:
        return '—'
    ratio = median / baseline_median if baseline_median else None
    return f'{fmt_us(median)} (×{ratio:.2f})' if ratio else fmt_us(median)


def render(report):
    baseline = report.get('baseline')
    base_median = baseline['cold_start']['median_ns'] if baseline else None
    main_rows = []
    for e in report['bootstraps']:
        main_rows.append([
            e['name'], f"{e['file_bytes']:,}", f"{e['zip_bytes']:,}",
            cold_cell(e, base_median),
            fmt_num(e['warm']['wall_ns_per_invocation'] / 1000, 1) if e.get('warm') else '—',
            fmt_num(e['syscalls']['per_invocation'], 2) if e.get('syscalls') else '—',
            fmt_num(e['instructions']['per_invocation'], 0) if e.get('instructions') else '—',
            fmt_num(e['warm']['peak_rss_kib']) if e.get('warm') else '—',
        ])
    if baseline:
        main_rows.append([
            f"baseline ({baseline['name']})", f"{baseline['file_bytes']:,}",
            f"{baseline['zip_bytes']:,}", cold_cell(baseline, base_median), '—', '—', '—',
            fmt_num(baseline['rss_waiting_kib']) + ' (waiting)'
            if baseline.get('rss_waiting_kib') is not None else '—'])
    main = table(main_rows,
                 ['bootstrap', 'file bytes', 'zip bytes', 'cold start µs median (ratio to baseline)',
                  'warm µs/inv', 'syscalls/inv', 'instructions/inv', 'peak RSS KiB'],
                 'lrrrrrrr')

    detail_rows = []
    for e in report['bootstraps'] + ([baseline] if baseline else []):
        w = e.get('warm') or {}
        cs = e['cold_start']
        sc = e.get('syscalls') or {}
        ins = e.get('instructions') or {}
        detail_rows.append([
            e['name'], fmt_us(cs['p90_ns']),
            fmt_us(cs.get('median_paired_delta_ns')) if 'median_paired_delta_ns' in cs else '—',
            fmt_num(e.get('rss_waiting_kib')),
            fmt_num(w['bootstrap_cpu_ns_per_invocation'] / 1000, 2) if w else '—',
            fmt_num(w['mock_cpu_ns_per_invocation'] / 1000, 2) if w else '—',
            ' '.join(sc['cycle']) if sc.get('cycle') else '—',
            fmt_num(sc.get('startup_and_exit')),
            fmt_num(ins.get('startup_and_exit')),
            ('yes' if e['answered_exactly_once'] else 'NO') if 'answered_exactly_once' in e else '—',
        ])
    detail = table(detail_rows,
                   ['bootstrap', 'cold p90 µs', 'cold Δ vs baseline µs', 'RSS waiting KiB',
                    'bootstrap CPU µs/inv', 'mock CPU µs/inv', 'syscalls of one warm invocation',
                    'syscalls start+exit', 'instructions start+exit', 'answered exactly once'],
                   'lrrrrrlrrl')
    return main, detail


def markdown(report, main, detail):
    h = report['host']
    p = report['parameters']
    lines = [
        '<!-- generated by tools/bench.py -->',
        '```',
        report['command'],
        '```',
        '',
        f"Host: {h['cpu']} ({h['cpus']} CPUs), Linux {h['kernel']} {h['machine']}, "
        f"Python {h['python']}; {report['date']}.",
        f"Cold start: {p['runs']} runs per program, interleaved with the baseline; "
        f"warm: {p['invocations']:,} invocations of a {p['event_size']:,}-byte event; "
        f"syscalls: strace, {p['strace_invocations'][0]} vs {p['strace_invocations'][1]} "
        f"invocations; instructions: callgrind, {p['callgrind_invocations'][0]} vs "
        f"{p['callgrind_invocations'][1]} invocations.",
        '',
        main,
        '',
        detail,
        '',
        'Warm µs/inv is wall time per round trip against the benchmark\'s Python mock of the '
        'Runtime API and includes the mock\'s own cost (mock CPU µs/inv). Peak RSS is VmHWM '
        'after the warm invocations. The instruction and syscall counts are the differences '
        'between two runs divided by the difference in invocations, so start-up and exit cancel.',
        '',
    ]
    return '\n'.join(lines)


# ---------------------------------------------------------------------------------------------

def summarize_cold(samples, baseline_samples):
    out = {
        'median_ns': percentile(samples, 0.5),
        'p90_ns': percentile(samples, 0.9),
        'min_ns': min(samples),
        'mean_ns': sum(samples) / len(samples),
        'runs': len(samples),
    }
    if baseline_samples is not None and baseline_samples is not samples:
        out['median_paired_delta_ns'] = percentile(
            [a - b for a, b in zip(samples, baseline_samples)], 0.5)
    return out


def unique_names(paths):
    names = [os.path.basename(p) for p in paths]
    return [p if names.count(n) > 1 else n for p, n in zip(paths, names)]


def check_executable(path):
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise SystemExit(f'bench: {path} is not an executable file')
    return os.path.abspath(path)


def update_readme(path, text, marker='bench'):
    """Puts text between the <!-- MARKER:start --> and <!-- MARKER:end --> lines of the file at path."""
    start, end = f'<!-- {marker}:start -->\n', f'<!-- {marker}:end -->'
    with open(path) as f:
        readme = f.read()
    head, found, rest = readme.partition(start)
    _, found_end, tail = rest.partition(end)
    if not (found and found_end):
        raise SystemExit(f'{path}: no {start.strip()} ... {end} section')
    with open(path, 'w') as f:
        f.write(head + start + text.rstrip('\n') + '\n' + end + tail)


def main(argv=None):
    parser = argparse.ArgumentParser(prog='bench.py', description=__doc__.splitlines()[0])
    parser.add_argument('bootstraps', nargs='+', metavar='BOOTSTRAP')
    parser.add_argument('--baseline', metavar='PATH',
                        help='the cold-start yardstick (build: tools/bench-baseline)')
    parser.add_argument('--runs', type=int, default=200, help='cold starts per program')
    parser.add_argument('--invocations', type=int, default=20000, help='warm invocations')
    parser.add_argument('--event-size', type=int, default=1024, help='event bytes')
    parser.add_argument('--strace-invocations', type=int, nargs=2, default=(100, 1100),
                        metavar=('N1', 'N2'))
    parser.add_argument('--callgrind-invocations', type=int, nargs=2, default=(200, 1200),
                        metavar=('N1', 'N2'))
    parser.add_argument('--no-strace', action='store_true', help='skip the syscall count')
    parser.add_argument('--no-callgrind', action='store_true', help='skip the instruction count')
    parser.add_argument('--json', metavar='OUT', help='write the results as JSON')
    parser.add_argument('--markdown', metavar='OUT', help='write the results as markdown')
    parser.add_argument('--readme', metavar='PATH',
                        help='replace the text between <!-- bench:start --> and <!-- bench:end --> '
                             'in PATH with the markdown results')
    args = parser.parse_args(argv)
    if args.runs < 1 or args.invocations < 1 or args.event_size < 0:
        parser.error('--runs and --invocations must be positive, --event-size not negative')
    for pair in (args.strace_invocations, args.callgrind_invocations):
        if not 0 < pair[0] < pair[1]:
            parser.error('trace invocations must be 0 < N1 < N2')

    paths = [check_executable(p) for p in args.bootstraps]
    names = unique_names(args.bootstraps)
    baseline_path = check_executable(args.baseline) if args.baseline else None
    do_strace = not args.no_strace and shutil.which('strace')
    do_callgrind = not args.no_callgrind and shutil.which('valgrind')
    if not args.no_strace and not do_strace:
        progress('strace not found: no syscall counts (apt-get install strace)')
    if not args.no_callgrind and not do_callgrind:
        progress('valgrind not found: no instruction counts (apt-get install valgrind)')

    command = shlex.join(['python3', sys.argv[0] if argv is None else 'tools/bench.py',
                          *(sys.argv[1:] if argv is None else argv)])
    report = {
        'command': command,
        'date': time.strftime('%Y-%m-%d'),
        'host': host_description(),
        'tools': {
            'strace': tool_version(['strace', '-V']) if do_strace else None,
            'valgrind': tool_version(['valgrind', '--version']) if do_callgrind else None,
        },
        'parameters': {
            'runs': args.runs, 'invocations': args.invocations, 'event_size': args.event_size,
            'strace_invocations': list(args.strace_invocations),
            'callgrind_invocations': list(args.callgrind_invocations),
        },
        'bootstraps': [],
        'baseline': None,
    }

    # Cold start, interleaved.
    programs = list(zip(names, paths))
    if baseline_path:
        programs = [('baseline', baseline_path)] + programs
    progress(f'cold start: {args.runs} runs of {len(programs)} programs, interleaved')
    try:
        samples, waiting = cold_start(programs, args.runs)
    except BenchError as error:
        progress(f'cold start failed: {error}')
        return 1
    base_samples = samples.get('baseline')

    entries = []
    for name, path in zip(names, paths):
        entries.append({
            'name': name, 'path': path,
            'file_bytes': os.path.getsize(path), 'zip_bytes': zip_size(path),
            'cold_start': summarize_cold(samples[name], base_samples),
            'rss_waiting_kib': waiting[name].get('VmHWM'),
        })
    if baseline_path:
        report['baseline'] = {
            'name': os.path.basename(baseline_path), 'path': baseline_path,
            'file_bytes': os.path.getsize(baseline_path), 'zip_bytes': zip_size(baseline_path),
            'cold_start': summarize_cold(base_samples, None),
            'rss_waiting_kib': waiting['baseline'].get('VmHWM'),
        }

    most = max(args.invocations, args.strace_invocations[1], args.callgrind_invocations[1])
    events = Events(most, args.event_size)
    with tempfile.TemporaryDirectory(prefix='wisp-bench-') as workdir:
        for entry in entries:
            name, path = entry['name'], entry['path']
            log_path = os.path.join(workdir, 'warm.log')
            runs = []
            try:
                progress(f'{name}: {args.invocations} warm invocations')
                run = warm(path, events, args.invocations, log_path)
                runs.append(run)
                cpu = run.rusage.ru_utime + run.rusage.ru_stime
                entry['warm'] = {
                    'invocations': args.invocations,
                    'wall_ns_per_invocation': run.wall_ns / args.invocations,
                    'mock_cpu_ns_per_invocation': run.mock_cpu_ns / args.invocations,
                    'bootstrap_cpu_ns_per_invocation': cpu * 1e9 / args.invocations,
                    'peak_rss_kib': run.status.get('VmHWM'),
                    'proc_status_kib': run.status,
                    'connections': run.connections,
                    'exit': run.exit_status,
                }
                if do_strace:
                    progress(f'{name}: strace, {args.strace_invocations[0]} and '
                             f'{args.strace_invocations[1]} invocations')
                    profile = syscall_profile(path, events, *args.strace_invocations, workdir)
                    runs += profile.pop('runs')
                    entry['syscalls'] = profile
                if do_callgrind:
                    progress(f'{name}: callgrind, {args.callgrind_invocations[0]} and '
                             f'{args.callgrind_invocations[1]} invocations')
                    profile = instruction_profile(path, events, *args.callgrind_invocations,
                                                  workdir)
                    runs += profile.pop('runs')
                    entry['instructions'] = profile
            except BenchError as error:
                entry['failure'] = str(error)
                progress(f'{name}: FAILED: {error}')
                for log in sorted(os.listdir(workdir)):
                    if log.endswith('.log'):
                        with open(os.path.join(workdir, log), 'rb') as f:
                            tail = f.read()[-2000:].decode(errors='replace')
                        progress(f'{log} (tail):\n{tail}')
            entry['answered_exactly_once'] = bool(runs) and all(r.answered_once() for r in runs)
            for r in runs:
                if r.problems():
                    progress(f'{name}: not answered exactly once: {r.problems()}')
            entry['exits'] = sorted({r.exit_status for r in runs if r.exit_status})
            report['bootstraps'].append(entry)

    main_table, detail_table = render(report)
    print(f'\n{command}\n')
    print(main_table)
    print()
    print(detail_table)
    for entry in report['bootstraps']:
        if entry.get('failure'):
            print(f"\n{entry['name']} FAILED: {entry['failure']}")
        unusual = [e for e in entry.get('exits', []) if e != 'exit status 1']
        if unusual:
            print(f"\n{entry['name']}: unexpected exits: {', '.join(unusual)} "
                  '(expected exit status 1 after the final 500)')
    if args.markdown:
        with open(args.markdown, 'w') as f:
            f.write(markdown(report, main_table, detail_table))
    if args.readme:
        update_readme(args.readme, markdown(report, main_table, detail_table))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(report, f, indent=2)
            f.write('\n')
    failed = any(e.get('failure') or not e['answered_exactly_once'] for e in report['bootstraps'])
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
