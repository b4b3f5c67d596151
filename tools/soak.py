#!/usr/bin/env python3
"""Soak a wisp bootstrap: a million invocations, every answer checked, memory and descriptors flat.

BOOTSTRAP (default build-bench/handlers/bootstrap-hello) must answer as handlers/hello.cpp does:
{"name": S} -> {"message":"Hello, S!"}, no string name -> "Hello, world!", malformed JSON ->
/error Function.InvalidInput. tools/bench.py's mock of the Runtime API serves it INVOCATIONS
events from a fixed schedule:

  warm-up     one event of every kind and size below, largest first: the 7 MiB event that is
              too large for the receive buffer, then the 6 MiB ones; "start" is after it;
  the cycle   1,000 slots: 64 B (250), 256 B (200), 1 KiB (200), 4 KiB (200), 16 KiB (100),
              64 KiB (40), 256 KiB (8), 1 MiB (2); one slot in 20 a malformed event (5 %, seven
              kinds of defect), the others a plain name, a name with escapes and UTF-8, no name,
              or a name after a long array (many JSON tokens: arena use);
  specials    once every 10,000: in turn a 6 MiB name (a 6 MiB answer), a 6 MiB event without
              a name, a truncated 6 MiB event, and a 7 MiB event (Runtime.EventTooLarge).

Every invocation must be answered exactly once, by /response with exactly the expected body or
by /error with exactly the expected type and document. When the bootstrap's GET /next for the
next event has arrived (it is waiting in read()), the mock reads its VmRSS from
/proc/PID/status and counts /proc/PID/fd: SAMPLES times over the run, adding nothing to the
bootstrap's path. Flat: from the start on, no sample's VmRSS above the start's by more than
--rss-tolerance-kib (default 0), nor the end's VmHWM (the peak, which also sees the moments
between samples) above the start's, and every descriptor count equal to the start's.

Exit status 0 when every invocation was answered exactly once and right, memory and descriptors
stayed flat and the bootstrap exited with status 1 after the mock's final 500; 1 otherwise.

usage: soak.py [BOOTSTRAP] [--invocations N] [--samples S] [--rss-tolerance-kib KIB]
               [--log PATH] [--json OUT] [--markdown OUT] [--readme PATH]
"""

import argparse
import json
import os
import re
import shlex
import sys
import tempfile
import time

TOOLS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TOOLS)
sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree
import bench  # noqa: E402  (tools/ is not a package)
from emulator import command, lambda_environment  # noqa: E402

KIB = 1024
MIB = 1024 * KIB
EVENT_LIMIT = 6 * MIB  # Lambda's limit on a synchronous event
TOO_LARGE = 7 * MIB  # more than the receive buffer holds (6 MiB + 128 KiB with the head)
STAMP = 8  # hex digits of the invocation's number, in every event and most answers
PLACE = b'\0' * STAMP  # where a template has the stamp: bytes no event has otherwise
PROGRESS_SECONDS = 5.0
PROGRESS_CHECK = 256  # invocations between looks at the clock
DEFAULT_BOOTSTRAP = 'build-bench/handlers/bootstrap-hello'

CYCLE_SIZES = [(64, 250), (256, 200), (KIB, 200), (4 * KIB, 200), (16 * KIB, 100),
               (64 * KIB, 40), (256 * KIB, 8), (MIB, 2)]
CYCLE = sum(count for _, count in CYCLE_SIZES)
assert CYCLE == 1000
STRIDE = 387  # coprime with CYCLE: spreads each size over the cycle
MALFORMED_EVERY = 20  # 5 %
# The other slots' kinds, in turn: 19 of them, so that they drift against the sizes.
KINDS = ['name', 'name', 'escaped', 'name', 'anonymous', 'tokens', 'name', 'escaped',
         'anonymous', 'name', 'tokens', 'name', 'escaped', 'name', 'anonymous', 'tokens', 'name',
         'name', 'escaped']
SPECIAL_EVERY = 10000
SPECIALS = [('name', EVENT_LIMIT, 0), ('anonymous', EVENT_LIMIT, 0),
            ('malformed', EVENT_LIMIT, 0), ('too_large', TOO_LARGE, 0)]

