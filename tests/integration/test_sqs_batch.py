#!/usr/bin/env python3
"""sqs_batch end to end: every sample event, crafted batches (failing messages, 0 and 10
records, escaped bodies), malformed and wrong-source events. Each answer is compared byte
for byte with the one computed here from the event with Python's json module."""

import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from test_events import sample_events  # noqa: E402

NOT_SQS = 'not an SQS event: expected Records with "eventSource":"aws:sqs"'
NO_ID = 'a message that failed has no messageId'


def processed(body):
    """The handler's rule: a body that is a JSON object whose "ok" is true."""
    if not isinstance(body, str):
        return False
    try:
        document = harness.loads(body)
    except ValueError:
        return False
    return isinstance(document, dict) and document.get('ok') is True


def expected(event):
    """('response', exact bytes) or ('error', message or None when it is a parse error)."""
    records, why = harness.records_of(event, 'aws:sqs')
    if records is None:
        return 'error', NOT_SQS if why else None
    failures = []
    for record in records:
        if processed(record.get('body')):
            continue
        message_id = record.get('messageId')
        if not isinstance(message_id, str) or not message_id:
            return 'error', NO_ID
        failures.append(b'{"itemIdentifier":' + harness.builder_string(message_id) + b'}')
    return 'response', b'{"batchItemFailures":[' + b','.join(failures) + b']}'


def message(message_id, body, **fields):
    record = {
        'messageId': message_id,
        'receiptHandle': 'AQEB' + message_id,
        'body': body,
        'attributes': {'ApproximateReceiveCount': '1', 'SentTimestamp': '1700000000000',
                       'SenderId': 'AIDAEXAMPLE', 'ApproximateFirstReceiveTimestamp': '1700000000001'},
        'messageAttributes': {},
        'md5OfBody': '0' * 32,
        'eventSource': 'aws:sqs',
        'eventSourceARN': 'arn:aws:sqs:us-east-1:123456789012:queue',
        'awsRegion': 'us-east-1',
    }
    record.update(fields)
    return record


def batch(*records):
    return json.dumps({'Records': list(records)}).encode()


