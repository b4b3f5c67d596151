#!/usr/bin/env python3
"""Events at Lambda's 6 MiB limit through the event-source examples: each is read whole
within the memory the runtime maps once (receive buffer, arena), answered exactly as
Python's json reads the same event, and the loop goes on to a small event after it."""

import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import test_http_router  # noqa: E402
import test_s3_notify  # noqa: E402
import test_sqs_batch  # noqa: E402

LIMIT = 6 * 1024 * 1024  # Lambda's synchronous invocation payload limit (6 MB = 6,291,456 bytes)
TIMEOUT = 60.0           # generous: qemu and valgrind-free, but a shared machine


def grow(make_record, wrap, limit=LIMIT):
    """The largest event wrap(records) not over limit bytes, records made by make_record(i)."""
    records, size = [], len(wrap([]))
    while True:
        record = make_record(len(records))
        extra = len(json.dumps(record)) + (2 if records else 0)
        if size + extra > limit:
            return wrap(records)
        records.append(record)
        size += extra


def peak_rss_kib(pid):
    with open(f'/proc/{pid}/status') as f:
        for line in f:
            if line.startswith('VmHWM:'):
                return int(line.split()[1])
    return None


class LargeEvents(harness.IntegrationCase):
    def run_large(self, handler, event, expected, small, small_expected):
        self.assertLessEqual(len(event), LIMIT)
        self.assertGreater(len(event), LIMIT - 64 * 1024)
        session = self.start(handler)
        big = session.submit(event)
        after = session.submit(small)
        self.assert_response(big, expected, 'application/json', timeout=TIMEOUT)
        self.assert_response(after, small_expected, 'application/json', timeout=TIMEOUT)
        self.assert_answered_once(session, big)
        rss = peak_rss_kib(session.process.pid)
        print(f'{handler}: {len(event):,}-byte event, peak RSS {rss} KiB', file=sys.stderr)

    def test_sqs_batch_of_escaped_json_bodies(self):
        # Every body is JSON inside a JSON string: each quote escaped, unescaped on demand.
        def message(i):
            body = json.dumps({'ok': i % 3 != 0, 'n': i, 'note': 'line\n"quoted"\t' + 'x' * (i % 200)})
            return {'messageId': f'm-{i}', 'receiptHandle': 'h', 'body': body, 'attributes': {},
                    'messageAttributes': {}, 'md5OfBody': '0', 'eventSource': 'aws:sqs',
                    'eventSourceARN': 'arn:aws:sqs:us-east-1:123456789012:q', 'awsRegion': 'us-east-1'}

        def wrap(records):
            return json.dumps({'Records': records}).encode()

        event = grow(message, wrap)
        small = wrap([message(0)])
        self.run_large('sqs_batch', event, test_sqs_batch.expected(event)[1], small, test_sqs_batch.expected(small)[1])

    def test_sqs_batch_one_huge_body(self):
        # One record whose body is a 6 MiB escaped JSON document.
        def event_with(k):
            inner = json.dumps({'ok': True, 'text': 'a"b\\c\u00e9\n' * k})
            return json.dumps({'Records': [{'messageId': 'only', 'body': inner, 'eventSource': 'aws:sqs'}]}).encode()

        base = len(event_with(0))
        event = event_with((LIMIT - base) // (len(event_with(1)) - base))
        small = json.dumps({'Records': []}).encode()
        self.run_large('sqs_batch', event, test_sqs_batch.expected(event)[1], small, test_sqs_batch.expected(small)[1])

    def test_s3_notification_of_encoded_keys(self):
        def wrap(records):
            return test_s3_notify.notification(*records)

        def make(i):
            return test_s3_notify.record(f'photos/{i}/my+holiday%21+%C3%A9t%C3%A9.jpg', size=i * 1024)

        event = grow(make, wrap)
        small = wrap([make(1)])
        self.run_large('s3_notify', event, test_s3_notify.expected(event)[1], small, test_s3_notify.expected(small)[1])

    def test_http_v2_event_with_an_escaped_json_body(self):
        # The example: an HTTP API event whose body is a 6 MiB JSON document in a
        # JSON string (every quote and backslash escaped), echoed by http_router.
        def event_with(k):
            body = json.dumps({'rows': [{'q': 'say "hi"\\', 'n': i} for i in range(k)]})
            return json.dumps(test_http_router.craft('http_v2', 'POST', '/echo', body=body)).encode()

        low, high = 0, LIMIT // 20  # the most rows that fit, by bisection
        while low < high:
            middle = (low + high + 1) // 2
            low, high = (middle, high) if len(event_with(middle)) <= LIMIT else (low, middle - 1)
        event = event_with(low)
        self.assertLessEqual(len(event), LIMIT)
        self.assertGreater(len(event), LIMIT - 64 * 1024)
        session = self.start('http_router')
        big = session.submit(event)
        small = session.submit(json.dumps(test_http_router.craft('http_v2', 'GET', '/hello')).encode())
        result = self.assert_response(big, timeout=TIMEOUT)
        answer = json.loads(result.body)
        self.assertEqual(answer['statusCode'], 200)
        self.assertEqual(json.loads(answer['body']), {'echo': json.loads(json.loads(event)['body'])})
        result = self.assert_response(small, timeout=TIMEOUT)
        self.assertEqual(json.loads(json.loads(result.body)['body']), {'hello': 'world'})
        rss = peak_rss_kib(session.process.pid)
        print(f'http_router: {len(event):,}-byte event, peak RSS {rss} KiB', file=sys.stderr)


if __name__ == '__main__':
    harness.main()
