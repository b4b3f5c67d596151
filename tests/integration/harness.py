"""Shared pieces of wisp's integration tests: where the build and the events are, a
context manager that runs one bootstrap against tools/emulator.py's Runtime API, and a
TestCase base class with the assertions every test file uses.

WISP_BUILD_DIR (set by meson) names the build directory, default <source>/build;
WISP_LIBC its -Dlibc (none or musl), default none;
WISP_EVENTS_DIR the folder of sample events, default <source>/../shared/events.
"""

import contextlib
import datetime
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import unittest

sys.dont_write_bytecode = True  # never leave __pycache__ in the source tree

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
BUILD_DIR = os.path.abspath(os.environ.get('WISP_BUILD_DIR') or os.path.join(SOURCE_ROOT, 'build'))
EVENTS_DIR = os.path.abspath(os.environ.get('WISP_EVENTS_DIR')
                             or os.path.join(SOURCE_ROOT, '..', 'shared', 'events'))

sys.path.insert(0, os.path.join(SOURCE_ROOT, 'tools'))
import emulator  # noqa: E402  (tools/emulator.py)

API_PREFIX = '/2018-06-01'
RESPONSE_LIMIT = emulator.RESPONSE_LIMIT  # 6,291,556 bytes
ERROR_TYPE_HEADER = 'Lambda-Runtime-Function-Error-Type'
INVOCATION_ID_HEADER = 'Lambda-Runtime-Invocation-Id'

LIBC = os.environ.get('WISP_LIBC') or 'none'  # meson's -Dlibc
EXAMPLE_HANDLERS = ('cognito_presignup', 'dynamodb_stream', 'echo', 'fail', 'fibonacci', 'hello', 'http_router',
                    'minimal', 's3_notify', 'sqs_batch', 'stream') + (('stats',) if LIBC == 'musl' else ())
TEST_HANDLERS = ('bad_content_type', 'big_response', 'context', 'init_fail', 'log_levels', 'snapstart', 'stream_script', 'workers')
TEST_HANDLERS += ('libc_env',) if LIBC == 'musl' else ()

WAIT_SECONDS = 10.0    # default bound on waiting for one invocation's answer
EXIT_SECONDS = 3.0     # "promptly": bound on waiting for the bootstrap to exit
STOP_SECONDS = 5.0     # bound on the reader threads after the process is gone

# <RFC 3339 time>\t<request id or empty>\t<LEVEL>\t<message>
LOG_LINE = re.compile(
    rb'(?P<time>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2}))'
    rb'\t(?P<id>[A-Za-z0-9-]*)'
    rb'\t(?P<level>TRACE|DEBUG|INFO|WARN|ERROR|FATAL)'
    rb'\t(?P<message>[^\r\n]*)')


def bootstrap_path(name):
    """The built bootstrap for a handler: an example (build/handlers/bootstrap-NAME), a
    test-only one (build/tests/bootstrap-NAME), or 'bootstrap' for build/bootstrap."""
    if name == 'bootstrap':
        path = os.path.join(BUILD_DIR, 'bootstrap')
    elif name in TEST_HANDLERS:
        path = os.path.join(BUILD_DIR, 'tests', 'bootstrap-' + name)
    else:
        path = os.path.join(BUILD_DIR, 'handlers', 'bootstrap-' + name)
    if not os.path.isfile(path):
        raise AssertionError(f'{path} is missing: build first (meson compile -C {BUILD_DIR})')
    return path


def all_bootstraps():
    """Paths of every bootstrap the build makes (examples, test-only, build/bootstrap)."""
    return [bootstrap_path(name) for name in ('bootstrap', *EXAMPLE_HANDLERS, *TEST_HANDLERS)]


_active_pids = set()  # bootstraps of sessions still open (several may be, in one test)


def child_pids():
    """Pids of the live (not zombie) processes whose parent is this test process."""
    return child_pids_of(os.getpid())


def child_pids_of(parent):
    """Pids of the live (not zombie) processes whose parent is parent."""
    me = str(parent)
    found = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open(f'/proc/{entry}/stat', 'rb') as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b')') + 2:].split()
        if fields and fields[1].decode() == me and fields[0] != b'Z':
            found.append(int(entry))
    return found


