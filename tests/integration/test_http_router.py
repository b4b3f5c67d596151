#!/usr/bin/env python3
"""handlers/http_router.cpp end to end: every sample event under WISP_EVENTS_DIR (the HTTP
ones answered 200, 404 or 405 in their source's response shape, every other one a
Function.InvalidEvent failure), crafted events of each source for each route, base64 bodies,
malformed and non-HTTP events, and the loop going on after each failure.

The test decides the source of a sample from INDEX.tsv, and the answer from its own
model of the router below, independently of the view's detection."""

import base64
import json
import os
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

HANDLER = 'http_router'
TOTAL_SECONDS = 60
SOURCES = {
    'apigw-v1-rest-proxy-request': 'rest_v1',
    'apigw-v2-http-request': 'http_v2',
    'alb-request': 'alb',
    'function-url-request': 'function_url',
}
REASONS = {200: 'OK', 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed'}
KEYS = {
    'rest_v1': {'statusCode', 'headers', 'isBase64Encoded', 'body'},
    'http_v2': {'statusCode', 'headers', 'isBase64Encoded', 'body'},
    'function_url': {'statusCode', 'headers', 'isBase64Encoded', 'body'},
    'alb': {'statusCode', 'statusDescription', 'headers', 'isBase64Encoded', 'body'},
    'alb_multi': {'statusCode', 'statusDescription', 'multiValueHeaders', 'isBase64Encoded', 'body'},
}


def index():
    """(path, event type) of every sample, from INDEX.tsv."""
    with open(os.path.join(harness.EVENTS_DIR, 'INDEX.tsv'), encoding='utf-8') as f:
        next(f)
        return [(fields[0], fields[3]) for fields in (line.rstrip('\n').split('\t') for line in f)]


def version_2(source):
    return source in ('http_v2', 'function_url')


def alb_multi_value(event):
    return isinstance(event.get('multiValueHeaders'), dict)


def first_query(source, event, name):
    """The first value of query parameter name as the router should see it."""
    multi = event.get('multiValueQueryStringParameters') or {}
    single = event.get('queryStringParameters') or {}
    if not version_2(source) and isinstance(multi.get(name), list) and multi[name]:
        value = multi[name][0]
    else:
        value = single.get(name)
    if value is not None and source == 'alb':
        value = urllib.parse.unquote_to_bytes(value.replace('+', ' ')).decode('utf-8')
    return value


def body_bytes(event):
    body = event.get('body')
    if body is None:
        return None
    if event.get('isBase64Encoded') is True:
        try:
            return base64.b64decode(body, validate=True)
        except ValueError:
            return None
    return body.encode('utf-8')


def expected_answer(source, event):
    """(status, body document, Allow or None): the router's answer, modelled here."""
    if version_2(source):
        method, path = event['requestContext']['http'].get('method'), event.get('rawPath')
    else:
        method, path = event.get('httpMethod'), event.get('path')
    path = path or ''
    if path == '/hello':
        allow = 'GET'
    elif path == '/echo':
        allow = 'POST'
    elif path.startswith('/items/') and len(path) > 7 and '/' not in path[7:]:
        allow = 'GET'
    else:
        return 404, {'error': 'Not Found'}, None
    if method != allow:
        return 405, {'error': 'Method Not Allowed'}, allow
    if path == '/hello':
        name = first_query(source, event, 'name')
        return 200, {'hello': 'world' if name is None else name}, None
    if path == '/echo':
        data = body_bytes(event)
        try:
            return 200, {'echo': json.loads(data)}, None
        except (TypeError, ValueError):
            return 400, {'error': 'Bad Request'}, None
    return 200, {'id': path[7:]}, None


class Checks(harness.IntegrationCase):
    def check_answer(self, result, source, event, label):
        """The response document is exactly the shape its source wants, with the answer
        the model expects."""
        self.assertEqual(result.kind, 'response',
                         f'{label}: expected a response, got {result.kind} {result.error_type} {result.body[:300]!r}')
        self.assertEqual(result.headers.get('Content-Type'), 'application/json', label)
        document = result.json()
        status, body, allow = expected_answer(source, event)
        shape = 'alb_multi' if source == 'alb' and alb_multi_value(event) else source
        self.assertEqual(set(document), KEYS[shape], f'{label}: {document}')
        self.assertEqual(document['statusCode'], status, f'{label}: {document}')
        self.assertIs(document['isBase64Encoded'], False, label)
        self.assertEqual(json.loads(document['body']), body, label)
        headers = {'Content-Type': 'application/json'}
        if allow:
            headers['Allow'] = allow
        if shape == 'alb_multi':
            self.assertEqual(document['multiValueHeaders'], {k: [v] for k, v in headers.items()}, label)
        else:
            self.assertEqual(document['headers'], headers, label)
        if source == 'alb':
            self.assertEqual(document['statusDescription'], f'{status} {REASONS[status]}', label)
        return document


class Samples(Checks):
    def test_every_sample(self):
        samples = index()
        events = []
        for path, kind in samples:
            with open(os.path.join(harness.EVENTS_DIR, path), 'rb') as f:
                events.append(f.read())
        session = self.start(HANDLER)
        invocations = [session.submit(body) for body in events]
        deadline = time.monotonic() + TOTAL_SECONDS
        answered = {'response': 0, 'error': 0}
        statuses = set()
        for (path, kind), body, invocation in zip(samples, events, invocations):
            with self.subTest(sample=path):
                result = self.answered(invocation, max(0.1, deadline - time.monotonic()))
                answered[result.kind] = answered.get(result.kind, 0) + 1
                if kind in SOURCES:
                    document = self.check_answer(result, SOURCES[kind], json.loads(body), path)
                    statuses.add(document['statusCode'])
                else:
                    self.assertEqual(result.kind, 'error', f'{path} ({kind}) was answered: {result.body[:200]!r}')
                    self.assertEqual(result.error_type, 'Function.InvalidEvent')
                    self.assert_error_body(result.body, 'Function.InvalidEvent')
        self.assertEqual(answered['response'], 48)
        self.assertEqual(answered['error'], len(samples) - 48)
        self.assertEqual(statuses, {200, 404, 405})  # the samples take all three
        self.assertEqual({r.connection for r in session.requests}, {1})


def craft(source, method, path, query=None, body=None, base64_body=False, multi=False, headers=None):
    """An event of source for method and path; query: list of (name, value) pairs, put
    as each source does (ALB: percent-encoded)."""
    query = query or []
    headers = headers or {'content-type': 'application/json'}
    if source in ('http_v2', 'function_url'):
        domain = ('abc.lambda-url.us-east-1.on.aws' if source == 'function_url'
                  else 'id.execute-api.us-east-1.amazonaws.com')
        joined = {}
        for name, value in query:
            joined[name] = joined[name] + ',' + value if name in joined else value
        event = {
            'version': '2.0', 'routeKey': '$default', 'rawPath': path,
            'rawQueryString': urllib.parse.urlencode(query),
            'headers': headers,
            'requestContext': {'accountId': '123456789012', 'apiId': 'id', 'domainName': domain,
                               'domainPrefix': domain.split('.')[0],
                               'http': {'method': method, 'path': path, 'protocol': 'HTTP/1.1',
                                        'sourceIp': '192.0.2.1', 'userAgent': 'test'},
                               'requestId': 'r', 'routeKey': '$default', 'stage': '$default',
                               'time': '01/Jan/2024:00:00:00 +0000', 'timeEpoch': 1704067200000},
            'isBase64Encoded': base64_body,
        }
        if joined:
            event['queryStringParameters'] = joined
    elif source == 'rest_v1':
        single, multiple = {}, {}
        for name, value in query:
            single[name] = value
            multiple.setdefault(name, []).append(value)
        event = {
            'resource': '/{proxy+}', 'path': path, 'httpMethod': method,
            'headers': headers, 'multiValueHeaders': {k: [v] for k, v in headers.items()},
            'queryStringParameters': single or None, 'multiValueQueryStringParameters': multiple or None,
            'pathParameters': None, 'stageVariables': None,
            'requestContext': {'accountId': '123456789012', 'apiId': 'id', 'httpMethod': method, 'path': path,
                               'requestId': 'r', 'resourcePath': '/{proxy+}', 'stage': 'prod',
                               'identity': {'sourceIp': '192.0.2.1', 'userAgent': 'test'}},
            'isBase64Encoded': base64_body,
        }
    else:
        encoded = [(urllib.parse.quote_plus(n), urllib.parse.quote_plus(v)) for n, v in query]
        event = {'requestContext': {'elb': {'targetGroupArn': 'arn:aws:elasticloadbalancing:tg'}},
                 'httpMethod': method, 'path': path, 'isBase64Encoded': base64_body}
        if multi:
            event['multiValueHeaders'] = {k: [v] for k, v in headers.items()}
            grouped = {}
            for name, value in encoded:
                grouped.setdefault(name, []).append(value)
            event['multiValueQueryStringParameters'] = grouped
        else:
            event['headers'] = headers
            event['queryStringParameters'] = {name: value for name, value in encoded}
    if body is not None:
        event['body'] = body
    return event


CRAFTED_SOURCES = [('rest_v1', False), ('http_v2', False), ('function_url', False), ('alb', False), ('alb', True)]


class CraftedEvents(Checks):
    def run_cases(self, cases):
        """cases: (label, source, event, expected status); each answered as modelled."""
        session = self.start(HANDLER)
        invocations = [session.submit(json.dumps(event)) for _, _, event, _ in cases]
        for (label, source, event, status), invocation in zip(cases, invocations):
            with self.subTest(case=label):
                document = self.check_answer(self.answered(invocation), source, event, label)
                self.assertEqual(document['statusCode'], status, label)
        return session

    def test_every_route_from_every_source(self):
        cases = []
        for source, multi in CRAFTED_SOURCES:
            tag = source + (' multi' if multi else '')
            def add(label, status, *args, **kwargs):
                cases.append((f'{tag}: {label}', source, craft(source, *args, multi=multi, **kwargs), status))
            add('hello', 200, 'GET', '/hello')
            add('hello Ada', 200, 'GET', '/hello', query=[('name', 'Ada')])
            add('hello, first of two', 200, 'GET', '/hello', query=[('name', 'Ada'), ('name', 'Grace')]
                if source not in ('http_v2', 'function_url') else [('name', 'Ada')])
            add('hello with escapes', 200, 'GET', '/hello', query=[('name', 'Émile "Z" & <b>\\ ☃')])
            add('hello with spaces and plus', 200, 'GET', '/hello', query=[('name', 'a b+c%')])
            add('hello, wrong method', 405, 'POST', '/hello')
            add('echo', 200, 'POST', '/echo', body='{"a": [1, 2.5, null, "x\\u00e9"], "b": {}}')
            add('echo a string', 200, 'POST', '/echo', body='"just text"')
            add('echo base64', 200, 'POST', '/echo', body=base64.b64encode(b'{"bin": true}').decode(),
                base64_body=True)
            add('echo bad JSON', 400, 'POST', '/echo', body='{"a": 1,}')
            add('echo truncated JSON', 400, 'POST', '/echo', body='{"a": [1')
            add('echo no body', 400, 'POST', '/echo')
            add('echo bad base64', 400, 'POST', '/echo', body='not base64!', base64_body=True)
            add('echo base64 of bad JSON', 400, 'POST', '/echo', body=base64.b64encode(b'{nope').decode(),
                base64_body=True)
            add('echo, wrong method', 405, 'GET', '/echo')
            add('item', 200, 'GET', '/items/42')
            add('item, odd id', 200, 'GET', '/items/a%20b-"c"')
            add('item, wrong method', 405, 'DELETE', '/items/42')
            add('items without id', 404, 'GET', '/items/')
            add('items too deep', 404, 'GET', '/items/1/2')
            add('unknown path', 404, 'GET', '/nope')
            add('root', 404, 'GET', '/')
            add('case matters', 404, 'GET', '/Hello')
        self.run_cases(cases)

    def test_answers_in_full(self):
        """Two exact documents, byte for byte after parsing: an ALB 405 and a 2.0 hello."""
        session = self.start(HANDLER)
        alb = session.submit(json.dumps(craft('alb', 'PUT', '/echo', multi=True)))
        v2 = session.submit(json.dumps(craft('http_v2', 'GET', '/hello', query=[('name', 'Ada')])))
        self.assertEqual(self.answered(alb).json(), {
            'multiValueHeaders': {'Content-Type': ['application/json'], 'Allow': ['POST']},
            'statusCode': 405, 'statusDescription': '405 Method Not Allowed', 'isBase64Encoded': False,
            'body': '{"error":"Method Not Allowed"}'})
        self.assertEqual(self.answered(v2).json(), {
            'headers': {'Content-Type': 'application/json'}, 'statusCode': 200, 'isBase64Encoded': False,
            'body': '{"hello":"Ada"}'})

    def test_echo_of_a_large_body(self):
        big = json.dumps({'fill': harness.fill(1 << 20).decode(), 'quote': '"\\'})
        cases = []
        for source, multi in CRAFTED_SOURCES:
            event = craft(source, 'POST', '/echo', body=big, multi=multi)
            cases.append((f'{source} {multi}', source, event, 200))
        self.run_cases(cases)


class Failures(Checks):
    def test_malformed_and_non_http_events_fail_and_the_loop_goes_on(self):
        session = self.start(HANDLER)
        hello = json.dumps(craft('http_v2', 'GET', '/hello', query=[('name', 'after')]))
        bad = [
            (b'{"httpMethod":"GET","requestContext":{}', 'truncated JSON'),
            (b'{"httpMethod":"GET",,"requestContext":{}}', 'malformed JSON'),
            (b'not json', 'malformed JSON'),
            (b'', 'malformed JSON'),
            (b'{"Records":[{"eventSource":"aws:sqs","body":"x"}]}', 'not an API Gateway, ALB or function URL request'),
            (b'{"httpMethod":"GET","requestContext":{"connectionId":"c"}}',
             'not an API Gateway, ALB or function URL request'),
            (b'[1,2,3]', 'not an API Gateway, ALB or function URL request'),
            (b'{"version":"2.0","type":"REQUEST","routeArn":"arn","requestContext":{"http":{}}}',
             'not an API Gateway, ALB or function URL request'),
        ]
        invocations = []
        for event, _ in bad:
            invocations.append(session.submit(event))
            invocations.append(session.submit(hello))
        for i, (event, message) in enumerate(bad):
            with self.subTest(event=event):
                _, document = self.assert_error(invocations[2 * i], 'Function.InvalidEvent')
                self.assertEqual(document['errorMessage'], message)
                after = self.answered(invocations[2 * i + 1])
                self.assertEqual(after.kind, 'response')
                self.assertEqual(json.loads(after.json()['body']), {'hello': 'after'})
        self.assertTrue(session.alive())


if __name__ == '__main__':
    harness.main()
