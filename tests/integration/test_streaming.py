#!/usr/bin/env python3
"""Response streaming: the framing on the wire (mode, Transfer-Encoding and Trailer headers,
one chunk per write, the terminal chunk), failures carried in trailers, HTTP-integration
preludes, connections that break mid-stream, and a 50 MiB stream in constant memory."""

import hashlib
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

TRAILER = 'Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body'
HTTP_TYPE = 'application/vnd.awslambda.http-integration-response'
MiB = 1024 * 1024
STREAM_SECONDS = 120.0  # 50 MiB generated under qemu takes a while


def numbered_lines(start, end):
    """Bytes [start, end) of what the stream handler sends: 16-byte lines, each its index
    in 15 hex digits and a newline."""
    first, last = start // 16, (end + 15) // 16
    text = b''.join(b'%015x\n' % i for i in range(first, last))
    return text[start - first * 16:end - first * 16]


def numbered_lines_sha256(size):
    digest = hashlib.sha256()
    for at in range(0, size, MiB):
        digest.update(numbered_lines(at, min(size, at + MiB)))
    return digest.hexdigest()


def chunk_lines(*sizes):
    """The chunk-size lines of chunks of these sizes, then the terminal chunk's."""
    return [b'%x' % size for size in sizes] + [b'0']


def under_qemu(handler):
    return len(harness.emulator.command(harness.bootstrap_path(handler))) > 1