class StreamReader:
    """Collects the lines a pipe yields, on a thread, so they can be awaited."""

    def __init__(self, pipe):
        self._pipe = pipe
        self._lines = []
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        try:
            for line in iter(self._pipe.readline, b''):
                with self._changed:
                    self._lines.append(line)
                    self._changed.notify_all()
        finally:
            self._pipe.close()

    def join(self, timeout=STOP_SECONDS):
        """Wait for the end of the stream; return whether it came."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def lines(self):
        with self._changed:
            return list(self._lines)

    @property
    def data(self):
        return b''.join(self.lines)

    def wait_until(self, condition, timeout=WAIT_SECONDS):
        """Wait until condition(lines) holds; return whether it does."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition(self._lines):
                left = deadline - time.monotonic()
                if left <= 0 or not self._thread.is_alive():
                    return condition(self._lines)
                self._changed.wait(min(left, 0.1))
            return True

    def wait_for(self, predicate, timeout=WAIT_SECONDS):
        """Wait until predicate(line) holds for some line; return that line or None."""
        deadline = time.monotonic() + timeout
        with self._changed:
            seen = 0
            while True:
                for line in self._lines[seen:]:
                    if predicate(line):
                        return line
                seen = len(self._lines)
                left = deadline - time.monotonic()
                if left <= 0 or not self._thread.is_alive():  # every line was scanned
                    return None
                self._changed.wait(min(left, 0.1))


class Session:
    """One bootstrap process and the RuntimeApi it talks to."""

    def __init__(self, api, process, stderr, stdout):
        self.api = api
        self.process = process
        self.stderr = stderr
        self.stdout = stdout

    def submit(self, body, **options):
        return self.api.submit(body, **options)

    @property
    def requests(self):
        return list(self.api.requests)

    def posts(self, request_id):
        """The POST requests whose path names request_id (/response or /error), in order."""
        prefix = self.api.base_path + API_PREFIX + '/runtime/invocation/' + request_id + '/'
        return [r for r in self.requests
                if r.method == 'POST' and r.path in (prefix + 'response', prefix + 'error')]

    def accepted_posts(self, request_id):
        """Posts for request_id the emulator recorded with a status (not reset away)."""
        return [r for r in self.posts(request_id) if r.status is not None]

    def nexts(self):
        return [r for r in self.requests if r.method == 'GET' and r.path.endswith('/invocation/next')]

    def wait_exit(self, timeout=EXIT_SECONDS):
        """The exit status, or None when the process is still running after timeout."""
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def alive(self):
        return self.process.poll() is None

    def log_records(self):
        """(line, match) for every stderr line; match is None when the line is malformed."""
        return [(line, LOG_LINE.fullmatch(line.rstrip(b'\n'))) for line in self.stderr.lines]

    def wait_for_records(self, count, levels=(b'WARN', b'ERROR', b'FATAL'), timeout=WAIT_SECONDS):
        """Wait until stderr holds count records at one of levels; return how many it holds."""
        def matching(lines):
            found = (LOG_LINE.fullmatch(line.rstrip(b'\n')) for line in lines)
            return sum(1 for m in found if m and m['level'] in levels)
        self.stderr.wait_until(lambda lines: matching(lines) >= count, timeout)
        return matching(self.stderr.lines)

    def finish_output(self):
        """After the process is gone: wait for the end of stderr and stdout."""
        self.stderr.join()
        self.stdout.join()

    def wait_for_log(self, pattern, timeout=WAIT_SECONDS):
        """Wait for a stderr line matching the regex pattern (bytes); return it or None."""
        regex = re.compile(pattern)
        return self.stderr.wait_for(lambda line: regex.search(line) is not None, timeout)

    def describe(self):
        """What to print when a test fails: exit state and the captured output."""
        status = self.process.poll()
        state = 'running' if status is None else emulator.describe_exit(status)
        err = self.stderr.data.decode('utf-8', 'replace')
        if len(err) > 4000:
            err = err[:2000] + '\n[...]\n' + err[-2000:]
        requests = self.requests
        shown = '\n'.join(f'  #{r.connection} {r.line[:120]!r} -> {r.status}' for r in requests[-12:])
        return (f'bootstrap {state}; {len(requests)} requests, the last ones:\n{shown}\n'
                f'stderr:\n{err}')


def lambda_env(runtime_api, extra_env=None, unset=()):
    """The caller's environment plus the Lambda variables, extra_env, minus unset."""
    env = dict(os.environ)
    env.update(emulator.lambda_environment(runtime_api, os.getcwd()))
    env.update(extra_env or {})
    for name in unset:
        env.pop(name, None)
    return env


