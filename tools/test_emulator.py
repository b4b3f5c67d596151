#!/usr/bin/env python3
"""Self-test of the Runtime API emulator: a raw-socket runtime client drives it through
every scenario the bootstrap's integration tests rely on. Run: python3 tools/test_emulator.py
"""

import base64
import hashlib
import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

TOOLS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TOOLS)
import emulator  # noqa: E402


class Reply:
    """A parsed HTTP answer: status, headers (lower-case names), body, chunked flag."""

    def __init__(self, status, headers, body, chunked):
        self.status = status
        self.headers = headers
        self.body = body
        self.chunked = chunked

    @property
    def request_id(self):
        return self.headers['lambda-runtime-aws-request-id']

    def json(self):
        return json.loads(self.body)


class RawClient:
    """What a runtime does, on a raw socket: HTTP/1.1 requests on one keep-alive connection."""

    def __init__(self, address, base_path=''):
        host, port = address.rsplit(':', 1)
        self.sock = socket.create_connection((host.strip('[]'), int(port)), timeout=10)
        self.prefix = base_path + '/2018-06-01'
        self.buffer = b''

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def send_request(self, method, route, body=b'', headers=()):
        lines = [f'{method} {self.prefix}{route} HTTP/1.1', 'Host: localhost']
        lines += [f'{name}: {value}' for name, value in headers]
        if method == 'POST' and not any(n.lower() == 'transfer-encoding' for n, _ in headers):
            lines.append(f'Content-Length: {len(body)}')
        self.send(('\r\n'.join(lines) + '\r\n\r\n').encode() + body)

    def request(self, method, route, body=b'', headers=()):
        self.send_request(method, route, body, headers)
        return self.read_reply()

    def next(self):
        return self.request('GET', '/runtime/invocation/next')

    def post(self, request_id, kind='response', body=b'"ok"', headers=()):
        return self.request('POST', f'/runtime/invocation/{request_id}/{kind}', body, headers)

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError('connection closed')
        self.buffer += data

    def _take_until(self, marker):
        while marker not in self.buffer:
            self._fill()
        data, self.buffer = self.buffer.split(marker, 1)
        return data

    def _take(self, size):
        while len(self.buffer) < size:
            self._fill()
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def read_reply(self):
        head = self._take_until(b'\r\n\r\n').decode('latin-1')
        status_line, *fields = head.split('\r\n')
        headers = {}
        for field in fields:
            name, _, value = field.partition(':')
            headers[name.strip().lower()] = value.strip()
        chunked = headers.get('transfer-encoding') == 'chunked'
        if chunked:
            body = b''
            while size := int(self._take_until(b'\r\n').split(b';')[0], 16):
                body += self._take(size)
                self._take(2)
            self._take_until(b'\r\n')
        else:
            body = self._take(int(headers.get('content-length', 0)))
        return Reply(int(status_line.split(' ')[1]), headers, body, chunked)

    def at_eof(self):
        """True when the server closed the connection (EOF or reset)."""
        try:
            return self.sock.recv(1) == b''
        except ConnectionError:
            return True


class ApiTestCase(unittest.TestCase):
    """Starts a RuntimeApi and a client per test."""

    def setUp(self):
        self.api = emulator.RuntimeApi().start()
        self.addCleanup(self.api.stop)
        self.client = self.connect()

    def connect(self):
        client = RawClient(self.api.address, self.api.base_path)
        self.addCleanup(client.close)
        return client


