#!/usr/bin/env python3
"""Tracing and context: _X_AMZN_TRACE_ID per invocation, remaining time, X-Ray error causes."""

import json
import os
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

TRACE_HEADER = 'Lambda-Runtime-Trace-Id'
CAUSE_HEADER = 'Lambda-Runtime-Function-XRay-Error-Cause'


def cause_document(size=0):
    """An X-Ray cause as a handler would build it, padded to at least size bytes."""
    document = {'working_directory': '/var/task', 'paths': ['handler.cpp'],
                'exceptions': [{'type': 'Failed', 'message': 'it broke', 'stack': []}]}
    text = json.dumps(document, separators=(',', ':'))
    if size > len(text):
        document['padding'] = 'x' * (size - len(text) - len(',"padding":""'))
        text = json.dumps(document, separators=(',', ':'))
    return text


class TraceVariable(harness.IntegrationCase):
    def context_of(self, session, body=b'{}', **options):
        return self.assert_response(session.submit(body, **options)).json()

    def test_set_from_the_header_for_every_invocation(self):
        session = self.start('context')
        for trace in ('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
                      'Root=1-00000000-000000000000000000000000;Sampled=0',
                      'x'):
            with self.subTest(trace=trace):
                seen = self.context_of(session, headers={TRACE_HEADER: trace})
                self.assertEqual(seen['trace_id'], trace)
                self.assertEqual(seen['env_trace'], trace)

    def test_removed_when_the_header_is_absent_and_set_again_after(self):
        session = self.start('context')
        first = self.context_of(session, headers={TRACE_HEADER: 'Root=1-a'})
        self.assertEqual(first['env_trace'], 'Root=1-a')
        for options in ({'omit': [TRACE_HEADER]}, {'headers': {TRACE_HEADER: ''}}):
            with self.subTest(options=options):
                seen = self.context_of(session, **options)
                self.assertEqual(seen['trace_id'], '')
                self.assertIsNone(seen['env_trace'])
        self.assertEqual(self.context_of(session, headers={TRACE_HEADER: 'Root=1-b'})['env_trace'], 'Root=1-b')

    def test_inherited_variable_does_not_leak_into_invocations(self):
        session = self.start('context', extra_env={'_X_AMZN_TRACE_ID': 'Root=1-stale'})
        self.assertIsNone(self.context_of(session, omit=[TRACE_HEADER])['env_trace'])
        self.assertEqual(self.context_of(session, headers={TRACE_HEADER: 'Root=1-c'})['env_trace'], 'Root=1-c')

    def test_header_name_case_and_spacing(self):
        session = self.start('context')
        seen = self.context_of(session, headers={'lambda-runtime-trace-id': 'Root=1-lower'})  # replaces the canonical one
        self.assertEqual(seen['env_trace'], 'Root=1-lower')
        # No space after the colon: the shortest line the variable is written over.
        body = b'{}'
        head = (b'HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: raw-1\r\n'
                b'Lambda-Runtime-Trace-Id:Root=1-tight\r\nContent-Type: application/json\r\n'
                b'Content-Length: %d\r\n\r\n' % len(body))
        invocation = session.submit(b'', request_id='raw-1', raw_next=head + body)
        self.assertEqual(self.assert_response(invocation).json()['env_trace'], 'Root=1-tight')


    def test_seen_by_child_processes(self):
        session = self.start('context', extra_env={'_X_AMZN_TRACE_ID': 'Root=1-inherited'})
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, 'trace')
            for headers, seen in (({TRACE_HEADER: 'Root=1-5759e988-bd862e3f;Sampled=1'}, 'Root=1-5759e988-bd862e3f;Sampled=1'),
                                  ({}, 'unset'),
                                  ({TRACE_HEADER: 'Root=1-second'}, 'Root=1-second')):
                with self.subTest(seen=seen):
                    options = {'headers': headers} if headers else {'omit': [TRACE_HEADER]}
                    answer = self.context_of(session, body=json.dumps({'spawn': path}), **options)
                    self.assertGreater(answer['child'], 0, answer)
                    with open(path) as f:
                        self.assertEqual(f.read(), seen)
                    os.unlink(path)


class RemainingTime(harness.IntegrationCase):
    def test_counts_down_to_the_deadline(self):
        session = self.start('context')
        before = time.time_ns() // 1_000_000
        seen = self.assert_response(session.submit(b'{}', timeout_ms=60_000)).json()
        after = time.time_ns() // 1_000_000
        self.assertGreaterEqual(seen['deadline_ms'], before + 60_000)
        self.assertLessEqual(seen['deadline_ms'], after + 60_000)
        # remaining = deadline - now, where now is between delivery and the answer.
        self.assertLessEqual(seen['remaining_ms'], seen['deadline_ms'] - before)
        self.assertGreaterEqual(seen['remaining_ms'], seen['deadline_ms'] - after)

    def test_unknown_without_a_deadline_and_zero_once_passed(self):
        session = self.start('context')
        seen = self.assert_response(session.submit(b'{}', omit=['Lambda-Runtime-Deadline-Ms'])).json()
        self.assertEqual((seen['deadline_ms'], seen['remaining_ms']), (0, -1))
        seen = self.assert_response(session.submit(b'{}', timeout_ms=-5_000)).json()
        self.assertEqual(seen['remaining_ms'], 0)
        for bad in ('soon', '-5', '99999999999999999999'):
            with self.subTest(deadline=bad):
                invocation = session.submit(b'{}', omit=['Lambda-Runtime-Deadline-Ms'],
                                            headers={'Lambda-Runtime-Deadline-Ms': bad})
                seen = self.assert_response(invocation).json()
                self.assertEqual((seen['deadline_ms'], seen['remaining_ms']), (0, -1))


class XRayCause(harness.IntegrationCase):
    def fail(self, session, cause=None):
        event = {'fail': 'it broke'}
        if cause is not None:
            event['cause'] = cause
        result, _ = self.assert_error(session.submit(json.dumps(event)), 'Function.Failed')
        return result

    def test_sent_with_the_error_and_only_with_it(self):
        session = self.start('context')
        cause = cause_document()
        self.assertEqual(self.fail(session, cause).headers.get(CAUSE_HEADER), cause)
        self.assertIsNone(self.fail(session).headers.get(CAUSE_HEADER))  # not left over
        self.assertEqual(json.loads(self.fail(session, cause).headers.get(CAUSE_HEADER)),
                         json.loads(cause))

    def test_up_to_64_kib(self):
        session = self.start('context')
        largest = cause_document(64 * 1024)
        self.assertEqual(len(largest), 64 * 1024)
        self.assertEqual(self.fail(session, largest).headers.get(CAUSE_HEADER), largest)
        result = self.fail(session, cause_document(64 * 1024 + 1))
        self.assertIsNone(result.headers.get(CAUSE_HEADER))
        session.wait_for_log(rb'WARN\tX-Ray error cause left out')

    def test_unsafe_causes_are_left_out_and_the_error_still_posted(self):
        session = self.start('context')
        for cause in ('{"a":\n1}', '{"a":"\u00e9"}', '{"a":"\r\nX-Injected: 1"}'):
            with self.subTest(cause=cause):
                self.assertIsNone(self.fail(session, cause).headers.get(CAUSE_HEADER))
        self.assertNotIn('X-Injected', {name for name, _ in session.requests[-1].headers.items()})


if __name__ == '__main__':
    harness.main()
