#!/usr/bin/env python3
"""Sizes: 6 MiB events round-trip, events too big for the receive buffer become
Runtime.EventTooLarge, responses over 6,291,556 bytes end in the API's 413 (echo) or in
Function.ResponseSizeTooLarge (a Builder that overflowed), and unusable content types are
refused. After each failure the loop goes on."""

import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

MIB = 1024 * 1024
LIMIT = harness.RESPONSE_LIMIT
BIG_WAIT = 30  # seconds for one multi-megabyte exchange (Python on both ends of the copy)


class LargeEvents(harness.IntegrationCase):
    def test_six_mib_event_content_length(self):
        session = self.start('echo')
        event = harness.json_string_event(6 * MIB, 1)
        invocation = session.submit(event)
        result = self.assert_response(invocation, event, 'application/json', timeout=BIG_WAIT)
        self.assertEqual(result.headers.get('Content-Length'), str(6 * MIB))
        self.assert_answered_once(session, invocation)

    def test_six_mib_event_chunked(self):
        session = self.start('echo')
        event = harness.json_string_event(6 * MIB, 2)
        invocation = session.submit(event, chunked=True, chunk_size=2048)
        self.assert_response(invocation, event, 'application/json', timeout=BIG_WAIT)
        following = session.submit(b'{"small":true}', chunked=True, chunk_size=3)
        self.assert_response(following, b'{"small":true}')

    def test_event_too_large_content_length(self):
        session = self.start('echo')
        huge = session.submit(harness.json_string_event(7 * MIB, 3))
        following = session.submit(b'{"after":"huge"}')
        # the loop is sequential: once the following event is answered, so was the huge one
        self.assert_response(following, b'{"after":"huge"}', timeout=BIG_WAIT)
        self.assert_error(huge, 'Runtime.EventTooLarge', timeout=1)
        self.assert_answered_once(session, huge)
        self.assertTrue(session.alive(), session.describe())

    def test_event_too_large_chunked(self):
        session = self.start('echo')
        huge = session.submit(harness.json_string_event(7 * MIB, 4), chunked=True, chunk_size=65536)
        following = session.submit(b'{"after":"huge chunked"}')
        self.assert_response(following, b'{"after":"huge chunked"}', timeout=BIG_WAIT)
        self.assert_error(huge, 'Runtime.EventTooLarge', timeout=1)
        self.assert_answered_once(session, huge)

    def test_echo_at_the_limit_is_accepted(self):
        session = self.start('echo')
        event = harness.json_string_event(LIMIT, 5)
        invocation = session.submit(event)
        self.assert_response(invocation, event, timeout=BIG_WAIT)

    def test_echo_over_the_limit_gets_413_without_error_post(self):
        session = self.start('echo')
        over = session.submit(harness.json_string_event(LIMIT + 1, 6))
        following = session.submit(b'{"after":"413"}')
        result = self.answered(over, BIG_WAIT)
        self.assertEqual((result.status_sent, result.error_type), (413, 'Function.ResponseSizeTooLarge'))
        self.assert_response(following, b'{"after":"413"}')
        posts = session.posts(over.request_id)
        self.assertEqual(len(posts), 1, 'an /error post followed the 413')
        self.assertTrue(posts[0].path.endswith('/response'))
        self.assertEqual(int(posts[0].headers['Content-Length']), LIMIT + 1)
        self.assertIsNotNone(session.wait_for_log(rb'\b413\b', timeout=2), session.describe())


class BigResponse(harness.IntegrationCase):
    def test_builder_overflow_is_response_size_too_large(self):
        session = self.start('big_response')
        sizes = [LIMIT + 1, 7 * MIB, 64 * MIB]
        invocations = [session.submit(json.dumps({'size': size})) for size in sizes]
        small = session.submit(b'{"size":12}')
        for size, invocation in zip(sizes, invocations):
            with self.subTest(size=size):
                self.assert_error(invocation, 'Function.ResponseSizeTooLarge', timeout=BIG_WAIT)
                self.assert_answered_once(session, invocation)
        result = self.assert_response(small)
        self.assertEqual(len(json.loads(result.body)), 10)

    def test_builder_full_to_the_limit_is_sent(self):
        session = self.start('big_response')
        invocation = session.submit(json.dumps({'size': LIMIT}))
        result = self.assert_response(invocation, timeout=BIG_WAIT)
        self.assertEqual(len(result.body), LIMIT)
        self.assertEqual(result.headers.get('Content-Length'), str(LIMIT))
        self.assertEqual(result.body[:1] + result.body[-1:], b'""')


class ContentTypes(harness.IntegrationCase):
    def test_crlf_in_content_type_is_refused(self):
        session = self.start('bad_content_type')
        default = session.submit(b'{}')  # the handler's own "text/plain\r\nX-Injected: yes"
        cases = ['application/json\r\nX-Injected: yes', 'text/plain\nX-Injected: yes',
                 'text/plain\rX-Injected: yes', 'text/plain\r\n\r\nbody', 'a\x00b', 'text/\x7fplain']
        invocations = [session.submit(json.dumps({'content_type': c})) for c in cases]
        control = session.submit(json.dumps({'content_type': 'text/plain; charset=utf-8'}))
        self.assert_error(default, 'Runtime.InvalidContentType')
        for case, invocation in zip(cases, invocations):
            with self.subTest(content_type=case):
                self.assert_error(invocation, 'Runtime.InvalidContentType')
                self.assert_answered_once(session, invocation)
        self.assert_response(control, b'{}', 'text/plain; charset=utf-8')
        for request in session.requests:
            self.assertNotIn('x-injected', request.headers)
            self.assertNotEqual(request.status, 400, request.line)
            self.assertNotIn(b'\r', request.body)


if __name__ == '__main__':
    harness.main()