class NextTest(ApiTestCase):

    def test_next_delivers_event_and_headers(self):
        invocation = self.api.submit('{"a":1}', timeout_ms=5000,
                                     headers={'Lambda-Runtime-Client-Context': '{"c":1}',
                                              'Lambda-Runtime-Aws-Tenant-Id': 'tenant-7'})
        before = time.time() * 1000
        reply = self.client.next()
        self.assertEqual(reply.status, 200)
        self.assertEqual(reply.body, b'{"a":1}')
        self.assertEqual(reply.request_id, invocation.request_id)
        self.assertEqual(reply.headers['content-type'], 'application/json')
        self.assertEqual(reply.headers['lambda-runtime-invoked-function-arn'],
                         'arn:aws:lambda:us-east-1:123456789012:function:wisp-test')
        self.assertRegex(reply.headers['lambda-runtime-trace-id'],
                         r'^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=1$')
        self.assertAlmostEqual(int(reply.headers['lambda-runtime-deadline-ms']), before + 5000,
                               delta=1000)
        self.assertEqual(reply.headers['lambda-runtime-client-context'], '{"c":1}')
        self.assertEqual(reply.headers['lambda-runtime-aws-tenant-id'], 'tenant-7')
        self.assertNotIn('lambda-runtime-cognito-identity', reply.headers)
        self.assertEqual(invocation.state, 'delivered')
        self.assertEqual(self.api.requests[0].status, 200)

    def test_answer_is_sent_in_one_segment(self):
        self.api.submit(b'x' * 3000)
        self.client.send_request('GET', '/runtime/invocation/next')
        data = self.client.sock.recv(1 << 20)
        head, _, body = data.partition(b'\r\n\r\n')
        self.assertIn(b'Content-Length: 3000', head)
        self.assertEqual(body, b'x' * 3000)

    def test_omit_and_override_headers(self):
        self.api.submit('{}', omit=('Lambda-Runtime-Deadline-Ms', 'lambda-runtime-trace-id'),
                        headers={'Content-Type': 'text/plain'})
        reply = self.client.next()
        self.assertNotIn('lambda-runtime-deadline-ms', reply.headers)
        self.assertNotIn('lambda-runtime-trace-id', reply.headers)
        self.assertEqual(reply.headers['content-type'], 'text/plain')

    def test_chunked_event(self):
        body = bytes(range(256)) * 40
        self.api.submit(body, chunked=True, chunk_size=1000)
        self.client.send_request('GET', '/runtime/invocation/next')
        self.assertEqual(self.client.read_reply().body, body)
        raw = self.api.submit(b'', chunked=True)
        reply = self.client.next()
        self.assertTrue(reply.chunked)
        self.assertEqual((reply.body, reply.request_id), (b'', raw.request_id))

    def test_next_blocks_until_submit_and_counts_waiters(self):
        self.assertEqual(self.api.next_waiters, 0)
        self.client.send_request('GET', '/runtime/invocation/next')
        self.assertTrue(self.api.wait_for_waiters(1))
        invocation = self.api.submit('late')
        reply = self.client.read_reply()
        self.assertEqual((reply.body, reply.request_id), (b'late', invocation.request_id))
        self.assertEqual(self.api.next_waiters, 0)

    def test_waiter_that_disconnects_does_not_take_the_event(self):
        self.client.send_request('GET', '/runtime/invocation/next')
        self.assertTrue(self.api.wait_for_waiters(1))
        self.client.close()
        deadline = time.monotonic() + 3
        while self.api.next_waiters and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(self.api.next_waiters, 0)
        invocation = self.api.submit('{}')
        self.assertEqual(self.connect().next().request_id, invocation.request_id)

    def test_events_in_order_on_one_connection(self):
        invocations = [self.api.submit(str(n)) for n in range(20)]
        for invocation in invocations:
            reply = self.client.next()
            self.assertEqual(reply.request_id, invocation.request_id)
            self.assertEqual(self.client.post(reply.request_id, body=reply.body).status, 202)
        for n, invocation in enumerate(invocations):
            self.assertEqual(invocation.wait().body, str(n).encode())
        self.assertEqual({request.connection for request in self.api.requests}, {1})
        self.assertEqual(len(self.api.requests), 40)

    def test_next_status(self):
        invocation = self.api.submit('{}', next_status=500)
        reply = self.client.next()
        self.assertEqual(reply.status, 500)
        self.assertIn('errorType', reply.json())
        self.assertEqual(invocation.wait(1).kind, 'none')
        self.assertEqual(invocation.state, 'done')
        self.api.submit('{}', next_status=429)
        self.assertEqual(self.client.next().status, 429)

    def test_raw_next(self):
        self.api.submit('{}', raw_next=b'HTTP/1.1 200 OK\r\nContent-Length: zz\r\n\r\n',
                        connection_close=True)
        self.client.send_request('GET', '/runtime/invocation/next')
        self.assertEqual(self.client._take_until(b'\r\n\r\n'),
                         b'HTTP/1.1 200 OK\r\nContent-Length: zz')
        self.assertTrue(self.client.at_eof())
        self.assertIsNone(self.api.requests[0].status)

    def test_connection_close(self):
        invocation = self.api.submit('{}', connection_close=True)
        reply = self.client.next()
        self.assertEqual(reply.headers['connection'], 'close')
        self.assertTrue(self.client.at_eof())
        reply = self.connect().post(invocation.request_id)
        self.assertEqual((reply.status, reply.headers['connection']), (202, 'close'))

    def test_shutdown_next(self):
        self.client.send_request('GET', '/runtime/invocation/next')
        self.assertTrue(self.api.wait_for_waiters(1))
        self.api.shutdown_next()
        self.assertEqual(self.client.read_reply().status, 500)
        self.assertEqual(self.client.next().status, 500)