ID_PREFIX = b'50a4c0de-'
FILLER = b'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 .,:;-_+=*#@~ '
# JSON text of a name that needs unescaping (\u escapes, a surrogate pair) and escaping again
# (quote, backslash, control characters), with raw UTF-8 of 2, 3 and 4 bytes.
ESCAPED = ('caf\\u00e9 \\"q\\" \\\\ \\/ \\n\\t\\r\\b\\f \\ud83d\\ude00 '
           '\u00e9\u00df \u20ac \U0001f600 \\u0001 ').encode()

MIX = ('64 B to 1 MiB, mostly small, 5 % malformed, and every 10,000th a 6 MiB event or '
       'a 7 MiB one (too large)')
FUNCTION_INVALID_INPUT = 'Function.InvalidInput'
EVENT_TOO_LARGE = 'Runtime.EventTooLarge'


def progress(message):
    print(f'soak: {message}', file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# The events and their expected answers

def json_string(raw):
    """raw (bytes) as a JSON string the way wisp's Builder::append_json_string writes it: " and
    \\ after a backslash, other bytes below 0x20 as \\u00xx (lowercase), all others as they are."""
    def escape(match):
        c = match.group()[0]
        return b'\\' + match.group() if c in b'"\\' else b'\\u%04x' % c
    return b'"' + re.sub(rb'["\\\x00-\x1f]', escape, raw) + b'"'


def error_document(message, error_type):
    """The /error body wisp posts for a failure."""
    return (b'{"errorMessage":' + json_string(message.encode()) + b',"errorType":'
            + json_string(error_type.encode()) + b',"stackTrace":[]}')


def fill(pattern, size):
    return (pattern * (size // len(pattern) + 1))[:size]


def numbers(size):
    """A JSON array's elements, "0,1,2,...", then spaces: exactly size bytes."""
    out, total, i = [], 0, 0
    while True:
        item = b'%d,' % (i % 1000)
        if total + len(item) + 1 > size:  # leave room for the last element, "0"
            break
        out.append(item)
        total += len(item)
        i += 1
    return b''.join(out) + b'0' + b' ' * (size - total - 1)


# The seven malformed events: (message wisp gives, builder of exactly size bytes around the stamp).
def _truncated(stamp, size):
    return b'{"name":"' + stamp + fill(FILLER, size - 9 - len(stamp))


def _single_quoted(stamp, size):
    head, tail = b'{"pad":"', b'","name":\'' + stamp + b'\'}'
    return head + fill(FILLER, size - len(head) - len(tail)) + tail


def _second_value(stamp, size):
    head, tail = b'{"name":"' + stamp + b'","pad":"', b'"}{}'
    return head + fill(FILLER, size - len(head) - len(tail)) + tail


def _control_byte(stamp, size):
    head, tail = b'{"name":"' + stamp, b'\x01"}'
    return head + fill(FILLER, size - len(head) - len(tail)) + tail


def _bad_escape(stamp, size):
    head, tail = b'{"name":"' + stamp, b'\\q"}'
    return head + fill(FILLER, size - len(head) - len(tail)) + tail


def _blank(stamp, size):
    return b' ' * size


def _trailing_comma(stamp, size):
    head, tail = b'{"name":"' + stamp + b'","pad":"', b'",}'
    return head + fill(FILLER, size - len(head) - len(tail)) + tail


MALFORMED = [('truncated JSON', _truncated), ('malformed JSON', _single_quoted),
             ('malformed JSON', _second_value), ('malformed JSON', _control_byte),
             ('malformed JSON', _bad_escape), ('malformed JSON', _blank),
             ('malformed JSON', _trailing_comma)]


class Template:
    """One kind of event at one size: the event's bytes around its stamp, and the expected
    answer: a /response body around the stamp (or without it), or an /error's type and body."""

    def __init__(self, kind, size, variant):
        self.kind, self.size, self.variant = kind, size, variant
        stamp = PLACE
        self.error_type = None
        if kind == 'name':
            name = stamp + fill(FILLER, size - 11 - STAMP)
            event = b'{"name":"' + name + b'"}'
            answer = b'{"message":"Hello, ' + name + b'!"}'
        elif kind == 'escaped':
            head, tail = b'{"name":"' + stamp, b'"}'
            text = fill(ESCAPED, size - len(head) - len(tail))
            cut = text.rfind(b' ') + 1  # whole escapes and characters only, then plain filler
            event = head + text[:cut] + b'x' * (len(text) - cut) + tail
            digits = b'0' * STAMP  # the stamp's place as the answer has it: after "Hello, "
            name = json.loads(event.replace(stamp, digits))['name'].encode()
            answer = b'{"message":' + json_string(b'Hello, ' + name + b'!') + b'}'
            answer = answer.replace(digits, stamp, 1)
        elif kind == 'anonymous':
            head, tail = b'{"id":"' + stamp + b'","name":null,"pad":"', b'"}'
            event = head + fill(FILLER, size - len(head) - len(tail)) + tail
            answer = b'{"message":"Hello, world!"}'
        elif kind == 'tokens':
            head, tail = b'{"items":[', b'],"name":"' + stamp + b'"}'
            event = head + numbers(size - len(head) - len(tail)) + tail
            answer = b'{"message":"Hello, ' + stamp + b'!"}'
        elif kind == 'malformed':
            message, build = MALFORMED[variant]
            event = build(stamp, size)
            self.error_type = FUNCTION_INVALID_INPUT
            answer = error_document(message, self.error_type)
        elif kind == 'too_large':
            event = b'{"name":"' + stamp + fill(FILLER, size - 11 - STAMP) + b'"}'
            self.error_type = EVENT_TOO_LARGE
            answer = error_document('event too large', self.error_type)
        else:
            raise ValueError(kind)
        if len(event) != size:
            raise AssertionError(f'{kind} {size}: built {len(event)} bytes')
        self.check_json(event)
        at = event.find(stamp)
        self.event_parts = (event[:at], event[at + STAMP:]) if at >= 0 else (event, None)
        at = answer.find(stamp) if self.error_type is None else -1
        self.answer_parts = (answer[:at], answer[at + STAMP:]) if at >= 0 else (answer, None)
        self.answer_len = len(answer)
        if self.error_type:
            self.error_header = (b'\r\nlambda-runtime-function-error-type: '
                                 + self.error_type.encode().lower() + b'\r\n')

    def check_json(self, event):
        """The schedule's own check: the event is valid JSON unless it is a malformed one."""
        valid = True
        try:
            json.loads(event.replace(PLACE, b'0' * STAMP))
        except ValueError:
            valid = False
        if valid == (self.kind == 'malformed'):
            raise AssertionError(f'{self.describe()}: JSON valid={valid}')

    def event(self, stamp):
        before, after = self.event_parts
        return (before, stamp, after) if after is not None else (before,)

    def describe(self):
        what = self.kind if self.kind != 'malformed' else f'malformed #{self.variant}'
        return f'{what}, {size_text(self.size)}'


class Schedule:
    """Which template each invocation gets: the warm-up, then the cycle with its specials."""

    def __init__(self):
        sizes = [size for size, count in CYCLE_SIZES for _ in range(count)]
        self.cache = {}
        self.cycle = []
        for slot in range(CYCLE):
            size = sizes[slot * STRIDE % CYCLE]
            if slot % MALFORMED_EVERY == MALFORMED_EVERY - 1:
                key = ('malformed', size, slot // MALFORMED_EVERY % len(MALFORMED))
            else:
                key = (KINDS[slot % len(KINDS)], size, 0)
            self.cycle.append(self.template(key))
        self.specials = [self.template(key) for key in SPECIALS]
        self.warmup = sorted(self.cache.values(),
                             key=lambda t: (-t.size, t.kind, t.variant))

    def template(self, key):
        if key not in self.cache:
            self.cache[key] = Template(*key)
        return self.cache[key]

    def __getitem__(self, i):
        if i < len(self.warmup):
            return self.warmup[i]
        m = i - len(self.warmup)
        if m % SPECIAL_EVERY == SPECIAL_EVERY // 2:
            return self.specials[m // SPECIAL_EVERY % len(self.specials)]
        return self.cycle[m % CYCLE]


def request_id(i):
    return ID_PREFIX + b'%04x-4000-8000-%012x' % (i >> 48 & 0xffff, i & 0xffffffffffff)


# ---------------------------------------------------------------------------------------------
# Sampling the bootstrap from outside

def sample(pid, invocations, started):
    """VmRSS (and its parts, and VmHWM) in KiB and the count of open descriptors of pid."""
    status = bench.proc_status(pid)
    try:
        fds = len(os.listdir(f'/proc/{pid}/fd'))
    except OSError:
        fds = None
    return {
        'invocations': invocations,
        'seconds': round(time.monotonic() - started, 3),
        'rss_kib': status.get('VmRSS'),
        'rss_anon_kib': status.get('RssAnon'),
        'rss_file_kib': status.get('RssFile'),
        'hwm_kib': status.get('VmHWM'),
        'fds': fds,
    }


def inherit_nothing():
    """Lambda starts the bootstrap with stdin, stdout and stderr only: descriptors above 2 that
    this process inherited without close-on-exec (from a shell, a test runner) are made
    close-on-exec, so that the bootstrap's count is its own."""
    for name in os.listdir('/proc/self/fd'):
        fd = int(name)
        try:
            if fd > 2 and os.get_inheritable(fd):
                os.set_inheritable(fd, False)
        except OSError:  # the directory's own descriptor, closed by now
            pass


class SoakRun(bench.WarmRun):
    """tools/bench.py's mock with the schedule's events, each answer checked, and samples."""

    MAX_PROBLEMS = 20  # described one by one; all are counted

    def __init__(self, schedule, n, samples, quiet=False):
        super().__init__(None, n)
        self.quiet = quiet
        self.schedule = schedule
        self.warmup = len(schedule.warmup)
        # Before the first event, after the warm-up (the start), then every n / samples
        # invocations up to n (the end: the GET /next after the last answer, which gets the
        # final 500).
        self.sample_at = sorted({0, self.warmup} | {round(k * n / samples)
                                                    for k in range(1, samples + 1)
                                                    if round(k * n / samples) > self.warmup})
        self.samples = []
        self.next_sample = 0
        self.deadline = bench.far_deadline()
        self.current = -1  # the invocation being answered (the loop is sequential)
        self.problems_seen = 0
        self.problem_list = []
        self.outcomes = {}  # 'response' or the error type: count
        self.started = time.monotonic()
        self.next_progress = PROGRESS_SECONDS
        self.mark_at = 0  # the next invocation at which to sample or to check the time
        self.event_bytes = 0  # bodies sent
        self.answer_bytes = 0  # bodies posted

    # The hooks of bench.WarmRun.

    def answer(self, i):
        if i >= self.mark_at:
            self.mark(i)
        self.current = i
        template = self.schedule[i]
        parts = template.event(b'%08x' % i)
        length = sum(len(p) for p in parts)
        self.event_bytes += length
        return b''.join((bench.next_head(request_id(i), i, length, self.deadline),) + parts)

    def posted(self, line, head, buf, start, stop):
        at = line.find(b'/runtime/invocation/')
        rid, _, rest = line[at + 20:].partition(b'/') if at >= 0 else (b'', b'', b'')
        i = int(rid[-12:], 16) if len(rid) == 36 and rid.startswith(ID_PREFIX) else -1
        if not 0 <= i < self.n or request_id(i) != rid:
            self.unknown_posts += 1
            self.problem(f'a post for an unknown request id: {line[:200]!r}')
            return
        if self.counts[i] < 255:
            self.counts[i] += 1
        self.answer_bytes += stop - start
        if i != self.current:
            self.problem(f'invocation {i}: posted while {self.current} was the one delivered')
        template = self.schedule[i]
        route = rest.partition(b' ')[0]
        outcome = route.decode(errors='replace')
        if route == b'error':
            at = head.lower().find(b'\r\nlambda-runtime-function-error-type:')
            outcome = 'error without a type'
            if at >= 0:
                stop_at = head.find(b'\r\n', at + 2)
                outcome = head[at + 37:stop_at if stop_at >= 0 else len(head)].strip().decode(
                    errors='replace')
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
        if template.error_type is None:
            if route != b'response':
                self.problem(f'invocation {i} ({template.describe()}): /{route.decode()} '
                             f'instead of /response: {bytes(buf[start:start + 300])!r}')
            elif b'\r\nContent-Type: application/json\r\n' not in head:
                self.problem(f'invocation {i}: not application/json: {head[:400]!r}')
            elif not self.body_matches(template, b'%08x' % i, buf, start, stop):
                self.problem(f'invocation {i} ({template.describe()}): body of {stop - start} '
                             f'bytes, expected {template.answer_len}: '
                             f'{bytes(buf[start:min(stop, start + 200)])!r}')
        else:
            if route != b'error':
                self.problem(f'invocation {i} ({template.describe()}): /{route.decode()} '
                             f'instead of /error')
            elif template.error_header not in head.lower() + b'\r\n':
                self.problem(f'invocation {i}: not a {template.error_type} error: {head[:400]!r}')
            elif buf[start:stop] != template.answer_parts[0]:
                self.problem(f'invocation {i} ({template.describe()}): error document '
                             f'{bytes(buf[start:min(stop, start + 300)])!r}')

    def measure(self, pid):
        super().measure(pid)
        self.samples.append(sample(pid, self.n, self.started))

    # The checks.

    @staticmethod
    def body_matches(template, stamp, buf, start, stop):
        """buf[start:stop] is the template's answer with stamp in it, compared in place."""
        if stop - start != template.answer_len:
            return False
        before, after = template.answer_parts
        if not buf.startswith(before, start):
            return False
        if after is None:
            return True
        at = start + len(before)
        return buf.startswith(stamp, at) and buf.startswith(after, at + STAMP)

    def problem(self, text):
        self.problems_seen += 1
        if len(self.problem_list) < self.MAX_PROBLEMS:
            self.problem_list.append(text)
            if not self.quiet:
                progress(f'PROBLEM: {text}')

    def mark(self, i):
        """Takes the sample and prints the progress due once i invocations are done."""
        if self.next_sample < len(self.sample_at) and i == self.sample_at[self.next_sample]:
            self.samples.append(sample(self.pid, i, self.started))
            self.next_sample += 1
        following = self.sample_at[self.next_sample] if self.next_sample < len(
            self.sample_at) else self.n
        self.mark_at = min(following, i + PROGRESS_CHECK)
        now = time.monotonic() - self.started
        if now >= self.next_progress:
            self.next_progress = now + PROGRESS_SECONDS
            s = self.samples[-1] if self.samples and self.samples[-1]['invocations'] == i \
                else sample(self.pid, i, self.started)
            progress(f'{i:,}/{self.n:,} invocations, {i / now:,.0f}/s, '
                     f'RSS {s["rss_kib"]:,} KiB, {s["fds"]} fds')

    def unanswered(self):
        return self.counts.count(0)

    def repeated(self):
        return self.n - self.counts.count(0) - self.counts.count(1)


def flatness(samples, warmup, tolerance_kib):
    """The verdict on the samples taken after the warm-up (the first of them is the start)."""
    after = [s for s in samples if s['invocations'] >= warmup]
    start, end = after[0], after[-1]
    rss = [s['rss_kib'] for s in after]
    fds = [s['fds'] for s in after]
    if None in rss or None in fds:
        return {'flat': False, 'why': 'a sample could not be read'}
    growth = max(rss) - start['rss_kib']
    peak_growth = end['hwm_kib'] - start['hwm_kib']
    flat_rss = growth <= tolerance_kib and peak_growth <= tolerance_kib
    flat_fds = all(f == start['fds'] for f in fds)
    why = []
    if growth > tolerance_kib:
        worst = max(after, key=lambda s: s['rss_kib'])
        why.append(f'VmRSS {worst["rss_kib"]:,} KiB after {worst["invocations"]:,} invocations, '
                   f'{growth:,} KiB above the start (tolerance {tolerance_kib:,} KiB)')
    if peak_growth > tolerance_kib:
        why.append(f'VmHWM {peak_growth:,} KiB above the start\'s at the end '
                   f'(tolerance {tolerance_kib:,} KiB)')
    if not flat_fds:
        other = next(s for s in after if s['fds'] != start['fds'])
        why.append(f'{other["fds"]} descriptors after {other["invocations"]:,} invocations, '
                   f'{start["fds"]} at the start')
    return {
        'flat': flat_rss and flat_fds,
        'rss_flat': flat_rss, 'fds_flat': flat_fds,
        'why': '; '.join(why) or None,
        'start': start, 'end': end,
        'rss_min_kib': min(rss), 'rss_max_kib': max(rss),
        'fds_min': min(fds), 'fds_max': max(fds),
        'rss_end_minus_start_kib': end['rss_kib'] - start['rss_kib'],
        'rss_max_minus_start_kib': growth,
        'hwm_end_minus_start_kib': peak_growth,
        'tolerance_kib': tolerance_kib,
    }


# ---------------------------------------------------------------------------------------------

def soak(argv, n, samples=100, tolerance_kib=0, log_path=None, quiet=False):
    """Runs the soak of the bootstrap started by argv; returns the report (a dict). quiet: the
    problems found are not printed as they come (the report lists the first ones)."""
    schedule = Schedule()
    if n <= len(schedule.warmup):
        raise ValueError(f'{n} invocations: the warm-up alone takes {len(schedule.warmup)}')
    run = SoakRun(schedule, n, samples, quiet)
    inherit_nothing()
    env = lambda_environment(f'{bench.HOST}:0', os.getcwd())
    with tempfile.TemporaryDirectory(prefix='wisp-soak-') as workdir:
        log = log_path or os.path.join(workdir, 'bootstrap.log')
        started = time.monotonic()
        failure = None
        try:
            run.run(argv, env, measure_rss=True, log_path=log)
        except bench.BenchError as error:
            failure = str(error)
            with open(log, 'rb') as f:
                f.seek(max(0, os.path.getsize(log) - 2000))
                progress(f'FAILED: {error}\nthe bootstrap\'s log (tail):\n'
                         f'{f.read().decode(errors="replace")}')
        seconds = time.monotonic() - started
    report = {
        'invocations': n,
        'warmup': len(schedule.warmup),
        'largest_event': max(t.size for t in schedule.warmup),
        'seconds': round(seconds, 1),
        'failure': failure,
        'exit': run.exit_status,
        'connections': run.connections,
        'outcomes': dict(sorted(run.outcomes.items())),
        'unanswered': run.unanswered(),
        'answered_more_than_once': run.repeated(),
        'unknown_posts': run.unknown_posts,
        'problems': run.problems_seen,
        'problem_list': run.problem_list,
        'event_bytes': run.event_bytes,
        'answer_bytes': run.answer_bytes,
        'largest_answer': max(t.answer_len for t in schedule.warmup),
        'mock_cpu_s': round(run.mock_cpu_ns / 1e9, 1) if run.mock_cpu_ns is not None else None,
        'bootstrap_cpu_s': round(run.rusage.ru_utime + run.rusage.ru_stime, 1)
        if run.rusage else None,
        'samples': run.samples,
        'mix': MIX,
    }
    report['answered_exactly_once'] = (failure is None and report['unanswered'] == 0
                                       and report['answered_more_than_once'] == 0
                                       and run.unknown_posts == 0)
    report['flatness'] = flatness(run.samples, len(schedule.warmup), tolerance_kib) \
        if failure is None else {'flat': False, 'why': failure}
    report['ok'] = (report['answered_exactly_once'] and run.problems_seen == 0
                    and report['flatness']['flat'] and run.exit_status == 'exit status 1')
    return report


def thp_mode():
    """The kernel's transparent huge page mode (the bracketed word), or None."""
    try:
        with open('/sys/kernel/mm/transparent_hugepage/enabled') as f:
            return re.search(r'\[(\w+)\]', f.read()).group(1)
    except (OSError, AttributeError):
        return None


def duration(seconds):
    if seconds < 60:
        return f'{seconds:.1f} s'
    minutes, seconds = divmod(round(seconds), 60)
    return f'{minutes} min {seconds} s'


def bytes_text(count):
    return f'{count / 2**30:,.1f} GiB' if count >= 2**30 else f'{count / 2**20:,.1f} MiB'


def size_text(size):
    """64 B, 16 KiB, 6 MiB: sizes rounded to their unit."""
    if size >= MIB:
        return f'{size / MIB:,.0f} MiB'
    return f'{size / KIB:,.0f} KiB' if size >= KIB else f'{size} B'


def markdown(report, rows=11):
    h = report['host']
    n = report['invocations']
    f = report['flatness']
    outcomes = report['outcomes']
    errors = ' and '.join(f'{count:,} {kind}' for kind, count in outcomes.items()
                          if kind != 'response')
    cpu = ''
    if report['bootstrap_cpu_s'] is not None and report['mock_cpu_s'] is not None:
        cpu = (f"; CPU: bootstrap {report['bootstrap_cpu_s']:,.1f} s, "
               f"mock {report['mock_cpu_s']:,.1f} s")
    right = report['answered_exactly_once'] and not report['problems']
    lines = [
        '<!-- generated by tools/soak.py -->',
        '```',
        report['command'],
        '```',
        '',
        f"Host: {h['cpu']} ({h['cpus']} CPUs), Linux {h['kernel']} {h['machine']}, "
        f"Python {h['python']}, transparent huge pages: {h['thp']}; {report['date']}."
        + (f" The bootstrap ran under {os.path.basename(report['argv'][0])}: the memory and "
           "descriptors sampled are that process's." if len(report['argv']) > 1 else ''),
        '',
        f"{n:,} invocations of `{report['bootstrap']}` in {duration(report['seconds'])} "
        f"({n / report['seconds']:,.0f}/s{cpu}) over {report['connections']} "
        f"connection{'s' if report['connections'] != 1 else ''}: "
        f"{bytes_text(report['event_bytes'])} of events, {report['mix']}; "
        f"{bytes_text(report['answer_bytes'])} of answers: "
        f"{outcomes.get('response', 0):,} responses, {errors or 'no'} errors. "
        + ('Every invocation was answered exactly once, with exactly the expected body or error.'
           if right else
           f"NOT answered exactly once and right: {report['unanswered']:,} unanswered, "
           f"{report['answered_more_than_once']:,} answered more than once, "
           f"{report['problems']:,} problems."),
        '',
    ]
    if 'start' in f:
        start, end = f['start'], f['end']
        before = report['samples'][0]
        after = [s for s in report['samples'] if s['invocations'] >= start['invocations']]
        lines += [
            bench.table([
                ['before the first event', f"{before['invocations']:,}",
                 f"{before['rss_kib']:,}", f"{before['fds']}"],
                ['start: after the warm-up', f"{start['invocations']:,}",
                 f"{start['rss_kib']:,}", f"{start['fds']}"],
                ['end', f"{end['invocations']:,}", f"{end['rss_kib']:,}", f"{end['fds']}"],
                ['min … max, start to end', '',
                 f"{f['rss_min_kib']:,} … {f['rss_max_kib']:,}",
                 f"{f['fds_min']} … {f['fds_max']}"],
            ], ['', 'invocations', 'VmRSS KiB', 'open fds'], 'lrrr'),
            '',
            ('**Flat**' if f['flat'] else '**NOT flat**')
            + f": {len(after)} samples from the start to the end; the highest VmRSS "
            f"{f['rss_max_minus_start_kib']:,} KiB above the start's, VmHWM (the peak, which also "
            f"covers the moments between samples) {f['hwm_end_minus_start_kib']:,} KiB above it at "
            f"the end (flat: both at most {f['tolerance_kib']:,} KiB); open descriptors "
            + (f"{start['fds']} in every sample." if f['fds_flat'] else
               f"from {f['fds_min']} to {f['fds_max']}, not always the start's {start['fds']}.")
            + (f" NOT flat: {f['why']}." if f.get('why') else ''),
            '',
        ]
        step = max(1, round((len(after) - 1) / (rows - 1)))
        picked = sorted(set(range(0, len(after), step)) | {len(after) - 1})
        lines += [
            bench.table([[f"{after[k]['invocations']:,}", f"{after[k]['seconds']:,.0f}",
                          f"{after[k]['rss_kib']:,}", f"{after[k]['rss_anon_kib']:,}",
                          f"{after[k]['rss_file_kib']:,}", f"{after[k]['hwm_kib']:,}",
                          f"{after[k]['fds']}"] for k in picked],
                        ['invocations', 's', 'VmRSS KiB', 'RssAnon KiB', 'RssFile KiB',
                         'VmHWM KiB', 'open fds'], 'rrrrrrr'),
            '',
        ]
    else:
        lines += [f"No verdict on memory and descriptors: {f.get('why')}", '']
    lines += [
        f"The warm-up is the first {report['warmup']} invocations: one event of each kind and "
        "size, largest first. The receive buffer, the response buffer and the arena are mapped "
        f"once and reused: the first {size_text(EVENT_LIMIT)} event, "
        f"{size_text(report['largest_answer'])} answer and {size_text(EVENT_LIMIT)} greeting "
        "built in the arena commit their pages, which stay committed. So the start is taken after "
        "the warm-up, and from there on nothing may grow. The mock reads the samples from /proc "
        "while the bootstrap waits for its next event.",
        '',
    ]
    return '\n'.join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog='soak.py', description=__doc__.splitlines()[0])
    parser.add_argument('bootstrap', nargs='?', default=DEFAULT_BOOTSTRAP, metavar='BOOTSTRAP',
                        help='a bootstrap answering as handlers/hello.cpp '
                             f'(default {DEFAULT_BOOTSTRAP})')
    parser.add_argument('--invocations', type=int, default=1_000_000,
                        help='invocations, warm-up included (default 1,000,000)')
    parser.add_argument('--samples', type=int, default=100,
                        help='samples of VmRSS and descriptors after the warm-up (default 100)')
    parser.add_argument('--rss-tolerance-kib', type=int, default=0, metavar='KIB',
                        help='how far VmRSS may rise above the start and still be flat (default 0)')
    parser.add_argument('--log', metavar='PATH', help="keep the bootstrap's stdout and stderr here")
    parser.add_argument('--json', metavar='OUT', help='write the report and every sample as JSON')
    parser.add_argument('--markdown', metavar='OUT', help='write the report as markdown')
    parser.add_argument('--readme', metavar='PATH',
                        help='replace the text between <!-- soak:start --> and <!-- soak:end --> '
                             'in PATH with the markdown report')
    args = parser.parse_args(argv)
    if args.samples < 1 or args.rss_tolerance_kib < 0:
        parser.error('--samples must be positive, --rss-tolerance-kib not negative')
    path = bench.check_executable(args.bootstrap)
    wrapped = command(path)
    command_line = shlex.join(['python3', sys.argv[0] if argv is None else 'tools/soak.py',
                               *(sys.argv[1:] if argv is None else argv)])
    progress(f'{args.invocations:,} invocations of {args.bootstrap}'
             + (f' under {os.path.basename(wrapped[0])} (whose memory is sampled)'
                if len(wrapped) > 1 else ''))
    try:
        report = soak(wrapped, args.invocations, args.samples, args.rss_tolerance_kib, args.log)
    except ValueError as error:
        parser.error(str(error))
    report.update({
        'command': command_line,
        'date': time.strftime('%Y-%m-%d'),
        'host': dict(bench.host_description(), thp=thp_mode()),
        'bootstrap': args.bootstrap,
        'argv': wrapped,
    })
    text = markdown(report)
    print(f'\n{text}')
    if args.markdown:
        with open(args.markdown, 'w') as f:
            f.write(text)
    if args.readme:
        bench.update_readme(args.readme, text, marker='soak')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(report, f, indent=2)
            f.write('\n')
    if not report['ok']:
        why = [report['failure'] or report['flatness'].get('why')]
        if report['exit'] not in ('exit status 1', None):
            why.append(f"the bootstrap ended with {report['exit']}, expected exit status 1")
        if not report['answered_exactly_once'] and not report['failure']:
            why.append(f"{report['unanswered']:,} invocations unanswered, "
                       f"{report['answered_more_than_once']:,} answered more than once, "
                       f"{report['unknown_posts']:,} posts for unknown ids")
        if report['problems']:
            why.append(f"{report['problems']:,} posts not right")
        progress('FAILED: ' + '; '.join([w for w in why if w] or ['see above']))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
