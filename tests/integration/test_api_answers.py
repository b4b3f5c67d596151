#!/usr/bin/env python3
"""What the bootstrap does with the Runtime API's answers: 4xx to a post is logged and the
loop goes on (413 without an /error post), a 500 anywhere ends the process promptly."""

import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


class Refused(harness.IntegrationCase):
    def assert_logged_status(self, session, status):
        line = session.wait_for_log(rb'\t(WARN|ERROR|FATAL)\t.*\b%d\b' % status, timeout=5)
        self.assertIsNotNone(line, f'no log line about the {status}\n{session.describe()}')

    def check_goes_on(self, handler, status, kind):
        session = self.start(handler)
        refused = session.submit(b'{"refused":1}', post_status=status)
        following = session.submit(b'{"following":2}')
        result = self.answered(refused)
        self.assertEqual((result.kind, result.status_sent), (kind, status))
        if kind == 'response':
            self.assert_response(following, b'{"following":2}')
        else:
            self.assert_error(following, 'Function.AlwaysFails')
        self.assert_logged_status(session, status)
        # one post for the refused invocation: no retry, no /error in its place
        self.assertEqual([r.path.rsplit('/', 1)[1] for r in session.posts(refused.request_id)], [kind])
        self.assert_answered_once(session, following)
        self.assertTrue(session.alive(), session.describe())

    def test_4xx_on_response(self):
        for status in (400, 403, 410):
            with self.subTest(status=status):
                self.check_goes_on('echo', status, 'response')

    def test_4xx_on_error(self):
        for status in (400, 403, 410):
            with self.subTest(status=status):
                self.check_goes_on('fail', status, 'error')

    def test_413_is_logged_without_error_post(self):
        session = self.start('echo')
        too_large = session.submit(b'{"big":"pretend"}', post_status=413)
        following = session.submit(b'{"after":413}')
        self.assertEqual(self.answered(too_large).status_sent, 413)
        self.assert_response(following, b'{"after":413}')
        self.assert_logged_status(session, 413)
        posts = session.posts(too_large.request_id)
        self.assertEqual([p.line.split(b' ')[1].rsplit(b'/', 1)[1] for p in posts], [b'response'],
                         'a 413 must not be followed by an /error post')
        self.assertEqual(too_large.result.posts, 1)
        self.assertTrue(session.alive(), session.describe())

    def test_several_refusals_in_a_row(self):
        session = self.start('echo')
        invocations = [session.submit(b'{"i":%d}' % i, post_status=status)
                       for i, status in enumerate((400, 403, 410, 413, 400, 403))]
        last = session.submit(b'{"last":true}')
        for invocation in invocations:
            self.answered(invocation)
        self.assert_response(last, b'{"last":true}')
        for invocation in invocations + [last]:
            self.assertEqual(len(session.posts(invocation.request_id)), 1)


class Fatal(harness.IntegrationCase):
    def assert_exit_after(self, session, invocation):
        self.assert_exits(session)
        # nothing more after the fatal answer: no further post for it, no retry loop
        self.assertLessEqual(len(session.posts(invocation.request_id)), 1)
        self.assertTrue(session.stderr.data.strip(), 'exited without a word')

    def test_500_on_response_post_exits(self):
        session = self.start('echo')
        invocation = session.submit(b'{}', post_status=500)
        self.assertEqual(self.answered(invocation).status_sent, 500)
        self.assert_exit_after(session, invocation)

    def test_500_on_error_post_exits(self):
        session = self.start('fail')
        invocation = session.submit(b'{}', post_status=500)
        self.assertEqual(self.answered(invocation).status_sent, 500)
        self.assert_exit_after(session, invocation)

    def test_500_on_next_exits(self):
        session = self.start('echo')
        invocation = session.submit(b'{}', next_status=500)
        self.assert_exits(session)
        self.assertEqual(len(session.nexts()), 1, 'a 500 on /next must not be retried')
        self.assertFalse([r for r in session.requests if r.method == 'POST'])
        self.assertEqual(invocation.result.kind, 'none')
        self.assertTrue(re.search(rb'\b500\b', session.stderr.data), session.describe())

    def test_shut_down_while_waiting_exits(self):
        session = self.start('echo')
        self.assert_response(session.submit(b'{"first":1}'), b'{"first":1}')
        self.assertTrue(session.api.wait_for_waiters(1, 5))
        session.api.shutdown_next()
        self.assert_exits(session)


if __name__ == '__main__':
    harness.main()
