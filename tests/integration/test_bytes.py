#!/usr/bin/env python3
"""Bytes of 0x80 and above behave the same on every CPU (plain char is signed on x86_64
and unsigned on aarch64): they pass through bodies, JSON strings, header values and error
messages unchanged, and are never mistaken for control characters or delimiters."""

import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

EVERY_BYTE = bytes(range(256))
HIGH_BYTES = bytes(range(0x80, 0x100))


class HighBytes(harness.IntegrationCase):
    def test_every_byte_value_echoed(self):
        session = self.start('echo')
        bodies = [EVERY_BYTE, EVERY_BYTE[::-1] * 64, HIGH_BYTES + b'\r\n' + HIGH_BYTES, b'\xff' * 9000]
        invocations = [session.submit(body, headers={'Content-Type': 'application/octet-stream'}) for body in bodies]
        for body, invocation in zip(bodies, invocations):
            with self.subTest(first=body[:4], size=len(body)):
                self.assert_response(invocation, body)

    def test_every_byte_value_echoed_chunked(self):
        session = self.start('echo')
        body = EVERY_BYTE * 40
        self.assert_response(session.submit(body, chunked=True, chunk_size=251), body)

    def test_utf8_and_raw_high_bytes_inside_json_strings(self):
        session = self.start('hello')
        # Raw UTF-8 of every length, \u escapes that decode to it, and bytes that are not
        # UTF-8 at all: JSON strings carry them through unchanged (the output is escaped
        # only for quotes, backslashes and control characters).
        cases = [
            (b'{"name":"\xc3\xa9\xe2\x98\x83\xf0\x9f\x98\x80\xdf\xbf"}', b'\xc3\xa9\xe2\x98\x83\xf0\x9f\x98\x80\xdf\xbf'),
            (b'{"name":"\\u00e9\\u2603\\ud83d\\ude00"}', '\u00e9\u2603\U0001f600'.encode()),
            (b'{"name":"' + HIGH_BYTES + b'"}', HIGH_BYTES),
        ]
        for event, name in cases:
            with self.subTest(event=event[:24]):
                result = self.assert_response(session.submit(event), content_type='application/json')
                self.assertEqual(result.body, b'{"message":"Hello, ' + name + b'!"}')

    def test_high_bytes_in_a_header_value_do_not_end_the_head(self):
        # A header value may hold any byte but CR and LF: bytes of 0x80 and above are
        # neither the CR that ends a line nor a control character that breaks it.
        session = self.start('echo')
        context = b'{"custom":{"k":"' + HIGH_BYTES + b'"}}'
        invocation = session.submit(b'{"after":"the head"}', headers={'Lambda-Runtime-Client-Context': context})
        self.assert_response(invocation, b'{"after":"the head"}')

    def test_non_utf8_bytes_in_an_error_message(self):
        # fibonacci's error for a bad n quotes nothing of the event, so use a JSON
        # document whose only string is not UTF-8: the error stays well-formed JSON.
        session = self.start('fibonacci')
        _, document = self.assert_error(session.submit(b'{"n":"\xff\xfe"}'), 'Function.InvalidInput')
        self.assertIsInstance(document['errorMessage'], str)

    def test_high_bytes_in_the_runtime_api_variable_are_refused(self):
        value = '127.0.0.1:9001/caf\u00e9'
        status, _, err = harness.run_to_exit('minimal', value, timeout=5)
        self.assertEqual(status, 1, err)
        self.assertIn(b'AWS_LAMBDA_RUNTIME_API must be', err)
        self.assertIn('caf\u00e9'.encode(), err)


if __name__ == '__main__':
    harness.main()
