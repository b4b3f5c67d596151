#!/usr/bin/env python3
"""A failing init hook: POST /runtime/init/error with the error type and JSON body, then
exit status 1 without ever calling /next."""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


class InitError(harness.IntegrationCase):
    def check_init_error(self, session, prefix=''):
        code = self.assert_exits(session, status=1)
        self.assertEqual(code, 1)
        self.assertEqual(len(session.api.init_errors), 1, session.describe())
        (request,) = session.api.init_errors
        self.assertEqual(request.line, b'POST %s/2018-06-01/runtime/init/error HTTP/1.1' % prefix.encode())
        self.assertEqual(request.headers.get(harness.ERROR_TYPE_HEADER), 'Function.ConfigMissing')
        self.assertEqual(request.headers.get('Content-Length'), str(len(request.body)))
        self.assertEqual(request.status, 202)
        document = self.assert_error_body(request.body, 'Function.ConfigMissing')
        self.assertEqual(document['errorMessage'], 'init_fail: the "TABLE_NAME" setting is missing')
        self.assertEqual(session.nexts(), [], 'the bootstrap asked for an event after init failed')
        self.assertEqual(session.requests, [request])
        self.assertTrue(session.wait_for_log(rb'\tFunction\.ConfigMissing', timeout=1) is not None
                        or session.wait_for_log(rb'\t(ERROR|FATAL)\t', timeout=1) is not None,
                        session.describe())

    def test_init_error_then_exit(self):
        session = self.start('init_fail')
        invocation = session.submit(b'{"never":"handled"}')
        self.check_init_error(session)
        self.assertEqual(invocation.state, 'queued')

    def test_init_error_under_base_path(self):
        session = self.start('init_fail', base_path='/.rt',
                             runtime_api=lambda api: f'http://127.0.0.1:{api.port}/.rt')
        self.check_init_error(session, '/.rt')

    def test_init_error_over_ipv6(self):
        try:
            session = self.start('init_fail', host='::1')
        except OSError:
            self.skipTest('no IPv6 loopback here')
        self.check_init_error(session)


if __name__ == '__main__':
    harness.main()