class SqsBatch(harness.IntegrationCase):
    def test_every_sample_event(self):
        """SQS samples answer their failures (none of their bodies says "ok": true); every
        other sample is an InvalidEvent error, and the loop goes on after each."""
        events = sample_events()
        sqs = [path for path, event in events if expected(event)[0] == 'response']
        self.assertGreaterEqual(len(sqs), 5, sqs)
        session = self.start('sqs_batch')
        self.assert_answers(session, events, expected)

    def test_sqs_samples_answer_every_message_id(self):
        session = self.start('sqs_batch')
        for path in ('aws-lambda-go/sqs-event.json', 'aws-lambda-java-libs/sqs/sqs_event_product.json'):
            with self.subTest(sample=path), open(os.path.join(harness.EVENTS_DIR, path), 'rb') as f:
                event = f.read()
            ids = [r['messageId'] for r in json.loads(event)['Records']]
            result = self.assert_response(session.submit(event))
            self.assertEqual(result.json(), {'batchItemFailures': [{'itemIdentifier': i} for i in ids]})

    def test_crafted_batches(self):
        ok = json.dumps({'ok': True})
        events = [
            ('empty batch', batch()),
            ('one ok', batch(message('a', ok))),
            ('one failing', batch(message('a', '{"ok":false}'))),
            ('ten, every third failing', batch(*(message(f'id-{i}', ok if i % 3 else 'nope') for i in range(10)))),
            ('ten ok', batch(*(message(f'id-{i}', '{"ok":true,"n":%d}' % i) for i in range(10)))),
            ('ten failing', batch(*(message(f'id-{i}', '') for i in range(10)))),
            ('bodies of every kind', batch(
                message('not-json', 'ok'),
                message('array', '[{"ok":true}]'),
                message('ok-string', '{"ok":"true"}'),
                message('ok-number', '{"ok":1}'),
                message('ok-null', '{"ok":null}'),
                message('nested', '{"x":{"ok":true}}'),
                message('trailing', '{"ok":true} {}'),
                message('truncated', '{"ok":true'),
                message('duplicate-first-wins', '{"ok":true,"ok":false}'),
                message('fine', '{"x":1,"ok":true}'),
            )),
            ('escaped bodies', batch(
                message('quotes', json.dumps({'ok': True, 'text': 'say "hi" \\ back\\slash'})),
                message('unicode', json.dumps({'ok': True, 'text': 'café ☃ 😀 \u0001'})),
                message('raw-unicode', json.dumps({'ok': True, 'text': 'café ☃ 😀'}, ensure_ascii=False)),
                message('newlines', '{\n  "ok" : true\r\n}\t'),
                message('escaped-key', '{"o\\u006b":true}'),
                message('fails "quoted" \\ id ☃', json.dumps({'ok': False, 'why': 'line\nbreak'})),
                message('ctl\u0001id', 'x'),
            )),
            ('a large batch', batch(*(message(f'm{i:05d}', ok if i % 2 else '{}') for i in range(1000)))),
            ('large bodies', batch(message('big-ok', json.dumps({'ok': True, 'pad': 'x' * 200000})),
                                   message('big-bad', json.dumps({'ok': False, 'pad': '\\' * 200000})))),
            ('the same id twice', batch(message('dup', 'x'), message('dup', 'y'))),
        ]
        session = self.start('sqs_batch')
        self.assert_answers(session, events, expected)
        # Spot checks of the computed answers themselves.
        self.assertEqual(expected(events[0][1]), ('response', b'{"batchItemFailures":[]}'))
        self.assertEqual(json.loads(expected(events[3][1])[1]),
                         {'batchItemFailures': [{'itemIdentifier': f'id-{i}'} for i in (0, 3, 6, 9)]})
        failed = [f['itemIdentifier'] for f in json.loads(expected(events[6][1])[1])['batchItemFailures']]
        self.assertEqual(failed, ['not-json', 'array', 'ok-string', 'ok-number', 'ok-null', 'nested', 'trailing',
                                  'truncated'])

    def test_malformed_and_wrong_source_events(self):
        sns = os.path.join(harness.EVENTS_DIR, 'aws-lambda-go', 'sns-event.json')
        with open(sns, 'rb') as f:
            sns_event = f.read()
        good = batch(message('a', '{"ok":true}'), message('b', 'bad'))
        events = [
            ('empty', b''),
            ('not json', b'Records'),
            ('truncated', good[:len(good) // 2]),
            ('trailing garbage', good + b'x'),
            ('a trailing comma', b'{"Records":[],}'),
            ('NaN', b'{"Records":[{"eventSource":"aws:sqs","messageId":"a","body":NaN}]}'),
            ('sns', sns_event),
            ('no Records', b'{"records":[]}'),
            ('Records not a list', b'{"Records":{"eventSource":"aws:sqs"}}'),
            ('a top-level list', b'[{"eventSource":"aws:sqs"}]'),
            ('a mixed batch', batch(message('a', 'x'), message('b', 'x', eventSource='aws:kinesis'))),
            ('a record that is no object', b'{"Records":[1]}'),
            ('a failed message without an id', batch(message('a', 'x', messageId=None))),
            ('a failed message with an empty id', batch(message('', 'x'))),
            ('an ok message needs no id', batch(message('a', '{"ok":true}', messageId=None))),
            ('and the loop goes on', good),
        ]
        session = self.start('sqs_batch')
        self.assert_answers(session, events, expected)
        self.assertEqual(expected(events[-1][1]), ('response', b'{"batchItemFailures":[{"itemIdentifier":"b"}]}'))
        self.assertEqual(expected(events[-2][1]), ('response', b'{"batchItemFailures":[]}'))
        self.assertTrue(session.alive(), session.describe())


if __name__ == '__main__':
    harness.main()
