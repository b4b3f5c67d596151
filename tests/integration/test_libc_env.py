#!/usr/bin/env python3
"""-Dlibc=musl only: the C library sees wisp's environment. musl's environ is the
array wisp moved and keeps _X_AMZN_TRACE_ID in, so getenv follows each
invocation's trace header; and musl is set up (snprintf formats a double)."""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

TRACE_HEADER = 'Lambda-Runtime-Trace-Id'


class LibcEnvironment(harness.IntegrationCase):
    def seen(self, session, **options):
        return self.assert_response(session.submit(b'{}', **options)).json()

    def test_getenv_follows_the_trace_header(self):
        session = self.start('libc_env', extra_env={'_X_AMZN_TRACE_ID': 'Root=1-stale'})
        first = self.seen(session, headers={TRACE_HEADER: 'Root=1-a'})
        self.assertEqual(first, {'trace': 'Root=1-a', 'function': first['function'], 'same': True,
                                 'formatted': '2.500'})
        self.assertIsInstance(first['function'], str)
        self.assertIsNone(self.seen(session, omit=[TRACE_HEADER])['trace'])  # the inherited value is gone too
        self.assertEqual(self.seen(session, headers={TRACE_HEADER: 'Root=1-b'})['trace'], 'Root=1-b')

    def test_other_variables_are_there(self):
        session = self.start('libc_env', extra_env={'AWS_LAMBDA_FUNCTION_NAME': 'musl-function'})
        self.assertEqual(self.seen(session)['function'], 'musl-function')


if __name__ == '__main__':
    harness.main()
