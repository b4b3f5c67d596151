#!/usr/bin/env python3
"""handlers/dynamodb_stream.cpp end to end: the DynamoDB Streams samples and crafted batches in,
the exact batchItemFailures answer and the exact summary logged for each record out, every
expectation computed here from the event with Python's json; then malformed, truncated and
wrong-source events, each a failure posted to /error while the loop goes on."""

import json
import os
import re
import sys
from decimal import Decimal

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

HANDLER = 'dynamodb_stream'
NUMBER = re.compile(r'-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?')
NAMES = ('INSERT', 'MODIFY', 'REMOVE')
INVALID_EVENT = 'Function.InvalidEvent'
INVALID_INPUT = 'Function.InvalidInput'


def samples(*types):
    """(path, bytes) of every sample whose INDEX.tsv event type is one of types."""
    found = []
    with open(os.path.join(harness.EVENTS_DIR, 'INDEX.tsv'), encoding='utf-8') as f:
        next(f)
        for line in f:
            fields = line.rstrip('\n').split('\t')
            if fields[3] in types:
                with open(os.path.join(harness.EVENTS_DIR, fields[0]), 'rb') as sample:
                    found.append((fields[0], sample.read()))
    return found


def number(text):
    """A DynamoDB number's text as Python reads the JSON number the handler writes."""
    return json.loads(text, parse_float=Decimal)


def render_key(value):
    """A key attribute as the summary shows it, or None when it is no valid S, N or B."""
    if not isinstance(value, dict) or len(value) != 1:
        return None
    (descriptor, inner), = value.items()
    if not isinstance(inner, str):
        return None
    if descriptor in ('S', 'B'):
        return inner
    if descriptor == 'N' and NUMBER.fullmatch(inner):
        return number(inner)
    return None


def changed(new, old):
    """NewImage's attributes that OldImage lacks or holds differently, then OldImage's that
    NewImage lacks. Events here are written consistently, so equal JSON is equal text."""
    new = new if isinstance(new, dict) else {}
    old = old if isinstance(old, dict) else {}
    names = [name for name, value in new.items() if name not in old or json.dumps(old[name]) != json.dumps(value)]
    return names + [name for name in old if name not in new]


def expected(event):
    """(batch item failures, log records) the handler gives for a valid DynamoDB batch: a
    record is (level, message) with message a parsed summary (INFO) or a text (WARN)."""
    failures, records = [], []
    for record in event['Records']:
        change = record['dynamodb']
        sequence = change['SequenceNumber']
        keys = change.get('Keys')
        why = None
        if record.get('eventName') not in NAMES:
            why = 'eventName is not INSERT, MODIFY or REMOVE'
        elif not isinstance(keys, dict) or not keys:
            why = 'no Keys'
        else:
            rendered = {name: render_key(value) for name, value in keys.items()}
            if any(value is None for value in rendered.values()):
                why = 'a key attribute is not a valid S, N or B'
        if why:
            failures.append(sequence)
            records.append(('WARN', f'record {sequence} not processed: {why}'))
        else:
            records.append(('INFO', {'sequenceNumber': sequence, 'event': record['eventName'], 'keys': rendered,
                                     'changed': changed(change.get('NewImage'), change.get('OldImage'))}))
    return failures, records


def record(sequence, name='INSERT', keys=None, new=None, old=None, **extra):
    """One DynamoDB Streams record; keys, new and old are attribute maps (None: absent)."""
    change = {'ApproximateCreationDateTime': 1700000000, 'SequenceNumber': sequence, 'SizeBytes': 42,
              'StreamViewType': 'NEW_AND_OLD_IMAGES'}
    for member, value in (('Keys', keys), ('NewImage', new), ('OldImage', old)):
        if value is not None:
            change[member] = value
    body = {'eventID': f'id-{sequence}', 'eventName': name, 'eventVersion': '1.1', 'eventSource': 'aws:dynamodb',
            'awsRegion': 'eu-west-1', 'dynamodb': change,
            'eventSourceARN': 'arn:aws:dynamodb:eu-west-1:123456789012:table/T/stream/2024-01-01T00:00:00.000'}
    body.update(extra)
    return body


def batch(*records):
    return json.dumps({'Records': list(records)}).encode()