class ResetTest(ApiTestCase):

    def assert_broken(self, client):
        with self.assertRaises((ConnectionError, EOFError)):
            client.read_reply()

    def check_redelivery(self, reset):
        invocation = self.api.submit(b'{"big":"' + b'y' * 5000 + b'"}', reset=reset)
        self.client.send_request('GET', '/runtime/invocation/next')
        self.assert_broken(self.client)
        client = self.connect()
        reply = client.next()
        self.assertEqual(reply.request_id, invocation.request_id)
        self.assertEqual(len(reply.body), 5010)
        self.assertEqual(client.post(reply.request_id).status, 202)
        self.assertEqual(invocation.wait().kind, 'response')
        self.assertEqual(invocation.deliveries, 2)

    def test_reset_before_head(self):
        self.check_redelivery('before_head')

    def test_reset_mid_head(self):
        self.check_redelivery('mid_head')

    def test_reset_mid_body(self):
        self.check_redelivery('mid_body')

    def test_reset_on_post(self):
        invocation = self.api.submit('{}', reset='on_post')
        reply = self.client.next()
        self.client.send_request('POST', f'/runtime/invocation/{reply.request_id}/response',
                                 b'"first"')
        self.assert_broken(self.client)
        self.assertEqual(invocation.result.kind, 'none')
        self.assertEqual(self.connect().post(reply.request_id, body=b'"second"').status, 202)
        result = invocation.wait()
        self.assertEqual((result.kind, result.body, result.posts), ('response', b'"second"', 2))
        statuses = [r.status for r in self.api.requests if r.method == 'POST']
        self.assertEqual(statuses, [None, 202])

    def test_close_all(self):
        self.assertEqual(self.client.request('GET', '/nowhere').status, 404)
        self.api.close_all()
        self.assertTrue(self.client.at_eof())


