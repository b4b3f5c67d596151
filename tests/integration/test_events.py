#!/usr/bin/env python3
"""Every sample event under WISP_EVENTS_DIR through one bootstrap: echo gives each back
byte for byte; hello parses each and greets the right name."""

import json
import os
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

TOTAL_SECONDS = 60


def sample_events():
    """(relative path, bytes) of every .json file under the events folder, sorted."""
    found = []
    for root, dirs, files in os.walk(harness.EVENTS_DIR):
        dirs.sort()
        for name in sorted(files):
            if name.endswith('.json'):
                path = os.path.join(root, name)
                with open(path, 'rb') as f:
                    found.append((os.path.relpath(path, harness.EVENTS_DIR), f.read()))
    return found


def expected_greeting(event):
    """hello's answer for a document: the first "name" member of a top-level object when it
    is a string, else the world."""
    def first_wins(pairs):
        members = {}
        for key, value in pairs:
            members.setdefault(key, value)
        return members
    document = json.loads(event, object_pairs_hook=first_wins)
    name = document.get('name') if isinstance(document, dict) else None
    return {'message': f'Hello, {name if isinstance(name, str) else "world"}!'}


class SampleEvents(harness.IntegrationCase):
    @classmethod
    def setUpClass(cls):
        cls.events = sample_events()

    def test_there_are_events(self):
        self.assertGreaterEqual(len(self.events), 300, f'too few events in {harness.EVENTS_DIR}')

    def run_all(self, handler):
        session = self.start(handler)
        invocations = [session.submit(body) for _, body in self.events]
        deadline = time.monotonic() + TOTAL_SECONDS
        results = []
        for (path, _), invocation in zip(self.events, invocations):
            with self.subTest(event=path):
                results.append(self.answered(invocation, max(0.1, deadline - time.monotonic())))
        self.assertEqual({r.connection for r in session.requests}, {1})
        return results

    def test_echo_gives_every_event_back(self):
        for (path, body), result in zip(self.events, self.run_all('echo')):
            with self.subTest(event=path):
                self.assertEqual(result.kind, 'response')
                self.assertEqual(result.headers.get('Content-Type'), 'application/json')
                self.assertTrue(result.body == body, f'{path}: echoed {len(result.body)} bytes, '
                                f'differing at {harness.first_difference(body, result.body)}')

    def test_hello_parses_every_event(self):
        for (path, body), result in zip(self.events, self.run_all('hello')):
            with self.subTest(event=path):
                self.assertEqual(result.kind, 'response', result.body[:300])
                self.assertEqual(json.loads(result.body), expected_greeting(body))


if __name__ == '__main__':
    harness.main()
