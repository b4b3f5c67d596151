#!/usr/bin/env python3
"""AWS_LAMBDA_RUNTIME_API: every accepted form reaches the API; unusable values stop the
bootstrap at once with a clear message."""

import os
import socket
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

VARIABLE = b'AWS_LAMBDA_RUNTIME_API'
QUICKLY = 1.5  # seconds: parsing the variable needs no network at all


def ipv6_loopback_available():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(('::1', 0))
        return True
    except OSError:
        return False


class Forms(harness.IntegrationCase):
    def round_trip(self, session, prefix='/2018-06-01/'):
        """An event goes through; every request path (and request line) starts with prefix."""
        good = session.submit(b'{"form":1}')
        self.assert_response(good, b'{"form":1}')
        self.assertTrue(session.api.wait_for_waiters(1, 5), session.describe())
        for request in session.requests:
            self.assertTrue(request.path.startswith(prefix), request.line)
            self.assertIn(b' ' + prefix.encode(), request.line)
        return good

    def test_ipv4_literal(self):
        session = self.start('echo', runtime_api=lambda api: f'127.0.0.1:{api.port}')
        self.round_trip(session)
        for request in session.requests:
            self.assertEqual(request.headers.get('Host'), f'127.0.0.1:{session.api.port}')

    def test_localhost(self):
        session = self.start('echo', runtime_api=lambda api: f'localhost:{api.port}')
        self.round_trip(session)

    def test_ipv6_literal(self):
        if not ipv6_loopback_available():
            self.skipTest('no IPv6 loopback here')
        session = self.start('echo', host='::1')
        self.assertEqual(session.api.runtime_api, f'[::1]:{session.api.port}')
        self.round_trip(session)

    def test_scheme_and_base_path(self):
        session = self.start('echo', base_path='/.rt',
                             runtime_api=lambda api: f'http://127.0.0.1:{api.port}/.rt')
        self.round_trip(session, '/.rt/2018-06-01/')

    def test_base_path_with_trailing_slash(self):
        session = self.start('echo', base_path='/.rt',
                             runtime_api=lambda api: f'http://127.0.0.1:{api.port}/.rt/')
        self.round_trip(session, '/.rt/2018-06-01/')

    def test_ipv6_with_scheme_and_base_path(self):
        if not ipv6_loopback_available():
            self.skipTest('no IPv6 loopback here')
        session = self.start('echo', host='::1', base_path='/.rt',
                             runtime_api=lambda api: f'http://[::1]:{api.port}/.rt')
        self.round_trip(session, '/.rt/2018-06-01/')

    def test_base_path_on_error_posts(self):
        session = self.start('fail', base_path='/.rt',
                             runtime_api=lambda api: f'http://127.0.0.1:{api.port}/.rt')
        invocation = session.submit(b'{}')
        self.assert_error(invocation, 'Function.AlwaysFails')
        (post,) = session.posts(invocation.request_id)
        self.assertEqual(post.line, b'POST /.rt/2018-06-01/runtime/invocation/%s/error HTTP/1.1'
                         % invocation.request_id.encode())


class Unusable(harness.IntegrationCase):
    def assert_refused(self, value=None, unset=()):
        status, seconds, err = harness.run_to_exit('minimal', value, unset=unset, timeout=5)
        self.assertEqual(status, 1, f'exit status for {value!r}; stderr: {err!r}')
        self.assertLess(seconds, QUICKLY, f'took {seconds:.2f} s to refuse {value!r}')
        lines = [line for line in err.splitlines() if VARIABLE in line]
        self.assertTrue(lines, f'no stderr line mentions AWS_LAMBDA_RUNTIME_API: {err!r}')
        self.assertTrue(any(harness.LOG_LINE.fullmatch(line) for line in lines),
                        f'not a log record: {lines!r}')

    def test_missing_variable(self):
        self.assert_refused(unset=['AWS_LAMBDA_RUNTIME_API'])

    def test_malformed_values(self):
        for value in ('nohost', '1.2.3:80', 'host:99999', 'example.com:80', '', '127.0.0.1:',
                      '127.0.0.1:0', '300.0.0.1:9001', '127.0.0.1:9001x', '[::1:9001',
                      'ftp://127.0.0.1:9001'):
            with self.subTest(value=value):
                self.assert_refused(value)

    def test_nothing_listening_exits_promptly(self):
        with socket.socket() as s:
            s.bind(('127.0.0.1', 0))
            port = s.getsockname()[1]
        status, seconds, err = harness.run_to_exit('minimal', f'127.0.0.1:{port}', timeout=5)
        self.assertIsNotNone(status, f'still running after 5 s; stderr: {err!r}')
        self.assertNotEqual(status, 0, err)
        self.assertLess(seconds, 3, err)
        self.assertTrue(err.strip(), 'nothing logged')


if __name__ == '__main__':
    harness.main()