class PostTest(ApiTestCase):

    def deliver(self, **options):
        invocation = self.api.submit('{}', **options)
        self.assertEqual(self.client.next().request_id, invocation.request_id)
        return invocation

    def test_response(self):
        invocation = self.deliver()
        reply = self.client.post(invocation.request_id, body=b'{"r":2}',
                                 headers=[('Content-Type', 'application/json')])
        self.assertEqual((reply.status, reply.body), (202, b'{"status":"OK"}'))
        result = invocation.wait()
        self.assertEqual((result.kind, result.status_sent, result.posts), ('response', 202, 1))
        self.assertEqual(result.json(), {'r': 2})
        self.assertEqual(result.headers['content-type'], 'application/json')
        self.assertIsNone(result.error_type)

    def test_error_with_lower_case_headers(self):
        invocation = self.deliver()
        body = b'{"errorMessage":"boom","errorType":"Oops","stackTrace":[]}'
        self.client.send(b'POST /2018-06-01/runtime/invocation/%s/error HTTP/1.1\r\n'
                         b'host: x\r\nlambda-runtime-function-error-type: Function.Oops\r\n'
                         b'content-length: %d\r\n\r\n%s'
                         % (invocation.request_id.encode(), len(body), body))
        self.assertEqual(self.client.read_reply().status, 202)
        result = invocation.wait()
        self.assertEqual((result.kind, result.error_type), ('error', 'Function.Oops'))
        self.assertEqual(result.json()['errorMessage'], 'boom')

    def test_chunked_post_with_extensions_and_trailers(self):
        invocation = self.deliver()
        self.client.send(b'POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\n'
                         b'Host: x\r\nTransfer-Encoding: chunked\r\n'
                         b'Lambda-Runtime-Function-Response-Mode: streaming\r\n'
                         b'Trailer: Lambda-Runtime-Function-Error-Type\r\n\r\n'
                         b'5;name=value\r\nhello\r\nA\r\n, streamed\r\n0\r\n'
                         b'Lambda-Runtime-Function-Error-Type: Function.Late\r\n'
                         b'Lambda-Runtime-Function-Error-Body: e30=\r\n\r\n'
                         % invocation.request_id.encode())
        self.assertEqual(self.client.read_reply().status, 202)
        result = invocation.wait()
        self.assertEqual(result.body, b'hello, streamed')
        self.assertEqual(result.trailers['lambda-runtime-function-error-type'], 'Function.Late')
        self.assertEqual(result.trailers['Lambda-Runtime-Function-Error-Body'], 'e30=')
        self.assertEqual(result.headers['lambda-runtime-function-response-mode'], 'streaming')

    def stream_head(self, request_id):
        return (b'POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: x\r\n'
                b'Lambda-Runtime-Function-Response-Mode: streaming\r\n'
                b'Transfer-Encoding: chunked\r\n\r\n' % request_id.encode())

    def test_stream_is_measured_hashed_and_framed(self):
        invocation = self.deliver()
        self.client.send(self.stream_head(invocation.request_id))
        piece = bytes(range(256)) * 4096  # 1 MiB
        for _ in range(20):  # past both the response limit and what a Result keeps
            self.client.send(b'100000\r\n' + piece + b'\r\n')
        self.client.send(b'3;x=y\r\nend\r\n0\r\n\r\n')
        self.assertEqual(self.client.read_reply().status, 202)
        result = invocation.wait()
        self.assertEqual((result.kind, result.mode, result.status_sent), ('response', 'streaming', 202))
        self.assertEqual(result.body_size, 20 * len(piece) + 3)
        self.assertEqual(result.body_sha256, hashlib.sha256(piece * 20 + b'end').hexdigest())
        self.assertEqual(len(result.body), emulator.KEEP_BODY_BYTES)
        self.assertEqual(result.body, (piece * 20)[:emulator.KEEP_BODY_BYTES])
        self.assertEqual(result.chunk_lines, [b'100000'] * 20 + [b'3;x=y', b'0'])
        self.assertIsNone(result.stream_error())

    def test_stream_error_trailers_decoded(self):
        invocation = self.deliver()
        document = b'{"errorMessage":"m","errorType":"Function.X","stackTrace":[]}'
        self.client.send(self.stream_head(invocation.request_id) + b'2\r\nab\r\n0\r\n'
                         b'Lambda-Runtime-Function-Error-Type: Function.X\r\n'
                         b'Lambda-Runtime-Function-Error-Body: %s\r\n\r\n'
                         % base64.b64encode(document))
        self.assertEqual(self.client.read_reply().status, 202)
        result = invocation.wait()
        self.assertEqual((result.body, result.chunk_lines), (b'ab', [b'2', b'0']))
        self.assertEqual(result.stream_error(), ('Function.X', document))

    def test_reset_mid_stream(self):
        invocation = self.deliver(reset='mid_stream')
        self.client.send(self.stream_head(invocation.request_id))
        with self.assertRaises(OSError):
            for _ in range(1000):  # the reset comes after STREAM_CUT_BYTES
                self.client.send(b'400\r\n' + b'x' * 1024 + b'\r\n')
                time.sleep(0.001)
        self.assertEqual((invocation.wait(0.2).kind, invocation.result.posts), ('none', 1))
        [post] = [r for r in self.api.requests if r.method == 'POST']
        self.assertIsNone(post.status)
        # a re-post on a new connection is recorded
        self.assertEqual(self.connect().post(invocation.request_id, body=b'"again"').status, 202)
        self.assertEqual(invocation.wait().body, b'"again"')

    def test_unknown_and_undelivered_ids(self):
        reply = self.client.post('no-such-id')
        self.assertEqual((reply.status, reply.json()['errorType']), (400, 'InvalidRequestID'))
        queued = self.api.submit('{}')
        self.assertEqual(self.client.post(queued.request_id).status, 400)
        self.assertEqual(queued.result.posts, 0)

    def test_double_post(self):
        invocation = self.deliver()
        self.assertEqual(self.client.post(invocation.request_id).status, 202)
        reply = self.client.post(invocation.request_id, 'error', b'{}')
        self.assertEqual((reply.status, reply.json()['errorType']),
                         (403, 'InvalidStateTransition'))
        result = invocation.wait()
        self.assertEqual((result.kind, result.posts), ('response', 2))

    def test_oversized_response(self):
        invocation = self.deliver()
        reply = self.client.post(invocation.request_id, body=b'z' * (emulator.RESPONSE_LIMIT + 1))
        self.assertEqual((reply.status, reply.json()['errorType']),
                         (413, 'RequestEntityTooLarge'))
        result = invocation.wait()
        self.assertEqual((result.kind, result.error_type, result.status_sent),
                         ('error', 'Function.ResponseSizeTooLarge', 413))
        self.assertEqual(result.json()['errorType'], 'Function.ResponseSizeTooLarge')
        self.assertEqual(self.client.post(invocation.request_id, 'error', b'{}').status, 403)

    def test_response_at_the_limit(self):
        invocation = self.deliver()
        body = b'z' * emulator.RESPONSE_LIMIT
        self.assertEqual(self.client.post(invocation.request_id, body=body).status, 202)
        self.assertEqual(len(invocation.wait().body), emulator.RESPONSE_LIMIT)

    def test_post_status(self):
        for status in (400, 403, 410, 413, 500):
            invocation = self.deliver(post_status=status)
            reply = self.client.post(invocation.request_id)
            self.assertEqual(reply.status, status)
            self.assertIn('errorType', reply.json())
            result = invocation.wait()
            self.assertEqual((result.kind, result.status_sent), ('response', status))

    def test_cancel_makes_later_posts_forbidden(self):
        invocation = self.deliver()
        self.api.cancel(invocation)
        self.assertEqual(invocation.wait(1).kind, 'none')
        self.assertEqual(self.client.post(invocation.request_id).status, 403)

    def test_wait_times_out(self):
        invocation = self.deliver()
        started = time.monotonic()
        self.assertEqual(invocation.wait(0.2).kind, 'none')
        self.assertLess(time.monotonic() - started, 1)

    def test_init_error(self):
        reply = self.client.request('POST', '/runtime/init/error', b'{"errorType":"x"}',
                                    [('Lambda-Runtime-Function-Error-Type', 'Runtime.InitError')])
        self.assertEqual(reply.status, 202)
        [request] = self.api.init_errors
        self.assertEqual(request.headers[emulator.ERROR_TYPE_HEADER], 'Runtime.InitError')
        self.assertEqual(request.body, b'{"errorType":"x"}')

    def test_unknown_routes(self):
        for method, route in (('GET', '/runtime/invocation/x/response'),
                              ('POST', '/runtime/invocation/next'),
                              ('POST', '/runtime/invocation/a/b/response'),
                              ('GET', '/other')):
            self.assertEqual(self.client.request(method, route).status, 404, route)

    def test_malformed_request_gets_400_and_close(self):
        self.client.send(b'GARBAGE\r\n\r\n')
        self.assertEqual(self.client.read_reply().status, 400)
        self.assertTrue(self.client.at_eof())

    def test_request_log_keeps_raw_lines(self):
        self.client.request('GET', '/odd%20path?q=1')
        [request] = self.api.requests
        self.assertEqual(request.line, b'GET /2018-06-01/odd%20path?q=1 HTTP/1.1')
        self.assertEqual((request.method, request.status, request.connection), ('GET', 404, 1))
        self.assertEqual(request.headers['HOST'], 'localhost')


