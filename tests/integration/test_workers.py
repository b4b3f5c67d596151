#!/usr/bin/env python3
"""Managed Instances: AWS_LAMBDA_MAX_CONCURRENCY=N > 1 runs N invocation loops, a worker
process each, under a supervisor that ends (non-zero) when any worker ends and passes
SIGTERM on to every worker's shutdown hook. Other values keep one loop in one process."""

import os
import re
import signal
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

HOOK_LINE = re.compile(rb'\tINFO\tshutdown hook ran in pid (\d+)$')
SLEEP_MS = 1500


def concurrency(value, **extra):
    return {'AWS_LAMBDA_MAX_CONCURRENCY': value, **extra}


class Workers(harness.IntegrationCase):
    def pid_of(self, invocation):
        return self.assert_response(invocation).json()['pid']

    def start_four(self, **extra):
        session = self.start('workers', extra_env=concurrency('4', **extra))
        self.assertTrue(session.api.wait_for_waiters(4, timeout=harness.WAIT_SECONDS), session.describe())
        return session

    def four_in_flight(self, session):
        """Four sleeping invocations, delivered all at once; the four pids that ran them."""
        invocations = [session.submit(b'sleep %d' % SLEEP_MS) for _ in range(4)]
        in_flight = harness.wait_until(lambda: all(i.state == 'delivered' for i in invocations),
                                       timeout=SLEEP_MS / 1000 * 0.8, interval=0.005)
        self.assertTrue(in_flight, f'not four invocations in flight at once\n{session.describe()}')
        pids = [self.pid_of(invocation) for invocation in invocations]
        for invocation in invocations:
            self.assert_answered_once(session, invocation)
        self.assertEqual(len(set(pids)), 4, pids)
        self.assertNotIn(session.process.pid, pids)
        return pids

    def assert_gone(self, pids):
        self.assertTrue(harness.wait_until(lambda: all(harness.process_gone(p) for p in pids), timeout=3),
                        f'workers left behind: {[p for p in pids if not harness.process_gone(p)]}')

    def test_four_loops_serve_invocations_in_parallel(self):
        session = self.start_four()
        pids = self.four_in_flight(session)
        # Each loop has its own connection for /next.
        self.assertEqual(len({r.connection for r in session.nexts()}), 4)
        more = [session.submit(b'ping') for _ in range(12)]
        for invocation in more:
            self.assertIn(self.pid_of(invocation), pids)
        for invocation in more:
            self.assert_answered_once(session, invocation)
        self.assertEqual(len(session.api.extension_registrations), 1, 'init and registration run once')
        self.assertEqual([line for line in session.stderr.lines if b'\tERROR\t' in line or b'\tFATAL\t' in line],
                         [])

    def test_a_worker_that_dies_ends_the_bootstrap(self):
        session = self.start_four()
        pids = self.four_in_flight(session)
        dying = session.submit(b'exit')
        code = self.assert_exits(session, timeout=5)
        self.assertNotEqual(code, 0)
        self.assertEqual(dying.wait(0).kind, 'none')
        self.assert_gone(pids)

    def test_sigterm_reaches_every_workers_hook(self):
        session = self.start_four()
        pids = self.four_in_flight(session)
        session.process.send_signal(signal.SIGTERM)
        self.assert_exits(session, timeout=5, status=0)
        hooks = [HOOK_LINE.search(line.rstrip(b'\n')) for line in session.stderr.lines]
        ran = sorted(int(m[1]) for m in hooks if m)
        self.assertEqual(ran, sorted(pids), session.describe())
        self.assert_gone(pids)

    def test_sigterm_without_a_hook_leaves_no_worker(self):
        session = self.start_four(WISP_TEST_NO_HOOK='1')
        pids = self.four_in_flight(session)
        session.process.send_signal(signal.SIGTERM)
        self.assertEqual(self.assert_exits(session, timeout=5), -signal.SIGTERM)
        self.assert_gone(pids)
        self.assertEqual(session.api.extension_registrations, [])

    def test_one_loop_for_one_unset_and_invalid_values(self):
        # Lambda sends 2..1600; anything else, and more than the 999 processes an
        # environment could start, means one loop in the bootstrap's own process.
        for value in ('1', '', None, '0', 'abc', '4x', ' 4', '-2', '+2', '1000', '99999999999'):
            with self.subTest(value=value):
                env = {'WISP_TEST_NO_HOOK': '1'}
                if value is not None:
                    env['AWS_LAMBDA_MAX_CONCURRENCY'] = value
                session = self.start('workers', extra_env=env)
                first, second = session.submit(b'sleep 300'), session.submit(b'ping')
                self.assertEqual(self.pid_of(first), session.process.pid)
                self.assertEqual(self.pid_of(second), session.process.pid)
                self.assertEqual(harness.child_pids_of(session.process.pid), [], session.describe())


if __name__ == '__main__':
    harness.main()
