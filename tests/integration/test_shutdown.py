#!/usr/bin/env python3
"""Graceful shutdown: a handler that calls on_shutdown registers a no-op extension
(events []) before its first /next and leaves the extension's event/next pending; SIGTERM
then runs the hook and the process exits 0. Without on_shutdown nothing is registered."""

import json
import os
import signal
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

HOOK_LINE = rb'\tINFO\tshutdown hook ran in pid (\d+)$'


def with_register_status(status):
    """A runtime_api option for harness.running that makes the API answer register with status."""
    def configure(api):
        api.register_status = status
        return api.runtime_api
    return configure


class Shutdown(harness.IntegrationCase):
    def ready(self, session):
        """Wait until an invocation went through the loop: init and registration are over."""
        self.assert_response(session.submit(b'ping'))

    def terminate(self, session):
        session.process.send_signal(signal.SIGTERM)
        return session.wait_exit(harness.EXIT_SECONDS)

    def test_sigterm_runs_the_hook_then_exits_0(self):
        session = self.start('workers')
        self.ready(session)
        self.assertEqual(self.terminate(session), 0, session.describe())
        session.finish_output()
        hooks = [line for line in session.stderr.lines if b'shutdown hook ran' in line]
        self.assertEqual(len(hooks), 1, session.describe())
        self.assertRegex(hooks[0].rstrip(b'\n'), HOOK_LINE)
        self.assertTrue(hooks[0].rstrip(b'\n').endswith(b' %d' % session.process.pid))
        self.assertEqual(session.stderr.lines[-1], hooks[0], 'the hook ran last')

    def test_registers_before_the_first_next(self):
        session = self.start('workers')
        self.ready(session)
        api = session.api
        [register] = api.extension_registrations
        self.assertEqual(register.line, b'POST /2020-01-01/extension/register HTTP/1.1')
        self.assertTrue(register.headers.get('Lambda-Extension-Name'))
        self.assertEqual(json.loads(register.body), {'events': []})
        self.assertEqual(register.headers.get('Content-Length'), str(len(register.body)))
        self.assertEqual(register.status, 200)
        requests = session.requests
        self.assertLess(requests.index(register), requests.index(session.nexts()[0]))
        # The extension reported ready with the identifier it was given, and was left waiting.
        self.assertTrue(harness.wait_until(lambda: api.extension_nexts), session.describe())
        [ready] = api.extension_nexts
        self.assertEqual(ready.line, b'GET /2020-01-01/extension/event/next HTTP/1.1')
        self.assertEqual(ready.headers.get('Lambda-Extension-Identifier'), api.extension_ids[0])
        self.assertIsNone(ready.status)
        self.assertNotEqual(ready.connection, register.connection)

    def test_routes_under_a_base_path(self):
        session = self.start('workers', base_path='/.rt',
                             runtime_api=lambda api: f'http://127.0.0.1:{api.port}/.rt')
        self.ready(session)
        [register] = session.api.extension_registrations
        self.assertEqual(register.line, b'POST /.rt/2020-01-01/extension/register HTTP/1.1')
        self.assertTrue(harness.wait_until(lambda: session.api.extension_nexts))
        self.assertEqual(session.api.extension_nexts[0].line,
                         b'GET /.rt/2020-01-01/extension/event/next HTTP/1.1')
        self.assertEqual(self.terminate(session), 0, session.describe())

    def test_no_registration_without_on_shutdown(self):
        for handler, extra_env in (('echo', None), ('workers', {'WISP_TEST_NO_HOOK': '1'})):
            with self.subTest(handler=handler):
                session = self.start(handler, extra_env=extra_env)
                self.ready(session)
                self.assertEqual([r.line for r in session.requests if b'/extension/' in r.line], [])
                self.assertEqual(self.terminate(session), -signal.SIGTERM, session.describe())

    def test_refused_registration_is_logged_and_invocations_go_on(self):
        session = self.start('workers', runtime_api=with_register_status(403))
        self.ready(session)
        self.assertIsNotNone(session.wait_for_log(rb'\tERROR\t.*shutdown hook will not run', timeout=1),
                             session.describe())
        self.assertEqual(len(session.api.extension_registrations), 1)
        self.assertEqual(session.api.extension_nexts, [])
        self.assertEqual(self.terminate(session), -signal.SIGTERM, session.describe())
        session.finish_output()
        self.assertNotIn(b'shutdown hook ran', session.stderr.data)

    def test_container_error_on_registration_ends_the_process(self):
        session = self.start('workers', runtime_api=with_register_status(500))
        self.assert_exits(session, status=1)
        self.assertEqual(session.nexts(), [])
        self.assertEqual(session.api.extension_nexts, [])


if __name__ == '__main__':
    harness.main()