def spawn(handler, runtime_api, extra_env=None, unset=()):
    """Start a bootstrap with stdin closed and stdout/stderr on pipes."""
    return subprocess.Popen(emulator.command(bootstrap_path(handler)), env=lambda_env(runtime_api, extra_env, unset),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@contextlib.contextmanager
def running(handler, *, host='127.0.0.1', base_path='', runtime_api=None, extra_env=None,
            api_options=None):
    """Start a RuntimeApi and a bootstrap talking to it; stop both on exit and check that
    no process is left behind. runtime_api: the AWS_LAMBDA_RUNTIME_API value, or a
    function of the RuntimeApi giving it (default api.runtime_api); api_options: more
    keyword arguments of RuntimeApi (hold_restore, restore_status)."""
    api = emulator.RuntimeApi(host, 0, base_path, **(api_options or {})).start()
    process = None
    try:
        if callable(runtime_api):
            value = runtime_api(api)
        else:
            value = runtime_api or api.runtime_api
        process = spawn(handler, value, extra_env)
        _active_pids.add(process.pid)
        session = Session(api, process, StreamReader(process.stderr), StreamReader(process.stdout))
        failed = False
        try:
            yield session
        except BaseException:
            failed = True
            raise
        finally:
            emulator.stop_process(process)
            _active_pids.discard(process.pid)
            session.stderr.join()
            session.stdout.join()
            if not failed:
                assert process.returncode is not None, 'the bootstrap was not reaped'
                leftover = set(child_pids()) - _active_pids
                assert not leftover, f'processes left behind: {leftover}'
    finally:
        if process is not None:
            emulator.stop_process(process)
            _active_pids.discard(process.pid)
        api.stop()


def run_to_exit(handler, runtime_api=None, unset=(), timeout=EXIT_SECONDS):
    """Run a bootstrap that must exit by itself; return (status or None, seconds, stderr)."""
    env_value = runtime_api if runtime_api is not None else ''
    started = time.monotonic()
    process = subprocess.Popen(emulator.command(bootstrap_path(handler)), env=lambda_env(env_value, unset=unset),
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    try:
        _, err = process.communicate(timeout=timeout)
        return process.returncode, time.monotonic() - started, err
    except subprocess.TimeoutExpired:
        emulator.stop_process(process)
        _, err = process.communicate()
        return None, time.monotonic() - started, err


def wait_until(condition, timeout=WAIT_SECONDS, interval=0.02):
    """Poll condition() until it is true or timeout seconds pass; return its last value."""
    deadline = time.monotonic() + timeout
    while not (value := condition()) and time.monotonic() < deadline:
        time.sleep(interval)
    return value


def process_gone(pid):
    """True when no process has pid, or it is a zombie (ended, not yet reaped)."""
    try:
        with open(f'/proc/{pid}/stat', 'rb') as f:
            stat = f.read()
    except FileNotFoundError:
        return True
    return stat[stat.rfind(b')') + 2:].split()[0] == b'Z'


def fill(size, seed=0):
    """size bytes of printable ASCII, neither '"' nor '\\', varying with the position."""
    alphabet = b'0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_'
    table = bytes(alphabet[i % 64] for i in range(256))
    return random.Random(seed).randbytes(size).translate(table)


def json_string_event(size, seed=0):
    """A JSON document of exactly size bytes: one string."""
    return b'"' + fill(size - 2, seed) + b'"'


# What the event-source examples' tests share: reading an event as wisp does
# and writing JSON strings as its Builder does.
PARSE_ERRORS = ('malformed JSON', 'truncated JSON')  # json::describe of a failed parse


def first_wins(pairs):
    """wisp looks a key up to its first occurrence; json's default keeps the last."""
    members = {}
    for key, value in pairs:
        members.setdefault(key, value)
    return members


def reject_constant(name):
    raise ValueError(f'{name} is not JSON')


def loads(text):
    """text read as wisp's JSON reader reads it (first key wins, no NaN or Infinity)."""
    return json.loads(text, object_pairs_hook=first_wins, parse_constant=reject_constant)



def records_of(event, source):
    """The Records of an event as a view with matches() reads them: (records, None) when
    every record says eventSource == source, else (None, None) for a parse error or
    (None, 'wrong source')."""
    try:
        document = loads(event)
    except ValueError:
        return None, None
    records = document.get('Records') if isinstance(document, dict) else None
    if not isinstance(records, list) or not all(
            isinstance(r, dict) and r.get('eventSource') == source for r in records):
        return None, 'wrong source'
    return records, None

def builder_string(value):
    """Bytes (or a str, as UTF-8) as wisp's Builder writes a JSON string: '"' and '\\'
    escaped with a backslash, control characters as \\u00xx, every other byte as is."""
    if isinstance(value, str):
        value = value.encode('utf-8')
    out = bytearray(b'"')
    for byte in value:
        if byte in b'"\\':
            out += b'\\' + bytes([byte])
        elif byte < 0x20:
            out += b'\\u%04x' % byte
        else:
            out.append(byte)
    return bytes(out + b'"')


class IntegrationCase(unittest.TestCase):
    """Base class: start() runs a bootstrap for the length of the test."""

    maxDiff = 2000

    def start(self, handler, **options):
        session = self.enterContext(running(handler, **options))
        self._sessions = getattr(self, '_sessions', []) + [session]
        return session

    def context(self):
        return '\n'.join(s.describe() for s in getattr(self, '_sessions', []))

    def answered(self, invocation, timeout=WAIT_SECONDS):
        """Wait for the invocation's post; fail (with the bootstrap's stderr) if none comes."""
        result = invocation.wait(timeout)
        if result.kind == 'none':
            self.fail(f'no answer for {invocation.request_id!r} within {timeout} s\n{self.context()}')
        return result

    def assert_response(self, invocation, body=None, content_type=None, timeout=WAIT_SECONDS):
        """A /response accepted with 202 (body and content type checked when given)."""
        result = self.answered(invocation, timeout)
        self.assertEqual(result.kind, 'response',
                         f'expected a response, got {result.kind} {result.error_type} '
                         f'{result.body[:300]!r}\n{self.context()}')
        self.assertEqual(result.status_sent, 202)
        if body is not None:
            if body != result.body:  # avoid assertEqual's diff of megabytes
                self.fail(f'response body differs: {len(result.body)} bytes instead of {len(body)}; '
                          f'first difference at {first_difference(body, result.body)}')
        if content_type is not None:
            self.assertEqual(result.headers.get('Content-Type'), content_type)
        return result

    def assert_error(self, invocation, error_type, timeout=WAIT_SECONDS):
        """An /error post with error_type in the header and a well-formed JSON body."""
        result = self.answered(invocation, timeout)
        self.assertEqual(result.kind, 'error',
                         f'expected an {error_type} error, got {result.kind} '
                         f'{result.body[:300]!r}\n{self.context()}')
        self.assertEqual(result.error_type, error_type, result.body[:300])
        document = self.assert_error_body(result.body, error_type)
        return result, document

    def assert_error_body(self, body, error_type):
        """{"errorMessage": str, "errorType": error_type, "stackTrace": []}, nothing else."""
        try:
            document = json.loads(body)
        except ValueError as error:
            self.fail(f'error body is not JSON ({error}): {body[:300]!r}')
        self.assertIsInstance(document, dict)
        self.assertEqual(set(document), {'errorMessage', 'errorType', 'stackTrace'}, document)
        self.assertIsInstance(document['errorMessage'], str)
        self.assertEqual(document['errorType'], error_type)
        self.assertEqual(document['stackTrace'], [])
        return document

    def assert_answers(self, session, events, expected, error_type='Function.InvalidEvent'):
        """Submits every (name, event) on one session and checks each answer against
        expected(event): ('response', exact bytes) or ('error', message, or None for a
        parse error); all on one connection, so the loop went on after every failure."""
        invocations = [session.submit(event) for _, event in events]
        for (name, event), invocation in zip(events, invocations):
            with self.subTest(event=name):
                kind, answer = expected(event)
                if kind == 'response':
                    self.assert_response(invocation, answer, 'application/json')
                else:
                    _, document = self.assert_error(invocation, error_type)
                    if answer is None:
                        self.assertIn(document['errorMessage'], PARSE_ERRORS)
                    else:
                        self.assertEqual(document['errorMessage'], answer)
        self.assertEqual({r.connection for r in session.requests}, {1})

    def assert_answered_once(self, session, invocation):
        """Exactly one post for the invocation was accepted (202 or the status asked for)."""
        accepted = session.accepted_posts(invocation.request_id)
        self.assertEqual(len(accepted), 1,
                         f'{len(accepted)} accepted posts for {invocation.request_id}: '
                         f'{[r.line for r in accepted]}\n{self.context()}')

    def assert_exits(self, session, timeout=EXIT_SECONDS, status=None):
        """The bootstrap exits by itself within timeout, with a non-zero status (or status)."""
        code = session.wait_exit(timeout)
        self.assertIsNotNone(code, f'the bootstrap is still running after {timeout} s\n{self.context()}')
        session.finish_output()
        if status is None:
            self.assertNotEqual(code, 0, self.context())
        else:
            self.assertEqual(code, status, self.context())
        return code


def first_difference(a, b):
    """Index of the first byte where a and b differ (the shorter length if one is a prefix)."""
    for index, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return index
    return min(len(a), len(b))


def parse_timestamp(text):
    """A log timestamp (bytes) as an aware datetime."""
    value = text.decode()
    if value.endswith('Z'):
        value = value[:-1] + '+00:00'
    return datetime.datetime.fromisoformat(value)


def main():
    """unittest.main for a test file; exits non-zero on failure."""
    unittest.main(module='__main__', verbosity=2)