class SnapStartTest(unittest.TestCase):

    def client(self, api):
        client = RawClient(api.address)
        self.addCleanup(client.close)
        return client

    def test_restore_next_answers_at_once_by_default(self):
        with emulator.RuntimeApi() as api:
            reply = self.client(api).request('GET', '/runtime/restore/next')
            self.assertEqual((reply.status, reply.body), (200, b''))
            [request] = api.requests
            self.assertEqual((request.method, request.status), ('GET', 200))

    def test_held_restore_next_waits_for_release(self):
        with emulator.RuntimeApi(hold_restore=True) as api:
            client = self.client(api)
            client.send_request('GET', '/runtime/restore/next')
            self.assertTrue(api.wait_for_restore())
            client.sock.settimeout(0.3)
            with self.assertRaises(TimeoutError):
                client.read_reply()
            client.sock.settimeout(10)
            api.release_restore()
            self.assertEqual(client.read_reply().status, 200)
            self.assertFalse(api.wait_for_restore(0.1))

    def test_stop_ends_held_restore_next(self):
        api = emulator.RuntimeApi(hold_restore=True).start()
        client = self.client(api)
        client.send_request('GET', '/runtime/restore/next')
        self.assertTrue(api.wait_for_restore())
        api.stop()
        self.assertTrue(client.at_eof())

    def test_restore_status(self):
        with emulator.RuntimeApi(restore_status=403) as api:
            reply = self.client(api).request('GET', '/runtime/restore/next')
            self.assertEqual(reply.status, 403)
            self.assertEqual(reply.json()['errorType'], 'InvalidStateTransition')

    def test_restore_error(self):
        with emulator.RuntimeApi() as api:
            reply = self.client(api).request(
                'POST', '/runtime/restore/error', b'{"errorType":"x"}',
                [('Lambda-Runtime-Function-Error-Type', 'Runtime.AfterRestoreError')])
            self.assertEqual(reply.status, 202)
            [request] = api.restore_errors
            self.assertEqual(request.headers[emulator.ERROR_TYPE_HEADER], 'Runtime.AfterRestoreError')
            self.assertEqual(request.body, b'{"errorType":"x"}')
            self.assertEqual(api.init_errors, [])

