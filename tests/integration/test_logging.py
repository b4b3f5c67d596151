#!/usr/bin/env python3
"""stderr is log records, one per line: <RFC 3339 time>\\t<request id or empty>\\t<LEVEL>\\t<message>,
or with AWS_LAMBDA_LOG_FORMAT=JSON one JSON object per line; AWS_LAMBDA_LOG_LEVEL drops the records
below it; event payloads never appear in it."""

import datetime
import json
import os
import re
import sys
import time

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


LEVELS = ('TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL')
MESSAGE_LIMIT = 16 * 1024  # longer messages are cut, never inside a UTF-8 sequence
TIMESTAMP = re.compile(r'\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z')
TENANT = 'tenant "blue"\\ caf\u00e9'  # escaped in JSON like any text

# What tests/integration/handlers/log_levels.cpp logs, byte for byte.
HOSTILE = (b'quote" backslash\\ lf\n cr\r crlf\r\n tab\t ctl\x01\x1f del\x7f'
           b' caf\xc3\xa9 globe \xf0\x9f\x8c\x8d end')
PATTERN = b'\xe2\x82\xac "q" \\ \xc3\xa9\n\t\x01 '
MESSAGES = {  # first word: (level, bytes)
    'hostile:': ('WARN', b'hostile: ' + HOSTILE + b' | second part'),
    'long:': ('WARN', b'long: ' + PATTERN * (20 * 1024 // len(PATTERN))),
    'control:': ('WARN', b'control: ' + b'\x01' * 8 * 1024),
    'huge:': ('WARN', b'huge: ' + PATTERN * (200 * 1024 // len(PATTERN))),
    **{head: ('WARN', head.encode() + b' ' + b'\xe2\x82\xac' * 70 * 1024) for head in ('wide:', 'wider:', 'widest:')},
}
CUT = ('long:', 'huge:', 'wide:', 'wider:', 'widest:')  # longer than MESSAGE_LIMIT


def expected_text(data):
    """The message as logged: cut after MESSAGE_LIMIT bytes, back to a UTF-8 boundary."""
    if len(data) > MESSAGE_LIMIT:
        cut = MESSAGE_LIMIT
        while cut and data[cut] & 0xc0 == 0x80:
            cut -= 1
        data = data[:cut]
    return data.decode('utf-8')


def epoch_ms(when=None):
    return time.time_ns() // 1_000_000 if when is None else int(when.timestamp() * 1000)


class Formats(harness.IntegrationCase):
    """tests/integration/handlers/log_levels.cpp under each format and several levels."""

    def run_handler(self, settings):
        """Run log_levels with the given environment: an invocation, one with a tenant id,
        one that fails, then a 500 on /next. Returns (stderr lines, invocations, window)."""
        started = epoch_ms()
        session = self.start('log_levels', extra_env=settings)
        plain = session.submit(json.dumps({'secret': MARKER}))
        tenant = session.submit(json.dumps({'secret': MARKER}),
                                headers={'Lambda-Runtime-Aws-Tenant-Id': TENANT.encode()})
        failing = session.submit('"fail"')
        for invocation in (plain, tenant):
            self.assert_response(invocation, timeout=30)
        self.assert_error(failing, 'Function.Probe', timeout=30)
        session.submit(b'{}', next_status=500)
        self.assert_exits(session)
        ended = epoch_ms()
        lines = session.stderr.lines
        self.assertTrue(lines, 'nothing was logged')
        self.assertTrue(all(line.endswith(b'\n') for line in lines), 'a record does not end its line')
        self.assertNotIn(MARKER.encode(), session.stderr.data, 'an event payload reached stderr')
        self.assertEqual(session.stdout.data, b'')
        return lines, (plain, tenant, failing), (started, ended)

    def check_time(self, text, window):
        self.assertRegex(text, TIMESTAMP)
        when = epoch_ms(harness.parse_timestamp(text.encode()))
        self.assertLessEqual(window[0], when, f'{text} is before the test started')
        self.assertLessEqual(when, window[1], f'{text} is after the test ended')
        return when

    def check_records(self, records, invocations, threshold, window, tenants=True):
        """records: (time, level, request id or None, tenant id or None, message) per line, in
        order. Checks the time window, level filtering and ids; returns (head, message, expected
        message) for each long or hostile message the handler logged."""
        plain, tenant, failing = invocations
        ids = {i.request_id: i for i in invocations}
        previous = 0
        for when, level, request_id, tenant_id, message in records:
            when = self.check_time(when, window)
            self.assertLessEqual(previous, when, 'timestamps go backwards')
            previous = when
            self.assertIn(level, LEVELS[threshold:], f'a {level} record at threshold {LEVELS[threshold]}')
            if request_id is not None:
                self.assertIn(request_id, ids)
            expected_tenant = TENANT if tenants and request_id == tenant.request_id else None
            self.assertEqual(tenant_id, expected_tenant, message[:100])

        def messages(request_id):
            return [r[4] for r in records if r[2] == request_id]
        logged_messages = []
        outside = messages(None)
        self.assertEqual('init: outside any invocation' in outside, threshold <= 2, outside)
        # the 500 on /next is logged outside any invocation
        self.assertTrue(any('500' in m and '/next' in m for m in outside), outside)
        for invocation in invocations:
            logged = messages(invocation.request_id)
            probes = [m for m in logged if m.startswith('probe ')]
            self.assertEqual(probes, ['probe ' + name for name in LEVELS[threshold:]])
            for head, (level, data) in MESSAGES.items():
                found = [m for m in logged if m.startswith(head)]
                if LEVELS.index(level) < threshold:
                    self.assertEqual(found, [])
                    continue
                self.assertEqual(len(found), 1, f'{head} logged {len(found)} times')
                logged_messages.append((head, found[0], expected_text(data), len(data)))
            if invocation is failing:
                self.assertIn('Function.Probe: failing as asked', logged)
            if threshold <= LEVELS.index('ERROR'):
                self.assertEqual(invocation is failing, 'Function.Probe: failing as asked' in logged)
        return logged_messages

    def check_message(self, head, message, expected, original_length):
        """A message is whole, or cut at MESSAGE_LIMIT bytes at a character boundary."""
        self.assertEqual(message, expected, f'{head} message differs')
        self.assertEqual(head in CUT, original_length > MESSAGE_LIMIT, head)
        if head in CUT:
            self.assertGreater(len(message.encode()), MESSAGE_LIMIT - 4, f'{head} was cut too short')

    def json_records(self, settings, threshold):
        lines, invocations, window = self.run_handler(settings)
        records = []
        for line in lines:
            self.assertEqual(line.count(b'\n'), 1)
            record = json.loads(line)  # bytes: must be valid UTF-8 too
            self.assertIsInstance(record, dict)
            keys = {'timestamp', 'level', 'message'}
            self.assertLessEqual(keys, set(record), line[:200])
            self.assertLessEqual(set(record), keys | {'requestId', 'tenantId'}, line[:200])
            self.assertIn('requestId', record)  # empty outside an invocation
            records.append((record['timestamp'], record['level'], record['requestId'] or None,
                            record.get('tenantId'), record['message']))
        for head, message, expected, length in self.check_records(records, invocations, threshold, window):
            self.check_message(head, message, expected, length)

    def text_records(self, settings, threshold):
        lines, invocations, window = self.run_handler(settings)
        records = []
        for line in lines:
            text = line.decode('utf-8')
            self.assertEqual(text.count('\n'), 1)
            self.assertNotIn('\r', text)
            when, request_id, level, message = text[:-1].split('\t', 3)
            records.append((when, level, request_id or None, None, message))
        # Text records carry no tenant id.
        for head, message, expected, length in self.check_records(records, invocations, threshold, window,
                                                                   tenants=False):
            expected = expected.replace('\r', ' ').replace('\n', ' ')
            self.check_message(head, message, expected, length)

    def test_json_at_the_default_level(self):
        self.json_records({'AWS_LAMBDA_LOG_FORMAT': 'JSON'}, LEVELS.index('INFO'))

    def test_json_at_trace_in_lower_case(self):
        self.json_records({'AWS_LAMBDA_LOG_FORMAT': 'json', 'AWS_LAMBDA_LOG_LEVEL': 'trace'}, 0)

    def test_json_at_error(self):
        self.json_records({'AWS_LAMBDA_LOG_FORMAT': 'JSON', 'AWS_LAMBDA_LOG_LEVEL': 'ERROR'},
                          LEVELS.index('ERROR'))

    def test_unknown_level_means_info(self):
        self.json_records({'AWS_LAMBDA_LOG_FORMAT': 'JSON', 'AWS_LAMBDA_LOG_LEVEL': 'VERBOSE'},
                          LEVELS.index('INFO'))

    def test_text_at_debug(self):
        self.text_records({'AWS_LAMBDA_LOG_FORMAT': 'Text', 'AWS_LAMBDA_LOG_LEVEL': 'Debug'},
                          LEVELS.index('DEBUG'))

    def test_text_by_default_and_for_unknown_formats(self):
        self.text_records({'AWS_LAMBDA_LOG_FORMAT': 'XML', 'AWS_LAMBDA_LOG_LEVEL': 'warn'},
                          LEVELS.index('WARN'))

    def test_long_tenant_ids_are_cut_and_records_stay_valid(self):
        tenant = ('quote" back\\ ' * 1000)[:10_000]
        session = self.start('log_levels', extra_env={'AWS_LAMBDA_LOG_FORMAT': 'JSON'})
        invocation = session.submit(b'{}', headers={'Lambda-Runtime-Aws-Tenant-Id': tenant.encode()})
        self.assert_response(invocation, timeout=30)
        records = [json.loads(line) for line in session.stderr.lines]  # every line valid JSON
        mine = [r for r in records if r.get('requestId') == invocation.request_id]
        self.assertTrue(mine)
        for record in mine:
            self.assertEqual(record['tenantId'], tenant[:256])

    def test_log_enabled_follows_the_level(self):
        for setting, threshold in (('FATAL', 5), ('', 2), ('Trace', 0)):
            with self.subTest(level=setting):
                with harness.running('log_levels', extra_env={'AWS_LAMBDA_LOG_LEVEL': setting}) as session:
                    invocation = session.submit(b'{}')
                    result = self.assert_response(invocation, timeout=30)
                    self.assertEqual(result.body, b'0' * threshold + b'1' * (6 - threshold))


if __name__ == '__main__':
    harness.main()
