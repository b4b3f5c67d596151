#!/usr/bin/env python3
"""s3_notify end to end: every sample event, crafted notifications (keys needing
percent-decoding, escapes, sizes beyond 2^53, deletions, 0 and many records), malformed
and wrong-source events. Each answer is compared byte for byte with the one computed here
from the event with Python's json and urllib."""

import json
import os
import re
import sys
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from test_events import sample_events  # noqa: E402

NOT_S3 = 'not an S3 notification: expected Records with "eventSource":"aws:s3"'
NO_KEY = 'an S3 record has no bucket name or object key'
INTEGER = re.compile(r'-?(0|[1-9][0-9]*)')


def size_text(size):
    """The size as the handler writes it: an integer as written, else null."""
    if isinstance(size, int) and not isinstance(size, bool):
        return str(size).encode()
    if isinstance(size, str) and INTEGER.fullmatch(size):
        return size.encode()
    return b'null'


def member(document, *path):
    for key in path:
        document = document.get(key) if isinstance(document, dict) else None
    return document


def expected(event):
    """('response', exact bytes) or ('error', message or None when it is a parse error)."""
    records, why = harness.records_of(event, 'aws:s3')
    if records is None:
        return 'error', NOT_S3 if why else None
    objects = []
    for record in records:
        bucket = member(record, 's3', 'bucket', 'name')
        key = member(record, 's3', 'object', 'key')
        if not isinstance(bucket, str) or not isinstance(key, str):
            return 'error', NO_KEY
        name = record.get('eventName')
        objects.append(b'{"bucket":' + harness.builder_string(bucket.encode()) +
                       b',"key":' + harness.builder_string(urllib.parse.unquote_to_bytes(key.replace('+', ' '))) +
                       b',"size":' + size_text(member(record, 's3', 'object', 'size')) +
                       b',"event":' + (harness.builder_string(name.encode()) if isinstance(name, str) else b'null') + b'}')
    return 'response', b'{"objects":[' + b','.join(objects) + b']}'


def record(key, size=1024, bucket='my-bucket', event_name='ObjectCreated:Put', **fields):
    obj = {'key': key, 'size': size, 'eTag': 'd41d8cd98f00b204e9800998ecf8427e', 'sequencer': '0055AED6DCD90281E5'}
    if size is None:
        del obj['size']
    result = {
        'eventVersion': '2.1', 'eventSource': 'aws:s3', 'awsRegion': 'us-east-1',
        'eventTime': '2024-01-01T00:00:00.000Z', 'eventName': event_name,
        'userIdentity': {'principalId': 'AWS:EXAMPLE'}, 'requestParameters': {'sourceIPAddress': '127.0.0.1'},
        'responseElements': {'x-amz-request-id': 'R', 'x-amz-id-2': 'H'},
        's3': {'s3SchemaVersion': '1.0', 'configurationId': 'cfg',
               'bucket': {'name': bucket, 'ownerIdentity': {'principalId': 'O'}, 'arn': 'arn:aws:s3:::' + str(bucket)},
               'object': obj},
    }
    result.update(fields)
    return result


def notification(*records):
    return json.dumps({'Records': list(records)}).encode()


