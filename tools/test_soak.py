#!/usr/bin/env python3
"""A short soak (tools/soak.py): 20,000 invocations of the soak's mix of sizes and failures
through the hello example, each answered exactly once and right, over one connection, with
VmRSS and the open descriptors flat after the warm-up. Not timed. Then a check that the
verdict sees a leak: a bootstrap that leaks a descriptor and 1 MiB every 50 invocations is not
flat, by exactly the descriptors it leaked. Run:
python3 tools/test_soak.py BUILD/handlers/bootstrap-hello
"""

import os
import socket
import sys
import unittest

TOOLS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TOOLS)
sys.dont_write_bytecode = True
import emulator  # noqa: E402
import soak  # noqa: E402

COUNT = 20000
SAMPLES = 20
LEAKY_COUNT = 600
LEAK_EVERY = 50
LEAK_BYTES = 1024 * 1024
BOOTSTRAP = None  # from the command line


class Soak(unittest.TestCase):
    def test_hello_answers_each_once_and_stays_flat(self):
        argv = emulator.command(BOOTSTRAP)
        report = soak.soak(argv, COUNT, SAMPLES)
        self.assertIsNone(report['failure'])
        self.assertEqual(report['problem_list'], [])
        self.assertEqual(report['problems'], 0)
        self.assertEqual((report['unanswered'], report['answered_more_than_once'],
                          report['unknown_posts']), (0, 0, 0))
        schedule = soak.Schedule()
        expected = {}
        for i in range(COUNT):
            outcome = schedule[i].error_type or 'response'
            expected[outcome] = expected.get(outcome, 0) + 1
        self.assertEqual(report['outcomes'], dict(sorted(expected.items())))
        self.assertEqual(report['connections'], 1, 'keep-alive was not kept')
        self.assertEqual(report['exit'], 'exit status 1')  # after the mock's final 500

        samples = report['samples']
        warmup = len(schedule.warmup)
        self.assertEqual(samples[0]['invocations'], 0)
        self.assertEqual(samples[1]['invocations'], warmup)
        self.assertEqual(samples[-1]['invocations'], COUNT)
        self.assertEqual(len(samples), SAMPLES + 2)
        flat = report['flatness']
        self.assertTrue(flat['flat'], flat['why'])
        self.assertEqual(flat['rss_max_kib'], flat['start']['rss_kib'])
        self.assertEqual({s['fds'] for s in samples[1:]}, {flat['start']['fds']})
        if len(argv) == 1:  # not under qemu: the process sampled is the bootstrap itself
            self.assertEqual(flat['start']['fds'], 4, 'stdin, stdout, stderr and the socket')
            # The warm-up committed the receive buffer (a 7 MiB event), the response buffer
            # (a 6 MiB answer) and the arena (a 6 MiB greeting): over 18 MiB, all kept.
            self.assertGreater(flat['start']['rss_kib'], samples[0]['rss_kib'] + 18 * 1024)
        self.assertTrue(report['ok'])

    def test_a_leak_is_not_flat(self):
        argv = [sys.executable, os.path.abspath(__file__), '--leaky-bootstrap']
        report = soak.soak(argv, LEAKY_COUNT, 10, quiet=True)  # its answers are all wrong
        self.assertIsNone(report['failure'])
        self.assertEqual(report['unanswered'], 0)
        flat = report['flatness']
        self.assertFalse(flat['flat'])
        self.assertFalse(flat['fds_flat'])
        self.assertFalse(flat['rss_flat'])
        warmup = flat['start']['invocations']
        leaked = LEAKY_COUNT // LEAK_EVERY - warmup // LEAK_EVERY
        self.assertEqual(flat['end']['fds'] - flat['start']['fds'], leaked)
        self.assertGreaterEqual(flat['rss_max_minus_start_kib'], leaked * LEAK_BYTES // 1024 // 2)
        self.assertFalse(report['ok'])


def read_head(stream):
    status = int(stream.readline().split()[1])
    headers = {}
    while True:
        line = stream.readline().rstrip(b'\r\n')
        if not line:
            return status, headers
        name, _, value = line.partition(b':')
        headers[name.strip().lower()] = value.strip()


def leaky_bootstrap():
    """A runtime that answers every event with {} and, every LEAK_EVERY invocations, opens a
    descriptor and fills LEAK_BYTES of memory that it never gives back."""
    host, _, port = os.environ['AWS_LAMBDA_RUNTIME_API'].rpartition(':')
    conn = socket.create_connection((host, int(port)))
    stream = conn.makefile('rb')
    leaked = []
    i = 0
    while True:
        conn.sendall(b'GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n')
        status, headers = read_head(stream)
        stream.read(int(headers.get(b'content-length', 0)))
        if status != 200:
            return 1
        if i % LEAK_EVERY == LEAK_EVERY - 1:
            leaked += [os.open('/dev/null', os.O_RDONLY), b'x' * LEAK_BYTES]
        i += 1
        conn.sendall(b'POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: x\r\n'
                     b'Content-Length: 2\r\n\r\n{}' % headers[b'lambda-runtime-aws-request-id'])
        _, headers = read_head(stream)
        stream.read(int(headers.get(b'content-length', 0)))


if __name__ == '__main__':
    if sys.argv[1:] == ['--leaky-bootstrap']:
        sys.exit(leaky_bootstrap())
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    BOOTSTRAP = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