class Streaming(harness.IntegrationCase):
    def assert_streamed(self, invocation, content_type='text/plain', timeout=harness.WAIT_SECONDS):
        """A streamed /response accepted with 202, with the streaming headers and no length."""
        result = self.assert_response(invocation, content_type=content_type, timeout=timeout)
        self.assertEqual(result.mode, 'streaming')
        self.assertEqual(result.headers.get('Transfer-Encoding'), 'chunked')
        self.assertEqual(result.headers.get('Trailer'), TRAILER)
        self.assertNotIn('Content-Length', result.headers)
        self.assertIsNotNone(result.chunk_lines, 'the body was not chunked')
        return result

    def assert_stream_failed(self, result, error_type, header_type=None):
        """Error trailers: the type (header_type when it had to be replaced) and the base64
        error document; returns the document."""
        self.assertEqual(set(name.lower() for name in result.trailers),
                         {'lambda-runtime-function-error-type', 'lambda-runtime-function-error-body'})
        streamed_type, document = result.stream_error()
        self.assertEqual(streamed_type, header_type or error_type)
        return self.assert_error_body(document, error_type)

    def test_body_and_framing(self):
        session = self.start('stream')
        invocation = session.submit(b'{"size":200000}', headers={'Lambda-Runtime-Invocation-Id': 'inv-7'})
        result = self.assert_streamed(invocation)
        self.assertEqual(result.body, numbered_lines(0, 200000))
        # one chunk per 64 KiB write, then the terminal chunk with no trailers
        self.assertEqual(result.chunk_lines, chunk_lines(65536, 65536, 65536, 200000 - 3 * 65536))
        self.assertEqual(len(result.trailers), 0)
        self.assertEqual(result.headers.get(harness.INVOCATION_ID_HEADER), 'inv-7')
        self.assert_answered_once(session, invocation)
        self.assertEqual({r.connection for r in session.requests}, {1}, 'keep-alive was not kept')

    def test_empty_stream(self):
        session = self.start('stream')
        result = self.assert_streamed(session.submit(b'{"size":0}'))
        self.assertEqual(result.body, b'')
        self.assertEqual(result.chunk_lines, [b'0'])

    def test_fifty_mib_in_constant_memory(self):
        session = self.start('stream')
        result = self.assert_streamed(session.submit(b'{}'), timeout=STREAM_SECONDS)
        size = 50 * MiB
        self.assertEqual(result.body_size, size)
        self.assertEqual(result.body_sha256, numbered_lines_sha256(size))
        self.assertEqual(result.chunk_lines, chunk_lines(*[65536] * (size // 65536)))
        # Under qemu-user, /proc shows qemu's memory, not the bootstrap's: native only.
        if under_qemu('stream'):
            self.skipTest('stream checked; its peak RSS is native-only (under qemu it is qemu\'s)')
        with open(f'/proc/{session.process.pid}/status') as f:
            fields = dict(line.split(':', 1) for line in f)
        peak_kib = int(fields['VmHWM'].split()[0])
        self.assertLess(peak_kib, 1024, f'peak RSS {peak_kib} KiB after a 50 MiB stream')

    def test_failure_mid_stream_ends_with_trailers(self):
        session = self.start('stream')
        result = self.assert_streamed(session.submit(b'{"size":300000,"fail_after":100000}'))
        self.assertEqual(result.body, numbered_lines(0, 100000))
        self.assertEqual(result.chunk_lines, chunk_lines(65536, 100000 - 65536))
        document = self.assert_stream_failed(result, 'Function.StreamFailed')
        self.assertEqual(document['errorMessage'], 'failed on purpose mid-stream')
        self.assertIsNotNone(session.wait_for_log(rb'\tERROR\tFunction\.StreamFailed: failed on purpose'))
        # the loop goes on
        self.assertEqual(self.assert_streamed(session.submit(b'{"size":16}')).body, b'0' * 15 + b'\n')

    def test_error_document_escaped_and_type_checked(self):
        session = self.start('stream_script')
        message = 'quote " backslash \\ newline \n tab \t café ☃'
        event = {'writes': ['partial'], 'error': ['Function.Odd', message]}
        result = self.assert_streamed(session.submit(json.dumps(event)))
        self.assertEqual(result.body, b'partial')
        document = self.assert_stream_failed(result, 'Function.Odd')
        self.assertEqual(document['errorMessage'], message)
        # a type that is not safe in a header goes as Runtime.Unknown, the document keeps it
        event = {'error': ['Bad\r\nType', 'x']}
        result = self.assert_streamed(session.submit(json.dumps(event)))
        self.assertEqual(result.chunk_lines, [b'0'])
        self.assert_stream_failed(result, 'Bad\r\nType', 'Runtime.Unknown')

    def test_one_chunk_per_write_and_the_tail(self):
        session = self.start('stream_script')
        writes = ['a', '', 'bcd', 'x' * 70000]
        event = {'content_type': 'application/x-ndjson', 'writes': writes, 'tail': 'end'}
        result = self.assert_streamed(session.submit(json.dumps(event)), 'application/x-ndjson')
        self.assertEqual(result.body, ''.join(writes).encode() + b'end')
        # the empty write sends no chunk (it would end the body); the tail is the last chunk
        self.assertEqual(result.chunk_lines, chunk_lines(1, 3, 70000, 3))
        self.assertIsNotNone(session.wait_for_log(rb'\tINFO\t\{"writes":\[true,true,true,true,"end"\]\}'))

    def test_http_integration_prelude(self):
        session = self.start('stream_script')
        head = {'status': 201, 'headers': {'content-type': 'text/html', 'x-odd': 'a"b\\c'},
                'cookies': ['a=1', 'b=2; Secure; HttpOnly']}
        event = {'http': head, 'writes': ['<p>', 'hi</p>']}
        result = self.assert_streamed(session.submit(json.dumps(event)), HTTP_TYPE)
        prelude, nuls, payload = result.body.partition(b'\0' * 8)
        self.assertEqual(nuls, b'\0' * 8)
        self.assertEqual(json.loads(prelude), {'statusCode': 201, 'headers': head['headers'],
                                               'cookies': head['cookies']})
        self.assertEqual(payload, b'<p>hi</p>')
        # the prelude and its 8 NULs are one chunk, before the writes
        self.assertEqual(result.chunk_lines, chunk_lines(len(prelude) + 8, 3, 6))

    def test_http_integration_defaults(self):
        session = self.start('stream_script')
        result = self.assert_streamed(session.submit(b'{"http":{}}'), HTTP_TYPE)
        self.assertEqual(result.body, b'{"statusCode":200,"headers":{},"cookies":[]}' + b'\0' * 8)

    def test_invalid_content_type_fails_the_stream(self):
        session = self.start('stream_script')
        event = {'content_type': 'text/plain\r\nX-Injected: yes', 'writes': ['a', 'b']}
        invocation = session.submit(json.dumps(event))
        result = self.answered(invocation)
        self.assertEqual(result.mode, 'streaming')
        self.assertNotIn('Content-Type', result.headers)
        self.assertNotIn('X-Injected', result.headers)
        self.assertEqual(result.chunk_lines, [b'0'])  # the writes were dropped
        self.assert_stream_failed(result, 'Runtime.InvalidContentType')
        self.assertIsNotNone(session.wait_for_log(rb'\tINFO\t\{"writes":\[false,false,"end"\]\}'))

    def test_opening_twice_keeps_the_first_stream(self):
        session = self.start('stream_script')
        for event in ({'twice': True, 'writes': ['a']},
                      {'twice': True, 'http': {'status': 202}, 'writes': ['b']}):
            with self.subTest(event=event):
                content_type = HTTP_TYPE if 'http' in event else 'text/plain'
                result = self.assert_streamed(session.submit(json.dumps(event)), content_type)
                self.assertEqual(result.body.count(b'"statusCode"'), 1 if 'http' in event else 0)
                self.assertTrue(result.body.endswith(event['writes'][0].encode()))
        self.assertEqual(session.wait_for_records(2, (b'WARN',)), 2)
        self.assertEqual(len([r for r in session.requests if r.method == 'POST']), 2)

    def test_write_after_the_api_reset_the_connection(self):
        session = self.start('stream')
        broken = session.submit(b'{}', reset='mid_stream')
        line = session.wait_for_log(rb'\tERROR\tresponse stream lost', STREAM_SECONDS)
        self.assertIsNotNone(line, session.describe())
        # the loop goes on, on a new connection
        following = session.submit(b'{"size":32}')
        self.assertEqual(self.assert_streamed(following).body, numbered_lines(0, 32))
        self.assertEqual(broken.result.kind, 'none')
        self.assertEqual(broken.result.posts, 1)
        self.assertEqual(sorted({r.connection for r in session.requests}), [1, 2])
        self.assertEqual(session.wait_for_records(1, (b'ERROR', b'FATAL')), 1, 'one record for a broken stream')
        self.assertTrue(session.alive(), session.describe())

    def test_connection_lost_awaiting_the_answer(self):
        session = self.start('stream')
        broken = session.submit(b'{"size":1000}', reset='on_post')
        self.assertIsNotNone(session.wait_for_log(rb'\tERROR\tconnection lost awaiting the answer'),
                             session.describe())
        self.assertEqual(self.assert_streamed(session.submit(b'{"size":16}')).body_size, 16)
        self.assertEqual(broken.result.kind, 'none')
        self.assertTrue(session.alive(), session.describe())

    def test_answers_other_than_202(self):
        session = self.start('stream')
        refused = session.submit(b'{"size":10}', post_status=413)
        self.assertEqual(self.answered(refused).status_sent, 413)
        self.assertIsNotNone(session.wait_for_log(rb'\tERROR\tHTTP 413 on /response'))
        self.assertEqual(self.assert_streamed(session.submit(b'{"size":10}')).body_size, 10)
        # a 5xx means the container is broken: the bootstrap exits
        session.submit(b'{"size":10}', post_status=500)
        self.assert_exits(session)

    def test_new_connection_after_connection_close(self):
        session = self.start('stream')
        invocation = session.submit(b'{"size":100}', connection_close=True)
        self.assertEqual(self.assert_streamed(invocation).body, numbered_lines(0, 100))
        self.assertEqual(self.assert_streamed(session.submit(b'{"size":5}')).body, b'00000')
        self.assertEqual(sorted({r.connection for r in session.requests}), [1, 2, 3])

    def test_handlers_that_do_not_stream_post_as_before(self):
        session = self.start('echo')
        result = self.assert_response(session.submit(b'{"a":1}'), b'{"a":1}')
        self.assertIsNone(result.mode)
        self.assertIsNone(result.chunk_lines)
        self.assertEqual(result.headers.get('Content-Length'), '7')


if __name__ == '__main__':
    harness.main()