class S3Notify(harness.IntegrationCase):
    def test_every_sample_event(self):
        """The S3 notification samples are summarised; every other sample is an
        InvalidEvent error, and the loop goes on after each."""
        events = sample_events()
        s3 = [path for path, event in events if expected(event)[0] == 'response']
        self.assertGreaterEqual(len(s3), 10, s3)
        session = self.start('s3_notify')
        self.assert_answers(session, events, expected)

    def test_a_sample_in_full(self):
        session = self.start('s3_notify')
        with open(os.path.join(harness.EVENTS_DIR, 'aws-lambda-go', 's3-event.json'), 'rb') as f:
            event = f.read()
        result = self.assert_response(session.submit(event), content_type='application/json')
        self.assertEqual(result.json(), {'objects': [
            {'bucket': 'sourcebucket', 'key': 'Happy Face.jpg', 'size': 1024, 'event': 'ObjectCreated:Put'}]})

    def test_keys_needing_decoding(self):
        keys = {
            'plus is a space': 'my+photo.jpg',
            'encoded plus': 'a%2Bb+c',
            'lower-case hex': 'a%2bb',
            'percent then no hex': '100%+off%zz%4',
            'percent at the very end': 'ends%',
            'encoded percent': '50%25',
            'utf-8 sequences': 'caf%C3%A9/%E6%97%A5%E6%9C%AC/%F0%9F%98%80.txt',
            'raw utf-8 too': 'café ☃',
            'a lone byte that is no utf-8': 'bad%FFbyte',
            'a nul and control bytes': 'nul%00tab%09nl%0A',
            'quotes and backslashes': 'say%22hi%22%5Cback',
            'json escapes and percent': 'a\\b"c%41',
            'slashes and colons': 'dir%2Fsub/a%3Ab.c',
            'no escapes at all': 'photos/2024/cat.jpg',
            'empty': '',
        }
        events = [(name, notification(record(key))) for name, key in keys.items()]
        session = self.start('s3_notify')
        self.assert_answers(session, events, expected)
        by_name = dict(events)
        self.assertIn(b'"key":"my photo.jpg"', expected(by_name['plus is a space'])[1])
        self.assertIn(b'"key":"a+b c"', expected(by_name['encoded plus'])[1])
        self.assertIn(b'"key":"100% off%zz%4"', expected(by_name['percent then no hex'])[1])
        self.assertIn('"key":"café/日本/😀.txt"'.encode(), expected(by_name['utf-8 sequences'])[1])
        self.assertIn(b'"key":"bad\xffbyte"', expected(by_name['a lone byte that is no utf-8'])[1])
        self.assertIn(b'"key":"nul\\u0000tab\\u0009nl\\u000a"', expected(by_name['a nul and control bytes'])[1])

    def test_crafted_notifications(self):
        events = [
            ('no records', notification()),
            ('ten records', notification(*(record(f'k{i}', size=i * 1000) for i in range(10)))),
            ('a deletion without size', notification(record('gone.txt', size=None, event_name='ObjectRemoved:Delete'))),
            ('a size beyond 2^53', notification(record('huge', size=9007199254740993))),
            ('a size beyond 2^64', notification(record('huger', size=123456789012345678901234567890))),
            ('a size as a string', notification(record('s', size='2048'))),
            ('a size that is not an integer', notification(record('f', size=1.5))),
            ('a size that is no number', notification(record('n', size='12x'))),
            ('no event name', notification(record('e', event_name=None))),
            ('escaped bucket and event name',
             notification(record('k', bucket='b"\\☃', event_name='Object\nCreated'))),
            ('every sample record at once', notification(*[
                r for _, event in sample_events() if expected(event)[0] == 'response'
                for r in json.loads(event)['Records']])),
            ('many records', notification(*(record(f'dir/file+{i}%21', size=i) for i in range(2000)))),
        ]
        session = self.start('s3_notify')
        self.assert_answers(session, events, expected)
        self.assertEqual(expected(events[0][1]), ('response', b'{"objects":[]}'))
        self.assertIn(b'"size":null,"event":"ObjectRemoved:Delete"', expected(events[2][1])[1])
        self.assertIn(b'"size":9007199254740993', expected(events[3][1])[1])
        self.assertIn(b'"size":123456789012345678901234567890', expected(events[4][1])[1])
        self.assertIn(b'"event":null', expected(events[8][1])[1])

    def test_malformed_and_wrong_source_events(self):
        with open(os.path.join(harness.EVENTS_DIR, 'aws-lambda-go', 'sqs-event.json'), 'rb') as f:
            sqs_event = f.read()
        good = notification(record('a+b'))
        no_bucket = record('k')
        del no_bucket['s3']['bucket']['name']
        events = [
            ('empty', b''),
            ('not json', b'<xml/>'),
            ('truncated', good[:len(good) - 3]),
            ('two documents', good + good),
            ('sqs', sqs_event),
            ('an s3 test event', b'{"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"b"}'),
            ('a record of another source', notification(record('k'), record('k', eventSource='aws:sqs'))),
            ('Records not a list', b'{"Records":"aws:s3"}'),
            ('no bucket name', notification(no_bucket)),
            ('a key that is no string', notification(record(42))),
            ('no s3 entity', notification(record('k', s3=None))),
            ('and the loop goes on', good),
        ]
        session = self.start('s3_notify')
        self.assert_answers(session, events, expected)
        self.assertEqual(expected(events[-1][1])[0], 'response')
        self.assertTrue(session.alive(), session.describe())


if __name__ == '__main__':
    harness.main()
