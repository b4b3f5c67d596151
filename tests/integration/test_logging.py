#!/usr/bin/env python3
"""stderr is log records, one per line: <RFC 3339 time>\\t<request id or empty>\\t<LEVEL>\\t<message>,
and event payloads never appear in it."""

import datetime
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

MARKER = 'wisp-PAYLOAD-MARKER-5c1e9b'
MIB = 1024 * 1024


class Records(harness.IntegrationCase):
    def check_records(self, session, started, ended):
        data = session.stderr.data
        self.assertTrue(data.endswith(b'\n'), f'a record does not end its line: {data[-200:]!r}')
        records = session.log_records()
        self.assertTrue(records, 'nothing was logged')
        previous = None
        for line, match in records:
            self.assertIsNotNone(match, f'not a log record: {line!r}')
            when = harness.parse_timestamp(match['time'])
            self.assertLessEqual(started - datetime.timedelta(seconds=2), when, line)
            self.assertLessEqual(when, ended + datetime.timedelta(seconds=2), line)
            if previous is not None:
                self.assertLessEqual(previous, when, 'timestamps go backwards')
            previous = when
        self.assertNotIn(MARKER.encode(), data, 'an event payload reached stderr')
        self.assertEqual(session.stdout.data, b'')
        return [match for _, match in records]

    def test_records_and_no_payload(self):
        started = datetime.datetime.now(datetime.timezone.utc)
        session = self.start('hello')
        marker = json.dumps(MARKER)
        ok = session.submit(json.dumps({'name': MARKER}))
        malformed = session.submit('{"name": %s, oops' % marker)
        bad_id = session.submit(json.dumps({'name': MARKER}), request_id='bad_id.7')
        refused = session.submit(json.dumps({'name': MARKER}), post_status=400)
        too_large = session.submit(b'"' + MARKER.encode() * (7 * MIB // len(MARKER)) + b'"')
        unreadable = session.submit(b'', raw_next=b'HTTP/1.1 200 OK\r\nX: y'
                                    b'\nContent-Length: 2\r\n\r\n{}')
        last = session.submit(json.dumps({'name': 'last'}))
        self.assert_response(ok)
        self.assert_error(malformed, 'Function.InvalidInput')
        self.answered(refused)
        self.assert_error(too_large, 'Runtime.EventTooLarge', timeout=30)
        self.assert_response(last)
        self.assertEqual(bad_id.result.kind, 'none')
        self.assertEqual(unreadable.result.kind, 'none')
        # end with a fatal answer outside any invocation: its record has no request id
        ending = session.submit(b'{}', next_status=500)
        self.assert_exits(session)
        session.stderr.join()
        ended = datetime.datetime.now(datetime.timezone.utc)
        records = self.check_records(session, started, ended)

        by_id = {}
        for match in records:
            by_id.setdefault(match['id'].decode(), []).append(match)
        for invocation in (malformed, too_large):
            self.assertIn(b'ERROR', [m['level'] for m in by_id.get(invocation.request_id, [])],
                          f'no ERROR record carries {invocation.request_id}\n{session.describe()}')
        self.assertEqual(records[-1]['id'], b'', 'the request id outlived its invocation')
        self.assertIn(records[-1]['level'], (b'ERROR', b'FATAL'))
        self.assertIn(b'500', records[-1]['message'])
        self.assertEqual(ending.result.kind, 'none')
        known = {'', *(i.request_id for i in (ok, malformed, refused, too_large, last))}
        self.assertLessEqual(set(by_id), known, 'a record carries an id of no delivered invocation')

    def test_handler_error_record_carries_request_id(self):
        started = datetime.datetime.now(datetime.timezone.utc)
        session = self.start('fail')
        invocation = session.submit(json.dumps({'secret': MARKER}))
        self.assert_error(invocation, 'Function.AlwaysFails')
        line = session.wait_for_log(rb'\t%s\t' % invocation.request_id.encode(), timeout=5)
        self.assertIsNotNone(line, session.describe())
        self.assertIsNotNone(harness.LOG_LINE.fullmatch(line.rstrip(b'\n')), line)
        self.assertIn(b'Function.AlwaysFails', line)
        session.api.shutdown_next()
        self.assert_exits(session)
        session.stderr.join()
        self.check_records(session, started, datetime.datetime.now(datetime.timezone.utc))

    def test_successes_log_nothing_about_payloads(self):
        session = self.start('echo')
        invocations = [session.submit(json.dumps({'i': i, 'm': MARKER})) for i in range(20)]
        for invocation in invocations:
            self.assert_response(invocation)
        session.api.shutdown_next()
        self.assert_exits(session)  # the whole of stderr is in
        self.assertNotIn(MARKER.encode(), session.stderr.data)


if __name__ == '__main__':
    harness.main()
