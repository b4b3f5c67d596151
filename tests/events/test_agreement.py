#!/usr/bin/env python3
"""Field-by-field agreement between wisp's event views and Python's json module.

events-dump (tests/events/dump_main.cpp and one dump_*.cpp per source) reads each sample
through the views and prints every accessor's result with the JSON path it stands for. This
test reads the same file with json.loads, follows each path and compares; then it checks that
every leaf of the sample was read by some accessor (or declared opaque), inside documents
the views decode ('#gunzip', '#json') too, that every sample of
every supported source was read, and that no sample the views reject goes unnoticed."""

import base64
import gzip
import json
import os
import re
import subprocess
import sys
import unittest
import urllib.parse

DUMP = os.environ.get('WISP_EVENTS_DUMP', '')
EVENTS_DIR = os.environ.get('WISP_EVENTS_DIR', os.path.join(os.path.dirname(__file__), '..', '..', '..', 'shared',
                                                           'events'))

# The sources issue 4 names, as INDEX.tsv spells their event types (a trailing space and
# parenthesis stands for every variant of that type).
REQUIRED_TYPES = [
    'apigw-v1-rest-proxy-request', 'apigw-v2-http-request', 'alb-request', 'function-url-request', 'sqs', 'sns',
    's3-notification', 'dynamodb-streams', 'kinesis-streams', 'eventbridge (', 'eventbridge-scheduled',
    'cloudwatch-logs', 'cognito-userpool-trigger (',
]

MISSING = object()
NUMBER = re.compile(r'-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?')


def index():
    rows = []
    with open(os.path.join(EVENTS_DIR, 'INDEX.tsv'), encoding='utf-8') as f:
        next(f)
        for line in f:
            fields = line.rstrip('\n').split('\t')
            rows.append((fields[0], fields[3]))
    return rows


def dumpers():
    out = subprocess.run([DUMP, '--list'], check=True, capture_output=True, text=True).stdout
    return {fields[0]: fields[1:] for fields in (line.split('\t') for line in out.splitlines())}


# Decodings whose result is a document of its own: its leaves must be read too.
EXPANDING = ('#gunzip', '#json')


def decode(step, value):
    if step == '#base64':
        return base64.b64decode(value, validate=True)
    if step == '#gunzip':
        return json.loads(gzip.decompress(base64.b64decode(value, validate=True)))
    if step == '#json':
        return json.loads(value)
    if step == '#unquote_plus':
        return urllib.parse.unquote_to_bytes(value.replace('+', ' '))
    raise AssertionError(f'unknown decoding {step}')


def follow(document, path):
    """The value at path (with '#' decodings applied) and the path it was read from: '#ci'
    resolved to the key it found, decodings kept as segments."""
    value, base, i = document, [], 0
    while i < len(path):
        step = path[i]
        i += 1
        if value is MISSING:
            break
        if step == '#ci':
            name = path[i]
            i += 1
            found = [k for k in value if k.lower() == name.lower()] if isinstance(value, dict) else []
            value = value[found[0]] if found else MISSING
            if found:
                base.append(found[0])
        elif isinstance(step, str) and step.startswith('#'):
            value = decode(step, value) if isinstance(value, (str, bytes)) else MISSING
            base.append(step)
        elif isinstance(step, int):
            value = value[step] if isinstance(value, list) and step < len(value) else MISSING
            base.append(step)
        else:
            value = value[step] if isinstance(value, dict) and step in value else MISSING
            base.append(step)
    return value, base


def as_bytes(value):
    if isinstance(value, str):
        return value.encode('utf-8')
    return value


def agrees(kind, got, expected):
    """True when the view's answer matches the reference's value."""
    if kind in ('string', 'bytes'):
        if not isinstance(expected, (str, bytes)):
            return got is None
        return got is not None and got.encode('latin-1') == as_bytes(expected)
    if kind == 'number':
        if isinstance(expected, bool) or not isinstance(expected, (int, float, str)):
            return got is None
        if isinstance(expected, str):
            return got == expected if NUMBER.fullmatch(expected) else got is None
        return got is not None and json.loads(got) == expected
    if kind == 'bool':
        return got == expected if isinstance(expected, bool) else got is None
    if kind == 'length':
        return got == (len(expected) if isinstance(expected, (list, dict)) else 0)
    if kind == 'json':
        return got is None if expected is MISSING else got is not None and json.loads(got) == expected
    if kind == 'opaque':
        return expected is not MISSING
    raise AssertionError(f'unknown kind {kind}')