class ExtensionTest(ApiTestCase):

    def extension_request(self, client, method, route, body=b'', headers=()):
        client.prefix = self.api.base_path + emulator.EXTENSION_API_VERSION + '/extension'
        return client.request(method, route, body, headers)

    def test_register_then_event_next_stays_pending(self):
        reply = self.extension_request(self.client, 'POST', '/register', b'{"events":[]}',
                                       [('Lambda-Extension-Name', 'probe')])
        self.assertEqual(reply.status, 200)
        identifier = reply.headers['lambda-extension-identifier']
        self.assertEqual(self.api.extension_ids, [identifier])
        self.assertEqual(reply.json()['functionName'], emulator.FUNCTION_NAME)
        [register] = self.api.extension_registrations
        self.assertEqual(register.body, b'{"events":[]}')
        waiter = self.connect()
        waiter.sock.settimeout(0.5)
        waiter.prefix = self.api.base_path + emulator.EXTENSION_API_VERSION + '/extension'
        waiter.send_request('GET', '/event/next', headers=[('Lambda-Extension-Identifier', identifier)])
        with self.assertRaises(socket.timeout):
            waiter.read_reply()
        [pending] = self.api.extension_nexts
        self.assertIsNone(pending.status)

    def test_refusals(self):
        self.assertEqual(self.extension_request(self.client, 'POST', '/register', b'{}').status, 400)
        reply = self.extension_request(self.client, 'GET', '/event/next',
                                       headers=[('Lambda-Extension-Identifier', 'unknown')])
        self.assertEqual(reply.status, 403)
        self.api.register_status = 500
        reply = self.extension_request(self.client, 'POST', '/register', b'{}', [('Lambda-Extension-Name', 'x')])
        self.assertEqual(reply.status, 500)
        self.assertEqual(self.api.extension_ids, [])
        self.assertEqual(len(self.api.extension_registrations), 2)


class ServerTest(unittest.TestCase):

    def test_base_path(self):
        with emulator.RuntimeApi(base_path='/.rt') as api:
            self.assertTrue(api.runtime_api.endswith('/.rt'))
            invocation = api.submit('{}')
            client = RawClient(api.address, '/.rt')
            self.addCleanup(client.close)
            self.assertEqual(client.next().request_id, invocation.request_id)
            self.assertEqual(client.post(invocation.request_id).status, 202)
            unprefixed = RawClient(api.address)
            self.addCleanup(unprefixed.close)
            self.assertEqual(unprefixed.next().status, 404)

    def test_ipv6(self):
        api = emulator.RuntimeApi('::1')
        try:
            api.start()
        except OSError:
            self.skipTest('no IPv6 loopback')
        with api:
            self.assertRegex(api.address, r'^\[::1\]:\d+$')
            invocation = api.submit('{}')
            client = RawClient(api.address)
            self.addCleanup(client.close)
            self.assertEqual(client.next().request_id, invocation.request_id)

    def test_stop_ends_blocked_next_promptly(self):
        api = emulator.RuntimeApi().start()
        client = RawClient(api.address)
        self.addCleanup(client.close)
        client.send_request('GET', '/runtime/invocation/next')
        self.assertTrue(api.wait_for_waiters(1))
        started = time.monotonic()
        api.stop()
        self.assertTrue(client.at_eof())
        self.assertLess(time.monotonic() - started, 1.5)

    def test_duplicate_request_id_and_bad_reset(self):
        with emulator.RuntimeApi() as api:
            api.submit('{}', request_id='same')
            with self.assertRaises(ValueError):
                api.submit('{}', request_id='same')
            with self.assertRaises(ValueError):
                api.submit('{}', reset='sometimes')


