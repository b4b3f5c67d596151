#!/usr/bin/env python3
"""1,000 invocations through one bootstrap: each answered exactly once, in order, all over
one kept-alive connection."""

import os
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

COUNT = 1000
TOTAL_SECONDS = 60


class Volume(harness.IntegrationCase):
    def test_thousand_invocations_on_one_connection(self):
        session = self.start('echo')
        bodies = [b'{"i":%d,"pad":"%s"}' % (i, harness.fill(i % 97, i)) for i in range(COUNT)]
        invocations = [session.submit(body) for body in bodies]
        deadline = time.monotonic() + TOTAL_SECONDS
        for body, invocation in zip(bodies, invocations):
            self.assert_response(invocation, body, timeout=max(0.1, deadline - time.monotonic()))
        self.assertTrue(session.api.wait_for_waiters(1, 5), session.describe())
        requests = session.requests
        posts = [r for r in requests if r.method == 'POST']
        self.assertEqual(len(posts), COUNT)
        self.assertEqual([p.path.split('/')[-2] for p in posts], [i.request_id for i in invocations])
        self.assertTrue(all(p.status == 202 for p in posts))
        self.assertEqual(sum(1 for r in requests if r.method == 'GET'), COUNT + 1)
        self.assertEqual({r.connection for r in requests}, {1}, 'keep-alive was not kept')
        self.assertTrue(all(i.result.posts == 1 for i in invocations))

    def test_thousand_mixed_outcomes(self):
        session = self.start('fibonacci')
        cases = [(i % 100, b'{"n":%d}' % (i % 100)) for i in range(COUNT)]
        invocations = [session.submit(body) for _, body in cases]
        deadline = time.monotonic() + TOTAL_SECONDS
        for (n, _), invocation in zip(cases, invocations):
            result = self.answered(invocation, max(0.1, deadline - time.monotonic()))
            self.assertEqual(result.kind, 'response' if n <= 93 else 'error', n)
            self.assertEqual(result.posts, 1)
        self.assertEqual({r.connection for r in session.requests}, {1})


if __name__ == '__main__':
    harness.main()
