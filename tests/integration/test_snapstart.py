#!/usr/bin/env python3
"""SnapStart: with AWS_LAMBDA_INITIALIZATION_TYPE=snap-start, the before-snapshot hooks (last
registered first), GET /runtime/restore/next, a fresh connection, the after-restore hooks (in
order), then the invocation loop; a failing hook is posted to /init/error or /restore/error
and ends the process. Without the variable no hook runs; a bootstrap without hooks never
asks for /restore/next."""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SNAP_START = {'AWS_LAMBDA_INITIALIZATION_TYPE': 'snap-start'}
FAILING_HOOK = 'WISP_TEST_FAILING_HOOK'
HOOK_FAILURE = 'Function.HookFailed: the hook was told to fail'


def hooks_run(session):
    """The names the test handler's hooks logged, in the order they ran."""
    return [m['message'][len(b'hook '):].decode() for _, m in session.log_records()
            if m and m['message'].startswith(b'hook ')]


def route_of(request):
    """The route after /2018-06-01 of a logged request, with its method."""
    return request.method + ' ' + request.path.partition(harness.API_PREFIX)[2]


class SnapStart(harness.IntegrationCase):
    def check_sequence(self, base_path=''):
        options = {'base_path': base_path}
        if base_path:
            options['runtime_api'] = lambda api: f'127.0.0.1:{api.port}{base_path}'
        session = self.start('snapstart', extra_env=SNAP_START, api_options={'hold_restore': True},
                             **options)
        # Held at /restore/next (the snapshot being taken): only the before hooks ran.
        self.assertTrue(session.api.wait_for_restore(), self.context())
        self.assertTrue(session.stderr.wait_until(lambda _: len(hooks_run(session)) >= 2))
        self.assertEqual(hooks_run(session), ['before-2', 'before-1'])
        self.assertEqual([route_of(r) for r in session.requests], ['GET /runtime/restore/next'])
        [restore] = session.requests
        self.assertEqual(restore.line,
                         f'GET {base_path}/2018-06-01/runtime/restore/next HTTP/1.1'.encode())
        invocation = session.submit(b'{}')

        session.api.release_restore()
        # The first invocation already sees both after-restore hooks done.
        self.assert_response(invocation, b'{"before":2,"after":2}')
        self.assertEqual(hooks_run(session), ['before-2', 'before-1', 'after-1', 'after-2'])
        requests = session.requests
        self.assertEqual([route_of(r) for r in requests[:3]],
                         ['GET /runtime/restore/next', 'GET /runtime/invocation/next',
                          f'POST /runtime/invocation/{invocation.request_id}/response'])
        self.assertEqual(restore.status, 200)
        # The connection from before the snapshot is never used again.
        self.assertEqual(restore.connection, 1)
        self.assertTrue(all(r.connection > 1 for r in requests[1:]), self.context())
        self.assertEqual(session.api.init_errors, [])
        self.assertEqual(session.api.restore_errors, [])
        # Restored once: the loop goes on without coming back to hooks or /restore/next.
        self.assert_response(session.submit(b'{}'), b'{"before":2,"after":2}')
        self.assertEqual(len(hooks_run(session)), 4)
        self.assertEqual(sum(1 for r in session.requests if r.path.endswith('/restore/next')), 1)

    def test_whole_sequence_in_order(self):
        self.check_sequence()

    def test_whole_sequence_under_base_path(self):
        self.check_sequence('/.rt')

    def test_restore_answered_at_once(self):
        session = self.start('snapstart', extra_env=SNAP_START)
        self.assert_response(session.submit(b'{}'), b'{"before":2,"after":2}')
        self.assertEqual(hooks_run(session), ['before-2', 'before-1', 'after-1', 'after-2'])

    def test_before_snapshot_failure(self):
        # before-2 runs first; its failure keeps before-1 from running.
        session = self.start('snapstart', extra_env={**SNAP_START, FAILING_HOOK: 'before-2'})
        invocation = session.submit(b'{}')
        self.assert_exits(session, status=1)
        self.assertEqual(hooks_run(session), ['before-2'])
        [request] = session.api.init_errors
        self.assertEqual(session.requests, [request])
        self.assertEqual(request.line, b'POST /2018-06-01/runtime/init/error HTTP/1.1')
        self.assertEqual(request.headers.get(harness.ERROR_TYPE_HEADER), 'Runtime.BeforeSnapshotError')
        self.assertEqual(request.status, 202)
        document = self.assert_error_body(request.body, 'Runtime.BeforeSnapshotError')
        self.assertEqual(document['errorMessage'], HOOK_FAILURE)
        self.assertEqual(session.api.restore_errors, [])
        self.assertEqual(invocation.state, 'queued')
        self.assertIsNotNone(session.wait_for_log(rb'\tERROR\tRuntime\.BeforeSnapshotError: ' +
                                                  HOOK_FAILURE.encode(), timeout=1))

    def test_after_restore_failure(self):
        session = self.start('snapstart', extra_env={**SNAP_START, FAILING_HOOK: 'after-1'})
        invocation = session.submit(b'{}')
        self.assert_exits(session, status=1)
        self.assertEqual(hooks_run(session), ['before-2', 'before-1', 'after-1'])
        [request] = session.api.restore_errors
        self.assertEqual([route_of(r) for r in session.requests],
                         ['GET /runtime/restore/next', 'POST /runtime/restore/error'])
        self.assertEqual(request.line, b'POST /2018-06-01/runtime/restore/error HTTP/1.1')
        self.assertGreater(request.connection, session.requests[0].connection)
        self.assertEqual(request.headers.get(harness.ERROR_TYPE_HEADER), 'Runtime.AfterRestoreError')
        self.assertEqual(request.headers.get('Content-Length'), str(len(request.body)))
        self.assertEqual(request.status, 202)
        document = self.assert_error_body(request.body, 'Runtime.AfterRestoreError')
        self.assertEqual(document['errorMessage'], HOOK_FAILURE)
        self.assertEqual(session.api.init_errors, [])
        self.assertEqual(session.nexts(), [])
        self.assertEqual(invocation.state, 'queued')

    def test_restore_next_refused_ends_the_process(self):
        # 4xx: nothing a retry can fix; 5xx: the container error that always stops.
        for status, level in ((403, b'ERROR'), (500, b'FATAL')):
            with self.subTest(status=status):
                session = self.start('snapstart', extra_env=SNAP_START,
                                     api_options={'restore_status': status})
                self.assert_exits(session, status=1)
                self.assertEqual(hooks_run(session), ['before-2', 'before-1'])
                self.assertEqual([route_of(r) for r in session.requests], ['GET /runtime/restore/next'])
                self.assertIsNotNone(session.wait_for_log(
                    rb'\t' + level + rb'\tHTTP %d on /restore/next$' % status, timeout=1), self.context())
                self.assertEqual(session.api.init_errors, [])
                self.assertEqual(session.api.restore_errors, [])

    def test_on_demand_runs_no_hook(self):
        for initialization_type in ('on-demand', 'provisioned-concurrency'):
            with self.subTest(initialization_type=initialization_type):
                session = self.start('snapstart', extra_env={
                    'AWS_LAMBDA_INITIALIZATION_TYPE': initialization_type, FAILING_HOOK: 'before-2'})
                self.assert_response(session.submit(b'{}'), b'{"before":0,"after":0}')
                self.assertEqual(hooks_run(session), [])
                self.assertEqual([route_of(r) for r in session.requests[:1]],
                                 ['GET /runtime/invocation/next'])
                self.assertFalse(any('/restore/' in r.path for r in session.requests))

    def test_without_hooks_no_restore_next(self):
        # minimal registers no hook and links none of this: SnapStart is the image label's job.
        session = self.start('minimal', extra_env=SNAP_START, api_options={'hold_restore': True})
        self.assert_response(session.submit(b'{}'), b'{"ok":true}')
        self.assertFalse(any('/restore/' in r.path for r in session.requests))


if __name__ == '__main__':
    harness.main()