FAKE_BOOTSTRAP = textwrap.dedent('''\
    #!/usr/bin/env python3
    # A tiny runtime for the emulator's self-test; FAKE_MODE picks its behaviour.
    import http.client, json, os, sys, time
    mode = os.environ.get('FAKE_MODE', 'echo')
    connection = http.client.HTTPConnection(os.environ['AWS_LAMBDA_RUNTIME_API'])

    def call(method, route, body=None, headers={}):
        connection.request(method, '/2018-06-01/runtime/' + route, body, headers)
        reply = connection.getresponse()
        return reply, reply.read()

    if mode == 'init_error':
        call('POST', 'init/error', b'{"errorMessage":"no config","errorType":"Runtime.InitError"}',
             {'Lambda-Runtime-Function-Error-Type': 'Runtime.InitError'})
        sys.exit(1)
    while True:
        reply, event = call('GET', 'invocation/next')
        request_id = reply.getheader('Lambda-Runtime-Aws-Request-Id')
        print('fake bootstrap got an event', flush=True)
        if mode == 'exit':
            sys.exit(3)
        if mode == 'hang':
            time.sleep(60)
        if mode == 'error':
            call('POST', f'invocation/{request_id}/error',
                 b'{"errorMessage":"bad","errorType":"Function.Bad"}',
                 {'Lambda-Runtime-Function-Error-Type': 'Function.Bad'})
        elif mode == 'stream_error':
            trailer = ('0\\r\\nLambda-Runtime-Function-Error-Type: Function.Late\\r\\n'
                       'Lambda-Runtime-Function-Error-Body: eyJlcnJvclR5cGUiOiJGdW5jdGlvbi5MYXRlIn0=\\r\\n\\r\\n')
            call('POST', f'invocation/{request_id}/response', [b'2\\r\\nab\\r\\n', trailer.encode()],
                 {'Lambda-Runtime-Function-Response-Mode': 'streaming', 'Transfer-Encoding': 'chunked'})
        elif mode == 'env':
            names = [n for n in os.environ if n.startswith(('AWS_', 'LAMBDA_', '_HANDLER'))]
            env = json.dumps({n: os.environ[n] for n in names})
            call('POST', f'invocation/{request_id}/response', env.encode())
        else:
            call('POST', f'invocation/{request_id}/response', event,
                 {'Content-Type': 'text/plain'})
    ''')


def setUpModule():
    global WORKDIR, FAKE
    WORKDIR = tempfile.TemporaryDirectory()
    FAKE = os.path.join(WORKDIR.name, 'bootstrap')
    with open(FAKE, 'w') as file:
        file.write(FAKE_BOOTSTRAP)
    os.chmod(FAKE, stat.S_IRWXU)


def tearDownModule():
    WORKDIR.cleanup()


class SandboxTest(unittest.TestCase):

    def sandbox(self, mode, timeout=5):
        sandbox = emulator.Sandbox(FAKE, timeout=timeout, extra_env={'FAKE_MODE': mode},
                                   stdout=subprocess.DEVNULL)
        self.addCleanup(sandbox.stop)
        return sandbox.start()

    def test_lambda_environment(self):
        outcome = self.sandbox('env').invoke(b'{}')
        env = json.loads(outcome.body)
        self.assertEqual(env['_HANDLER'], 'bootstrap')
        self.assertEqual(env['AWS_LAMBDA_FUNCTION_VERSION'], '$LATEST')
        self.assertEqual(env['AWS_LAMBDA_FUNCTION_MEMORY_SIZE'], '128')
        self.assertEqual(env['AWS_LAMBDA_INITIALIZATION_TYPE'], 'on-demand')
        self.assertEqual(env['AWS_REGION'], 'us-east-1')
        self.assertEqual(env['LAMBDA_TASK_ROOT'], os.getcwd())
        self.assertRegex(env['AWS_LAMBDA_RUNTIME_API'], r'^127\.0\.0\.1:\d+$')
        for name in ('AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_LOG_GROUP_NAME',
                     'AWS_LAMBDA_LOG_STREAM_NAME'):
            self.assertTrue(env[name], name)

    def test_outcomes(self):
        sandbox = self.sandbox('echo')
        for event in (b'one', b'two'):
            outcome = sandbox.invoke(event)
            self.assertEqual((outcome.kind, outcome.body, outcome.content_type),
                             ('response', event, 'text/plain'))
        error = self.sandbox('error').invoke(b'{}')
        self.assertEqual((error.kind, json.loads(error.body)['errorType']),
                         ('error', 'Function.Bad'))
        streamed = self.sandbox('stream_error').invoke(b'{}')
        self.assertEqual((streamed.kind, json.loads(streamed.body)), ('error', {'errorType': 'Function.Late'}))
        init = self.sandbox('init_error').invoke(b'{}')
        self.assertEqual((init.kind, json.loads(init.body)['errorType']),
                         ('init_error', 'Runtime.InitError'))

    def test_exit_then_restart(self):
        sandbox = self.sandbox('exit')
        for _ in range(2):
            outcome = sandbox.invoke(b'{}')
            self.assertEqual((outcome.kind, outcome.exit_status), ('exited', 3))
            self.assertEqual(json.loads(outcome.body)['errorType'], 'Runtime.ExitError')
        self.assertEqual(sandbox.api.next_waiters, 0)

    def test_timeout(self):
        sandbox = self.sandbox('hang', timeout=0.5)
        outcome = sandbox.invoke(b'{}')
        self.assertEqual(outcome.kind, 'timeout')
        self.assertIsNone(sandbox.process)