def leaves(value, expand, path=()):
    """Every scalar (and empty container) in a document, by path; a string at a path in
    expand (a set of (path, decoding)) is decoded and its own leaves are listed instead."""
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from leaves(item, expand, path + (key,))
    elif isinstance(value, list) and value:
        for i, item in enumerate(value):
            yield from leaves(item, expand, path + (i,))
    else:
        decodings = [step for p, step in expand if p == path]
        if decodings and isinstance(value, str):
            yield from leaves(decode(decodings[0], value), expand, path + (decodings[0],))
        else:
            yield path


def covering(base):
    """The prefix of an emitted path that it covers: up to its first decoding that gives
    bytes rather than a document (what is under it was compared whole)."""
    plain = []
    for step in base:
        if isinstance(step, str) and step.startswith('#') and step not in EXPANDING:
            break
        plain.append(step)
    return tuple(plain)


class Agreement(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.index = index()
        cls.dumpers = dumpers()

    def test_every_required_source_has_a_view(self):
        claimed = [t for types in self.dumpers.values() for t in types]
        for required in REQUIRED_TYPES:
            with self.subTest(source=required):
                if required.endswith('('):
                    variants = {t for _, t in self.index if t.startswith(required)}
                    self.assertTrue(variants, required)
                    self.assertEqual(variants - set(claimed), set(), f'{required}: variants without a view')
                else:
                    self.assertIn(required, claimed)

    def test_every_file_parses(self):
        for path, _ in self.index:
            with self.subTest(sample=path):
                with open(os.path.join(EVENTS_DIR, path), 'rb') as f:
                    json.loads(f.read())
        # Parsing by wisp itself: the "json" dumper reads every sample whole.
        self.assertIn('json', self.dumpers)

    def test_json_reader_reads_every_sample_whole(self):
        self.compare('json', [path for path, _ in self.index])

    def test_views_agree_field_by_field(self):
        totals = {}
        for name, types in sorted(self.dumpers.items()):
            if name == 'json':
                continue
            samples = [p for p, t in self.index if t in types]
            with self.subTest(view=name):
                self.assertTrue(samples, f'{name} claims no sample')
                totals[name] = self.compare(name, samples)
        report = ', '.join(f'{name} {n}' for name, n in sorted(totals.items()))
        print(f'fields compared: {sum(totals.values())} ({report})', file=sys.stderr)

    def compare(self, name, samples):
        """Runs one dumper over samples and checks every line; returns the fields compared."""
        run = subprocess.run([DUMP, name] + [os.path.join(EVENTS_DIR, s) for s in samples], capture_output=True,
                             text=True)
        self.assertEqual(run.stderr, '')
        self.assertEqual(run.returncode, 0)
        outputs = {}
        for line in run.stdout.splitlines():
            entry = json.loads(line)
            if 'sample' in entry:
                current = outputs.setdefault(os.path.relpath(entry['sample'], EVENTS_DIR), [])
            else:
                current.append(entry)
        self.assertEqual(sorted(outputs), sorted(samples))
        total = 0
        for sample in samples:
            with self.subTest(view=name, sample=sample):
                total += self.compare_one(name, sample, outputs[sample])
        return total

    def compare_one(self, name, sample, entries):
        with open(os.path.join(EVENTS_DIR, sample), 'rb') as f:
            document = json.loads(f.read())
        covered, expand = set(), set()
        for entry in entries:
            expected, base = follow(document, entry['path'])
            self.assertTrue(agrees(entry['as'], entry['value'], expected),
                            f'{sample} {entry["path"]} ({entry["as"]}): wisp {entry["value"]!r}, '
                            f'python {expected if expected is not MISSING else "(absent)"!r}')
            for i, step in enumerate(base):
                if step in EXPANDING:
                    expand.add((tuple(base[:i]), step))
            if entry['as'] != 'length' and expected is not MISSING:
                covered.add(covering(base))
        uncovered = [leaf for leaf in leaves(document, expand)
                     if not any(leaf[:len(c)] == c for c in covered)]
        self.assertEqual(uncovered, [], f'{sample}: fields no accessor of the {name} view read')
        self.assertGreater(len(entries), 0)
        return len(entries)

if __name__ == '__main__':
    if not DUMP:
        print('WISP_EVENTS_DUMP is not set', file=sys.stderr)
        sys.exit(2)
    unittest.main(verbosity=1)
