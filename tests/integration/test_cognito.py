#!/usr/bin/env python3
"""handlers/cognito_presignup.cpp end to end: Cognito's PreSignUp samples and crafted events in,
the event back out with its "response" replaced (byte for byte everywhere else, checked against a
span Python's own JSON scanner finds), and failures for malformed events and other sources, with
the loop going on after each."""

import json
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

HANDLER = 'cognito_presignup'
CONFIRMED = b'{"autoConfirmUser":true,"autoVerifyEmail":true,"autoVerifyPhone":false}'
AS_USUAL = b'{"autoConfirmUser":false,"autoVerifyEmail":false,"autoVerifyPhone":false}'
WHITESPACE = re.compile(r'[ \t\n\r]*')


def samples(prefix):
    """Paths of the samples whose INDEX.tsv event type starts with prefix."""
    with open(os.path.join(harness.EVENTS_DIR, 'INDEX.tsv'), encoding='utf-8') as f:
        next(f)
        rows = [line.rstrip('\n').split('\t') for line in f]
    return [os.path.join(harness.EVENTS_DIR, row[0]) for row in rows if row[3].startswith(prefix)]


def read(path):
    with open(path, 'rb') as f:
        return f.read()


def response_span(text):
    """(start, end) of the top-level "response" value in the JSON object text (str), or None."""
    decoder = json.JSONDecoder()
    i = WHITESPACE.match(text, text.index('{') + 1).end()
    while text[i] != '}':
        key, i = json.decoder.scanstring(text, i + 1)
        i = WHITESPACE.match(text, i).end()
        assert text[i] == ':'
        start = WHITESPACE.match(text, i + 1).end()
        _, end = decoder.raw_decode(text, start)
        if key == 'response':
            return start, end
        i = WHITESPACE.match(text, end).end()
        if text[i] == ',':
            i = WHITESPACE.match(text, i + 1).end()
    return None


def answer_for(event, response):
    """What Cognito must get back: the event (without the whitespace around it) with the value
    of "response" replaced, or a "response" member added before the closing brace."""
    text = event.decode('utf-8').strip(' \t\n\r')
    span = response_span(text)
    if span is None:
        before = text[:-1]
        comma = ',' if json.loads(text) else ''
        return (before + comma + '"response":').encode() + response + b'}'
    return text[:span[0]].encode() + response + text[span[1]:].encode()


def trusted(email, domain):
    """The handler's rule, written again: the domain after the last '@', ignoring ASCII case."""
    if not isinstance(email, str):
        return False
    local, at, host = email.encode().rpartition(b'@')
    return bool(at) and bool(local) and host.lower() == domain.encode().lower()  # bytes: ASCII case only


def pre_sign_up(email=None, response=b'{}', extra=b''):
    """A crafted PreSignUp event; email None leaves the attribute out, extra goes into the
    request after userAttributes, response None leaves the member out."""
    attributes = {} if email is None else {'email': email}
    head = (b'{"version":"1","triggerSource":"PreSignUp_SignUp","region":"eu-west-1",'
            b'"userPoolId":"eu-west-1_Ab12","userName":"ada","callerContext":{"awsSdkVersion":"js","clientId":"c1"},'
            b'"request":{"userAttributes":' + json.dumps(attributes).encode() + extra + b'}')
    return head + (b'' if response is None else b',"response":' + response) + b'}'


