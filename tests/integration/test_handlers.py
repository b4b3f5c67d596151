#!/usr/bin/env python3
"""The example handlers end to end, and the shape of the posts that carry their answers."""

import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def fibonacci(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


class Minimal(harness.IntegrationCase):
    def test_answers_ok_whatever_the_event(self):
        session = self.start('minimal')
        events = [b'{"any":"thing"}', b'not json at all {', b'', b'\x00\xff\xfe binary', b'[1,2,3]']
        invocations = [session.submit(event) for event in events]
        for event, invocation in zip(events, invocations):
            with self.subTest(event=event):
                self.assert_response(invocation, b'{"ok":true}', 'application/json')


class Echo(harness.IntegrationCase):
    def test_json_event(self):
        session = self.start('echo')
        event = b'{"a":[1,2.5,{"b":null}],"c":"d\\u00e9\\n"}'
        self.assert_response(session.submit(event), event, 'application/json')

    def test_content_types_and_bytes_kept(self):
        session = self.start('echo')
        cases = [
            ('text/plain; charset=utf-8', 'héllo,\r\nworld ☃\n'.encode()),
            ('application/octet-stream', bytes(range(256)) * 4),
            ('application/x-www-form-urlencoded', b'a=1&b=%20x'),
            ('text/csv', b'"x","y"\n1,2\n'),
        ]
        invocations = [session.submit(body, headers={'Content-Type': ctype}) for ctype, body in cases]
        for (ctype, body), invocation in zip(cases, invocations):
            with self.subTest(content_type=ctype):
                self.assert_response(invocation, body, ctype)

    def test_empty_event(self):
        session = self.start('echo')
        result = self.assert_response(session.submit(b''), b'')
        self.assertEqual(result.headers.get('Content-Length'), '0')

    def test_event_without_content_type_answers_json(self):
        session = self.start('echo')
        self.assert_response(session.submit(b'{"x":1}', omit=['Content-Type']), b'{"x":1}',
                             'application/json')

    def test_chunked_events(self):
        session = self.start('echo')
        cases = []
        for chunk_size in (1, 7, 2048):
            for size in (1, 100, 5000):
                body = json.dumps({'chunk': chunk_size, 'fill': harness.fill(size, chunk_size + size).decode()})
                cases.append((chunk_size, body.encode()))
        cases.append((2048, b''))
        invocations = [session.submit(body, chunked=True, chunk_size=chunk_size) for chunk_size, body in cases]
        for (chunk_size, body), invocation in zip(cases, invocations):
            with self.subTest(chunk_size=chunk_size, size=len(body)):
                self.assert_response(invocation, body, 'application/json')
        self.assertTrue(session.api.wait_for_waiters(1, 5), session.describe())
        self.assertEqual(len(session.requests), 2 * len(cases) + 1)


class Hello(harness.IntegrationCase):
    def greeting(self, session, event):
        result = self.assert_response(session.submit(event), content_type='application/json')
        try:
            return json.loads(result.body)
        except ValueError as error:
            self.fail(f'hello answered invalid JSON ({error}): {result.body!r}')

    def test_ada(self):
        session = self.start('hello')
        self.assertEqual(self.greeting(session, b'{"name":"Ada"}'), {'message': 'Hello, Ada!'})

    def test_names_needing_escapes(self):
        session = self.start('hello')
        names = [
            'She said "hi"',
            'back\\slash and /slash',
            'line\nbreak\r\nand\ttab',
            'control \u0001\u0008\u000c\u001f\u007f',
            'Ünïcödé ☃ 日本語 😀',
            '</script><!--',
            '',
        ]
        for name in names:
            for ascii_only in (True, False):
                with self.subTest(name=name, ensure_ascii=ascii_only):
                    event = json.dumps({'name': name}, ensure_ascii=ascii_only).encode()
                    self.assertEqual(self.greeting(session, event), {'message': f'Hello, {name}!'})

    def test_name_among_other_members(self):
        session = self.start('hello')
        event = b'{"a":{"name":"inner"},"list":["name"],"name":"Grace","z":1}'
        self.assertEqual(self.greeting(session, event), {'message': 'Hello, Grace!'})

    def test_missing_name_greets_the_world(self):
        session = self.start('hello')
        for event in (b'{}', b'{"nom":"Ada"}', b'[]', b'"Ada"'):
            with self.subTest(event=event):
                self.assertEqual(self.greeting(session, event), {'message': 'Hello, world!'})

    def test_malformed_json_is_invalid_input(self):
        session = self.start('hello')
        events = [b'{"name":"Ada"', b'{name:"Ada"}', b'not json', b'{"name":"Ada"} {}',
                  b'{"name":"Ada",}', b'']
        invocations = [session.submit(event) for event in events]
        for event, invocation in zip(events, invocations):
            with self.subTest(event=event):
                self.assert_error(invocation, 'Function.InvalidInput')


class Fibonacci(harness.IntegrationCase):
    def test_values(self):
        session = self.start('fibonacci')
        for n in (0, 1, 2, 10, 50, 92, 93):
            with self.subTest(n=n):
                result = self.assert_response(session.submit(json.dumps({'n': n})),
                                              content_type='application/json')
                self.assertEqual(json.loads(result.body), {'n': n, 'fibonacci': fibonacci(n)})
        self.assertEqual(fibonacci(93), 12200160415121876738)  # the largest below 2**64

    def test_invalid_n_is_invalid_input(self):
        session = self.start('fibonacci')
        events = [b'{"n":-1}', b'{"n":94}', b'{"n":"x"}', b'{"n":1.5}', b'{}', b'{"n":"10"}',
                  b'{"n":null}', b'{"n":18446744073709551616}', b'{"n":10', b'[10]']
        invocations = [session.submit(event) for event in events]
        for event, invocation in zip(events, invocations):
            with self.subTest(event=event):
                self.assert_error(invocation, 'Function.InvalidInput')


class Fail(harness.IntegrationCase):
    def test_always_fails(self):
        session = self.start('fail')
        invocation = session.submit(b'{"x":1}')
        result, document = self.assert_error(invocation, 'Function.AlwaysFails')
        self.assertEqual(result.headers.get(harness.ERROR_TYPE_HEADER), 'Function.AlwaysFails')
        self.assertTrue(document['errorMessage'])
        self.assertEqual(result.status_sent, 202)
        self.assert_answered_once(session, invocation)


class PostShape(harness.IntegrationCase):
    def test_response_request_line_and_framing(self):
        session = self.start('echo')
        body = b'{"shape":true}'
        invocation = session.submit(body, headers={'Content-Type': 'application/json; charset=utf-8'})
        self.assert_response(invocation, body)
        (post,) = session.posts(invocation.request_id)
        self.assertEqual(post.line, b'POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1'
                         % invocation.request_id.encode())
        self.assertEqual(post.headers.get('Content-Type'), 'application/json; charset=utf-8')
        self.assertEqual(post.headers.get('Content-Length'), str(len(body)))
        self.assertNotIn('transfer-encoding', post.headers)
        self.assertIn('host', post.headers)

    def test_error_request_line_and_framing(self):
        session = self.start('fail')
        invocation = session.submit(b'{}')
        self.assert_error(invocation, 'Function.AlwaysFails')
        (post,) = session.posts(invocation.request_id)
        self.assertEqual(post.line, b'POST /2018-06-01/runtime/invocation/%s/error HTTP/1.1'
                         % invocation.request_id.encode())
        self.assertEqual(post.headers.get('Content-Length'), str(len(post.body)))

    def test_get_next_request_line(self):
        session = self.start('minimal')
        self.assert_response(session.submit(b'{}'))
        self.assertTrue(session.api.wait_for_waiters(1, 5))
        for request in session.nexts():
            self.assertEqual(request.line, b'GET /2018-06-01/runtime/invocation/next HTTP/1.1')
            self.assertEqual(request.body, b'')

    def test_invocation_id_echoed_on_response(self):
        session = self.start('echo')
        with_id = session.submit(b'{}', headers={harness.INVOCATION_ID_HEADER: 'attempt-7f3e-0002'})
        without = session.submit(b'{}')
        result = self.assert_response(with_id)
        self.assertEqual(result.headers.get(harness.INVOCATION_ID_HEADER), 'attempt-7f3e-0002')
        result = self.assert_response(without)
        self.assertNotIn(harness.INVOCATION_ID_HEADER.lower(), result.headers)

    def test_invocation_id_echoed_on_error(self):
        session = self.start('fail')
        with_id = session.submit(b'{}', headers={harness.INVOCATION_ID_HEADER: 'b6f1c2d4-attempt-1'})
        without = session.submit(b'{}')
        result, _ = self.assert_error(with_id, 'Function.AlwaysFails')
        self.assertEqual(result.headers.get(harness.INVOCATION_ID_HEADER), 'b6f1c2d4-attempt-1')
        result, _ = self.assert_error(without, 'Function.AlwaysFails')
        self.assertNotIn(harness.INVOCATION_ID_HEADER.lower(), result.headers)

    def test_invocation_id_on_handler_error(self):
        session = self.start('hello')
        invocation = session.submit(b'not json', headers={harness.INVOCATION_ID_HEADER: 'x-1'})
        result, _ = self.assert_error(invocation, 'Function.InvalidInput')
        self.assertEqual(result.headers.get(harness.INVOCATION_ID_HEADER), 'x-1')


if __name__ == '__main__':
    harness.main()
