#!/usr/bin/env python3
"""Request ids are untrusted: one outside [A-Za-z0-9-]{1,128} never reaches a request line;
the bootstrap logs it and goes on with the next invocation."""

import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

ID_HEADER = 'Lambda-Runtime-Aws-Request-Id'
SAFE_POST = re.compile(rb'POST /2018-06-01/runtime/invocation/[A-Za-z0-9-]{1,128}/(response|error) HTTP/1\.1')
SAFE_GET = b'GET /2018-06-01/runtime/invocation/next HTTP/1.1'

BAD_IDS = ['a/../b', 'a b', 'x' * 129, 'a%2Fb', 'id?x=1', 'a#b', 'a:b', 'a.b', 'a_b',
           'caf\u00e9', 'HTTP/1.1', 'abc\tdef', 'abc\x7f', '']


def raw_next(request_id_value, body=b'{"raw":true}'):
    """A hand-made /next answer whose request id field is request_id_value (bytes)."""
    return (b'HTTP/1.1 200 OK\r\n'
            b'Content-Type: application/json\r\n'
            b'Lambda-Runtime-Aws-Request-Id: ' + request_id_value + b'\r\n'
            b'Lambda-Runtime-Deadline-Ms: 99999999999999\r\n'
            b'Lambda-Runtime-Invoked-Function-Arn: ' + harness.emulator.FUNCTION_ARN.encode() + b'\r\n'
            b'Content-Length: %d\r\n\r\n' % len(body) + body)


class RequestIds(harness.IntegrationCase):
    def assert_request_lines_safe(self, session, forbidden=()):
        for request in session.requests:
            self.assertTrue(request.line == SAFE_GET or SAFE_POST.fullmatch(request.line),
                            f'unexpected request line {request.line!r}')
            target = request.line[request.line.index(b' ') + 1:request.line.rindex(b' ')]
            for fragment in forbidden:
                self.assertNotIn(fragment, target)

    def test_unsafe_ids_are_dropped(self):
        session = self.start('echo')
        pairs = []
        for index, bad in enumerate(BAD_IDS):
            dropped = session.submit(b'{"dropped":%d}' % index, headers={ID_HEADER: bad})
            good = session.submit(b'{"good":%d}' % index)
            pairs.append((bad, dropped, good))
        for index, (bad, dropped, good) in enumerate(pairs):
            with self.subTest(bad_id=bad):
                self.assert_response(good, b'{"good":%d}' % index)
                self.assert_answered_once(session, good)
                self.assertEqual(dropped.result.kind, 'none')
                self.assertEqual(session.posts(dropped.request_id), [])
        self.assert_request_lines_safe(session, [bad.encode() for bad in BAD_IDS if bad])
        self.assertGreaterEqual(session.wait_for_records(len(BAD_IDS), timeout=5), len(BAD_IDS),
                                session.describe())
        self.assertTrue(session.alive(), session.describe())

    def test_missing_id_is_dropped(self):
        session = self.start('echo')
        dropped = session.submit(b'{"no":"id"}', omit=[ID_HEADER])
        good = session.submit(b'{"good":true}')
        self.assert_response(good, b'{"good":true}')
        self.assertEqual(session.posts(dropped.request_id), [])
        self.assert_request_lines_safe(session)

    def test_longest_safe_id_is_used(self):
        session = self.start('echo')
        longest = session.submit(b'{"long":1}', request_id='Ab-9' * 32)
        self.assert_response(longest, b'{"long":1}')
        (post,) = session.posts(longest.request_id)
        self.assertEqual(post.line, b'POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1'
                         % ('Ab-9' * 32).encode())

    def test_control_characters_in_raw_answers(self):
        values = [b'abc\rPOST /evil', b'abc\nX-Evil: 1', b'abc\r\n\tfolded-evil', b'abc\x00evil',
                  b'abc\x1bevil', b'abc\r\rdef-evil']
        session = self.start('echo')
        pairs = []
        for index, value in enumerate(values):
            raw = session.submit(b'', raw_next=raw_next(value))
            good = session.submit(b'{"after_raw":%d}' % index)
            pairs.append((value, raw, good))
        for index, (value, raw, good) in enumerate(pairs):
            with self.subTest(value=value):
                self.assert_response(good, b'{"after_raw":%d}' % index)
                self.assert_answered_once(session, good)
        self.assert_request_lines_safe(session, [b'evil'])
        for request in session.requests:
            self.assertNotIn('x-evil', request.headers)
        self.assertGreaterEqual(session.wait_for_records(len(values), timeout=5), len(values),
                                session.describe())
        self.assertTrue(session.alive(), session.describe())


if __name__ == '__main__':
    harness.main()