class CognitoPreSignUp(harness.IntegrationCase):
    def assert_answer(self, invocation, event, response):
        """The answer is answer_for(event, response) exactly, and reads back as the event with the
        new response."""
        result = self.assert_response(invocation, answer_for(event, response), 'application/json')
        answer = json.loads(result.body)
        original = json.loads(event)
        self.assertEqual(answer['response'], json.loads(response))
        self.assertEqual([k for k in answer if k != 'response'], [k for k in original if k != 'response'])
        for key in original:
            if key != 'response':
                self.assertEqual(answer[key], original[key])
        return answer

    def test_real_presignup_samples(self):
        paths = samples('cognito-userpool-trigger (PreSignUp')
        self.assertEqual(len(paths), 3)
        session = self.start(HANDLER, extra_env={'AUTO_CONFIRM_DOMAIN': 'example.com'})
        events = [read(path) for path in paths]
        invocations = [session.submit(event) for event in events]
        confirmed = 0
        for path, event, invocation in zip(paths, events, invocations):
            with self.subTest(sample=os.path.relpath(path, harness.EVENTS_DIR)):
                email = json.loads(event)['request']['userAttributes'].get('email')
                expected = CONFIRMED if trusted(email, 'example.com') else AS_USUAL
                confirmed += expected == CONFIRMED
                self.assert_answer(invocation, event, expected)
        self.assertEqual(confirmed, 1)  # user@example.com; "<email>" in the other two

    def test_domain_rule(self):
        domain = 'corp.example'
        emails = ['ada@corp.example', 'Ada@CORP.Example', 'ada@sub.corp.example', 'ada@corp.example.evil',
                  'ada@evilcorp.example', '@corp.example', 'corp.example', 'a@b@corp.example', 'ada@', '',
                  'ad\u00e9@corp.example', 'ada@corp.exampl\u00e9']
        session = self.start(HANDLER, extra_env={'AUTO_CONFIRM_DOMAIN': domain})
        events = [pre_sign_up(email) for email in emails]
        invocations = [session.submit(event) for event in events]
        for email, event, invocation in zip(emails, events, invocations):
            with self.subTest(email=email):
                self.assert_answer(invocation, event, CONFIRMED if trusted(email, domain) else AS_USUAL)

    def test_escaped_email_and_other_bytes_kept(self):
        session = self.start(HANDLER, extra_env={'AUTO_CONFIRM_DOMAIN': 'corp.example'})
        event = pre_sign_up(None, extra=b',"clientMetadata":{"note":"caf\xc3\xa9 \\u00e9 \\"q\\""}')
        event = event.replace(b'"userAttributes":{}', b'"userAttributes":{"email":"ada\\u0040corp.example"}')
        answer = self.assert_answer(session.submit(event), event, CONFIRMED)
        self.assertEqual(answer['request']['clientMetadata']['note'], 'café é "q"')

    def test_default_domain_and_missing_email(self):
        session = self.start(HANDLER, extra_env={'AUTO_CONFIRM_DOMAIN': ''})
        cases = [(pre_sign_up('user@example.com'), CONFIRMED), (pre_sign_up(None), AS_USUAL),
                 (pre_sign_up(None).replace(b'"userAttributes":{}', b'"userAttributes":{"email":7}'), AS_USUAL)]
        invocations = [session.submit(event) for event, _ in cases]
        for (event, response), invocation in zip(cases, invocations):
            with self.subTest(event=event):
                self.assert_answer(invocation, event, response)

    def test_response_anywhere_or_absent(self):
        session = self.start(HANDLER)
        base = json.loads(pre_sign_up('ada@example.com'))
        del base['response']
        first = {'response': {'autoConfirmUser': False}, **base}
        cases = [
            pre_sign_up('ada@example.com', response=None),                        # absent: added
            json.dumps(first).encode(),                                           # first
            json.dumps(first, indent=2).encode(),                                 # pretty
            b'\n\t ' + pre_sign_up('ada@example.com', response=b' \n null \t') + b' \r\n',  # whitespace
            pre_sign_up('ada@example.com', response=b'"text"'),                   # a string
        ]
        invocations = [session.submit(event) for event in cases]
        for event, invocation in zip(cases, invocations):
            with self.subTest(event=event):
                self.assert_answer(invocation, event, CONFIRMED)

    def test_wrong_sources_and_malformed_events(self):
        session = self.start(HANDLER)
        pre_sign_ups = samples('cognito-userpool-trigger (PreSignUp')
        others = [read(path) for path in samples('cognito-userpool-trigger (') if path not in pre_sign_ups]
        not_cognito = [read(samples('eventbridge-scheduled')[0]), read(samples('sqs')[0]), b'[]', b'{}', b'"x"',
                       pre_sign_up('a@example.com').replace(b'"triggerSource":"PreSignUp_SignUp"',
                                                            b'"triggerSource":7')]
        malformed = [b'', b'{', b'{"triggerSource":', pre_sign_up('a@example.com')[:-1], b'not json',
                     pre_sign_up('a@example.com') + b'{}']
        good = pre_sign_up('a@example.com')
        cases = ([(e, 'Function.WrongEventSource', 'PreSignUp triggers only') for e in others]
                 + [(e, 'Function.WrongEventSource', 'not a Cognito user pool trigger') for e in not_cognito]
                 + [(e, 'Function.InvalidInput', None) for e in malformed])
        self.assertGreater(len(others), 30)
        invocations = []
        for event, error_type, message in cases:
            invocations.append((session.submit(event), error_type, message))
            invocations.append((session.submit(good), None, None))  # the loop goes on
        for invocation, error_type, message in invocations:
            if error_type is None:
                self.assert_answer(invocation, good, CONFIRMED)
                continue
            _, document = self.assert_error(invocation, error_type)
            if message:
                self.assertIn(message, document['errorMessage'])
            else:
                self.assertTrue(document['errorMessage'])
        self.assertTrue(session.alive())


if __name__ == '__main__':
    harness.main()
