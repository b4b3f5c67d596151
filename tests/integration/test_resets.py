#!/usr/bin/env python3
"""Connections that break: a reset while /next is answered or on a post makes the bootstrap
reconnect once and repeat the exchange; every invocation is still answered exactly once.
Connection: close is honoured with a new connection."""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

RESETS = ('before_head', 'mid_head', 'mid_body', 'on_post')


def connections(session):
    return sorted({request.connection for request in session.requests})


class Resets(harness.IntegrationCase):
    def check_reset(self, handler, reset, body):
        session = self.start(handler)
        broken = session.submit(body, reset=reset)
        following = session.submit(b'{"after":"%s"}' % reset.encode())
        if handler == 'echo':
            self.assert_response(broken, body)
            self.assert_response(following, b'{"after":"%s"}' % reset.encode())
        else:
            self.assert_error(broken, 'Function.AlwaysFails')
            self.assert_error(following, 'Function.AlwaysFails')
        self.assertTrue(session.api.wait_for_waiters(1, 5), session.describe())
        for invocation in (broken, following):
            self.assert_answered_once(session, invocation)
        # the post that was reset counts: it was repeated once on the new connection
        self.assertEqual(broken.result.posts, 2 if reset == 'on_post' else 1)
        self.assertEqual(following.result.posts, 1)
        self.assertEqual(broken.deliveries, 1 if reset == 'on_post' else 2)
        self.assertEqual(connections(session), [1, 2], 'expected exactly one reconnection')
        self.assertTrue(session.alive(), session.describe())

    def test_each_reset_on_echo(self):
        body = b'{"payload":"%s"}' % harness.fill(10000)
        for reset in RESETS:
            with self.subTest(reset=reset):
                self.check_reset('echo', reset, body)

    def test_each_reset_with_small_event(self):
        for reset in RESETS:
            with self.subTest(reset=reset):
                self.check_reset('echo', reset, b'{}')

    def test_each_reset_on_error_posts(self):
        for reset in RESETS:
            with self.subTest(reset=reset):
                self.check_reset('fail', reset, b'{"x":1}')

    def test_reset_of_chunked_event(self):
        session = self.start('echo')
        body = b'"%s"' % harness.fill(50000, 3)
        broken = session.submit(body, chunked=True, chunk_size=1000, reset='mid_body')
        self.assert_response(broken, body)
        self.assert_answered_once(session, broken)

    def test_resets_in_a_row(self):
        # One at a time: the emulator puts a reset invocation back in the queue only after
        # the reset, so a fast reconnection could otherwise take (and be reset by) the next.
        session = self.start('echo')
        invocations = []
        for round_ in range(2):
            for reset in RESETS:
                body = b'{"reset":"%s","round":%d}' % (reset.encode(), round_)
                invocation = session.submit(body, reset=reset)
                self.assert_response(invocation, body)
                invocations.append(invocation)
        last = session.submit(b'{"last":1}')
        self.assert_response(last, b'{"last":1}')
        for invocation in invocations + [last]:
            self.assert_answered_once(session, invocation)
        self.assertEqual(connections(session), list(range(1, 2 * len(RESETS) + 2)))


class ConnectionClose(harness.IntegrationCase):
    def test_new_connection_after_close(self):
        session = self.start('echo')
        closing = session.submit(b'{"close":true}', connection_close=True)
        second = session.submit(b'{"second":1}')
        third = session.submit(b'{"third":1}')
        self.assert_response(closing, b'{"close":true}')
        self.assert_response(second, b'{"second":1}')
        self.assert_response(third, b'{"third":1}')
        for invocation in (closing, second, third):
            self.assert_answered_once(session, invocation)
        requests = session.requests
        post = session.posts(closing.request_id)[0]
        index = requests.index(post)
        get = requests[index - 1]
        self.assertEqual((get.method, get.status), ('GET', 200))
        self.assertNotEqual(post.connection, get.connection,
                            'the post went on the connection /next closed')
        # the post's answer carried Connection: close too: the next /next needs a new one
        following = requests[index + 1]
        self.assertEqual(following.method, 'GET')
        self.assertNotEqual(following.connection, post.connection)
        second_post = session.posts(second.request_id)[0]
        third_post = session.posts(third.request_id)[0]
        self.assertEqual(second_post.connection, following.connection)
        self.assertEqual(third_post.connection, following.connection)
        self.assertEqual(connections(session), [1, 2, 3])

    def test_close_on_every_invocation(self):
        session = self.start('fail')
        invocations = [session.submit(b'{"i":%d}' % i, connection_close=True) for i in range(5)]
        for invocation in invocations:
            self.assert_error(invocation, 'Function.AlwaysFails')
            self.assert_answered_once(session, invocation)
        for request in session.requests:
            if request.method == 'POST':
                self.assertNotIn(request.connection,
                                 [r.connection for r in session.requests if r.method == 'GET'
                                  and r.status == 200])


if __name__ == '__main__':
    harness.main()