class DynamodbStream(harness.IntegrationCase):
    def run_event(self, session, event):
        """Submit a valid batch; check the answer and the records logged for it, exactly."""
        invocation = session.submit(event)
        failures, records = expected(json.loads(event))
        result = self.assert_response(invocation, content_type='application/json')
        self.assertEqual(result.json(), {'batchItemFailures': [{'itemIdentifier': s} for s in failures]})
        logged = self.logged(session, invocation, len(records))
        self.assertEqual(logged, records)
        for (level, got), (_, want) in zip(logged, records):
            if level == 'INFO':  # dicts compare equal in any order: the keys come in the event's
                self.assertEqual(list(got['keys']), list(want['keys']))
        return result, logged

    def logged(self, session, invocation, count):
        """The (level, message) records logged for the invocation, INFO summaries parsed."""
        request_id = invocation.request_id.encode()

        def mine(lines):
            found = []
            for line in lines:
                match = harness.LOG_LINE.fullmatch(line.rstrip(b'\n'))
                if match and match['id'] == request_id and match['level'] in (b'INFO', b'WARN'):
                    found.append(match)
            return found
        session.stderr.wait_until(lambda lines: len(mine(lines)) >= count)
        records = []
        for match in mine(session.stderr.lines):
            message = match['message'].decode()
            if match['level'] == b'INFO':
                message = json.loads(message, parse_float=Decimal)
            records.append((match['level'].decode(), message))
        return records

    def test_samples(self):
        session = self.start(HANDLER)
        found = samples('dynamodb-streams', 'dynamodb-streams-tumbling-window')
        self.assertGreaterEqual(len(found), 6)
        for path, event in found:
            with self.subTest(sample=path):
                self.run_event(session, event)
        # One exactly, spelled out: the MODIFY of aws-lambda-java-libs' sample.
        event = dict(found)['aws-lambda-java-libs/ddb/dynamo_event.json']
        invocation = session.submit(event)
        self.assert_response(invocation, b'{"batchItemFailures":[]}')
        self.assertEqual(self.logged(session, invocation, 3)[1],
                         ('INFO', {'sequenceNumber': '4421584500000000017450439092', 'event': 'MODIFY',
                                   'keys': {'Id': 101}, 'changed': ['Message']}))

    def test_changes_and_partial_failures(self):
        session = self.start(HANDLER)
        big = '9' * 38
        records = [
            record('100', keys={'Id': {'N': '1'}}, new={'Id': {'N': '1'}, 'a': {'S': 'x'}}),
            record('18446744073709551616', 'MODIFY', keys={'Id': {'N': big}},
                   new={'Id': {'N': big}, 'same': {'L': [{'S': 'a'}, {'M': {'k': {'BOOL': True}}}]},
                        'changed': {'SS': ['a', 'b']}, 'added': {'NULL': True}},
                   old={'Id': {'N': big}, 'same': {'L': [{'S': 'a'}, {'M': {'k': {'BOOL': True}}}]},
                        'changed': {'SS': ['b', 'a']}, 'removed': {'B': 'AAE='}}),
            record('300', 'REMOVE', keys={'pk': {'S': 'user#1'}, 'sk': {'N': '-12.50'}},
                   old={'pk': {'S': 'user#1'}, 'sk': {'N': '-12.50'}, 'x': {'NS': ['1', '2']}}),
            record('400', 'MODIFY', keys={'bin': {'B': 'AAEqQQ=='}}),  # KEYS_ONLY: nothing to compare
            record('500', keys=None, new={'a': {'S': 'no keys'}}),
            record('600', keys={}),
            record('700', 'UPDATE', keys={'Id': {'N': '7'}}),
            record('800', keys={'Id': {'BOOL': True}}),
            record('900', keys={'Id': {'N': '12abc'}}),
            record('1000', keys={'Id': {'S': 'ok'}, 'other': {'M': {}}}),
            record('1100', keys={'Id': {'S': 'a', 'N': '1'}}),
            record('1200', keys={'Id': {'S': 1}}),
            record('1300', 'insert', keys={'Id': {'S': 'case matters'}}),
        ]
        result, logged = self.run_event(session, batch(*records))
        # The expectations, computed above, spelled out once.
        self.assertEqual([f['itemIdentifier'] for f in result.json()['batchItemFailures']],
                         ['500', '600', '700', '800', '900', '1000', '1100', '1200', '1300'])
        self.assertEqual(logged[1], ('INFO', {'sequenceNumber': '18446744073709551616', 'event': 'MODIFY',
                                               'keys': {'Id': int(big)}, 'changed': ['changed', 'added', 'removed']}))
        self.assertEqual(logged[2][1]['keys'], {'pk': 'user#1', 'sk': Decimal('-12.50')})
        self.assertEqual(logged[2][1]['changed'], ['pk', 'sk', 'x'])
        self.assertEqual(logged[3][1]['changed'], [])

    def test_names_and_values_needing_escapes(self):
        session = self.start(HANDLER)
        names = ['a.b', 'c:d', 'e f', 'quote"d', 'back\\slash', 'new\nline', 'tab\t', 'é ☃ 😀', '\u0001']
        keys = {name: {'S': f'value of {name}'} for name in names}
        new = dict(keys, **{f'{name}!': {'S': name} for name in names})
        for ascii_only in (True, False):
            with self.subTest(ensure_ascii=ascii_only):
                event = json.dumps({'Records': [record('1', keys=keys, new=new)]}, ensure_ascii=ascii_only)
                self.run_event(session, event.encode())

    def test_batches_of_every_size(self):
        session = self.start(HANDLER)
        self.assert_response(session.submit(b'{"Records":[]}'), b'{"batchItemFailures":[]}')
        for size in (1, 10, 100, 1000):
            with self.subTest(size=size):
                records = [record(str(10**30 + i), NAMES[i % 3], keys={'Id': {'N': str(i)}} if i % 7 else {},
                                  new={'Id': {'N': str(i)}, 'v': {'N': str(i * 2)}} if i % 3 != 2 else None,
                                  old={'Id': {'N': str(i)}, 'v': {'N': str(i)}} if i % 3 else None)
                           for i in range(size)]
                self.run_event(session, batch(*records))

    def test_tumbling_window_and_single_record(self):
        session = self.start(HANDLER)
        event = json.loads(dict(samples('dynamodb-streams-tumbling-window'))[
            'aws-lambda-go/dynamodb-time-window-event.json'])
        event['Records'][1]['dynamodb'].pop('Keys')
        self.run_event(session, json.dumps(event).encode())
        # A record without the Records wrapper is no batch.
        for path, single in samples('dynamodb-streams-record (single record, no Records wrapper)'):
            with self.subTest(sample=path):
                _, document = self.assert_error(session.submit(single), INVALID_EVENT)
                self.assertIn('aws:dynamodb', document['errorMessage'])

    def test_malformed_and_wrong_events_fail_and_the_loop_goes_on(self):
        session = self.start(HANDLER)
        good = batch(record('1', keys={'Id': {'N': '1'}}))
        kinesis = samples('kinesis-streams')[0][1]
        sqs = samples('sqs')[0][1]
        cases = [
            (b'', INVALID_INPUT),
            (b'{"Records":[', INVALID_INPUT),
            (good[:-5], INVALID_INPUT),
            (b'{"Records":[]} x', INVALID_INPUT),
            (b'{"Records":[{"eventSource":"aws:dynamodb",}]}', INVALID_INPUT),
            (b'\xff\xfe', INVALID_INPUT),
            (b'[]', INVALID_EVENT),
            (b'null', INVALID_EVENT),
            (b'"Records"', INVALID_EVENT),
            (b'{}', INVALID_EVENT),
            (b'{"Records":{}}', INVALID_EVENT),
            (b'{"Records":[1]}', INVALID_EVENT),
            (kinesis, INVALID_EVENT),
            (sqs, INVALID_EVENT),
            (batch(record('1', keys={'Id': {'N': '1'}}), record('2', eventSource='aws:kinesis')), INVALID_EVENT),
            (batch(record('1', keys={'Id': {'N': '1'}}), record(None, keys={'Id': {'N': '2'}})), INVALID_EVENT),
            (batch(record('not a number', keys={'Id': {'N': '2'}})), INVALID_EVENT),
        ]
        for event, error_type in cases:
            with self.subTest(event=event[:80]):
                invocation = session.submit(event)
                _, document = self.assert_error(invocation, error_type)
                self.assertTrue(document['errorMessage'])
                self.run_event(session, good)
        self.assertTrue(session.alive())


if __name__ == '__main__':
    harness.main()