class CommandLineTest(unittest.TestCase):

    def run_invoke(self, mode, *args, stdin=b''):
        return subprocess.run([os.path.join(TOOLS, 'invoke'), FAKE, *args], input=stdin,
                              capture_output=True, timeout=30,
                              env={**os.environ, 'FAKE_MODE': mode})

    def test_invoke(self):
        done = self.run_invoke('echo')
        self.assertEqual((done.returncode, done.stdout), (0, b'{}'))
        self.assertIn(b'fake bootstrap got an event', done.stderr)
        piped = self.run_invoke('echo', '-', stdin=b'{"from":"stdin"}')
        self.assertEqual(piped.stdout, b'{"from":"stdin"}')
        event = os.path.join(WORKDIR.name, 'event.json')
        with open(event, 'wb') as file:
            file.write(b'[1,2]\n')
        self.assertEqual(self.run_invoke('echo', event).stdout, b'[1,2]\n')

    def test_invoke_failures(self):
        error = self.run_invoke('error')
        self.assertEqual(error.returncode, 1)
        self.assertEqual(json.loads(error.stdout)['errorType'], 'Function.Bad')
        init = self.run_invoke('init_error')
        self.assertEqual((init.returncode, json.loads(init.stdout)['errorType']),
                         (1, 'Runtime.InitError'))
        exited = self.run_invoke('exit')
        self.assertEqual((exited.returncode, exited.stdout), (2, b''))
        self.assertIn(b'exited (exit status 3)', exited.stderr)
        hung = self.run_invoke('hang', '--timeout', '0.5')
        self.assertEqual(hung.returncode, 2)
        self.assertIn(b'timed out', hung.stderr)

    def start_rie(self, mode):
        rie = subprocess.Popen([sys.executable, os.path.join(TOOLS, 'emulator.py'), 'rie',
                                '--port', '0', '--timeout', '5', '--', FAKE],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, 'FAKE_MODE': mode})
        self.addCleanup(rie.kill)
        self.addCleanup(rie.stderr.close)
        for line in rie.stderr:
            found = re.search(rb'POST http://([\d.]+:\d+)', line)
            if found:
                return rie, found.group(1).decode()
        self.fail('rie did not announce its endpoint')

    def invoke_rie(self, address, body):
        client = RawClient(address)
        self.addCleanup(client.close)
        client.prefix = ''
        return client.request('POST', emulator.INVOKE_PATH, body)

    def stop_rie(self, rie):
        rie.send_signal(signal.SIGINT)
        self.assertEqual(rie.wait(10), 0)
        return rie.stderr.read()

    def test_rie(self):
        rie, address = self.start_rie('echo')
        reply = self.invoke_rie(address, b'{"x":1}')
        self.assertEqual((reply.status, reply.body), (200, b'{"x":1}'))
        self.assertEqual(reply.headers['content-type'], 'text/plain')
        self.assertNotIn('x-amz-function-error', reply.headers)
        self.assertIn(b'stopped', self.stop_rie(rie))

    def test_rie_function_error(self):
        rie, address = self.start_rie('error')
        reply = self.invoke_rie(address, b'{}')
        self.assertEqual((reply.status, reply.headers['x-amz-function-error']),
                         (200, 'Unhandled'))
        self.assertEqual(reply.json()['errorType'], 'Function.Bad')
        self.stop_rie(rie)

    def test_rie_exit(self):
        rie, address = self.start_rie('exit')
        reply = self.invoke_rie(address, b'{}')
        self.assertEqual((reply.status, reply.json()['errorType']), (502, 'Runtime.ExitError'))
        self.assertIn(b'bootstrap exited (exit status 3)', self.stop_rie(rie))


if __name__ == '__main__':
    unittest.main()
