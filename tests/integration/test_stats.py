#!/usr/bin/env python3
"""handlers/stats.cpp, built with -Dlibc=musl only: its figures against Python's
statistics module, its numbers read back exactly, and Function.InvalidInput for
anything but a non-empty array of finite numbers."""

import json
import math
import os
import random
import statistics
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def strict_json(body):
    """The body as JSON, refusing NaN and Infinity, which JSON does not have."""
    def refuse(constant):
        raise ValueError(f'{constant} is not JSON')
    return json.loads(body, parse_constant=refuse)


def expected(values):
    """What the handler should answer, from Python's statistics module."""
    if len(values) == 1:  # statistics.quantiles wants two points at least
        cuts = [values[0]] * 99
    else:
        cuts = statistics.quantiles(values, n=100, method='inclusive')
    return {
        'count': len(values),
        'mean': statistics.fmean(values),
        'stdev': statistics.stdev(values) if len(values) > 1 else None,
        'pstdev': statistics.pstdev(values),
        'min': min(values),
        'max': max(values),
        'p50': cuts[49],
        'p90': cuts[89],
        'p99': cuts[98],
    }


class Stats(harness.IntegrationCase):
    def assert_stats(self, answer, values):
        want = expected(values)
        self.assertEqual(sorted(answer), sorted(want))
        scale = max(abs(v) for v in values) or 1.0
        for key, value in want.items():
            with self.subTest(key=key):
                if value is None or key in ('count', 'min', 'max'):
                    self.assertEqual(answer[key], value)
                else:
                    self.assertTrue(math.isclose(answer[key], value, rel_tol=1e-12, abs_tol=1e-12 * scale),
                                    f'{key}: {answer[key]!r}, Python says {value!r}')

    def test_against_pythons_statistics(self):
        rng = random.Random(7)
        inputs = [
            [3, 1, 2, 10],
            [42],
            [-5, -5, -5],
            list(range(101)),
            [0.1, 0.2, 0.3, 1e-9, -2.5e3],
            [rng.gauss(100, 15) for _ in range(1000)],
            [rng.uniform(-1e12, 1e12) for _ in range(257)],
            [rng.randint(0, 9) for _ in range(50)],
        ]
        session = self.start('stats')
        for values in inputs:
            with self.subTest(values=values[:5], count=len(values)):
                result = self.assert_response(session.submit(json.dumps({'values': values})),
                                              content_type='application/json')
                self.assert_stats(strict_json(result.body), values)

    def test_a_bare_array_and_exact_digits(self):
        """17 significant digits: every double printed reads back as itself."""
        session = self.start('stats')
        values = [0.1, 1 / 3, 2 ** -1074, 1.7976931348623157e308]
        answer = strict_json(self.assert_response(session.submit(json.dumps(values))).body)
        self.assertEqual((answer['count'], answer['min'], answer['max']), (4, 2 ** -1074, 1.7976931348623157e308))
        third = strict_json(self.assert_response(session.submit(b'{"values":[0.3333333333333333]}')).body)
        self.assertEqual((third['mean'], third['p50'], third['p99']), (1 / 3, 1 / 3, 1 / 3))

    def test_overflow_is_null_not_a_bad_number(self):
        session = self.start('stats')
        result = self.assert_response(session.submit(b'{"values":[1e308,-1e308,1e308]}'))
        answer = strict_json(result.body)
        self.assertIsNone(answer['pstdev'])
        self.assertEqual((answer['min'], answer['max']), (-1e308, 1e308))

    def test_invalid_input(self):
        events = [b'{}', b'{"values":[]}', b'[]', b'{"values":"1,2"}', b'{"values":[1,"2"]}',
                  b'{"values":[1,null]}', b'{"values":[true]}', b'{"values":[[1]]}', b'{"values":[1e999]}',
                  b'{"values":[-1e400]}', b'{"values":{"a":1}}', b'{"values":[1,2', b'not json', b'']
        session = self.start('stats')
        invocations = [session.submit(event) for event in events]
        for event, invocation in zip(events, invocations):
            with self.subTest(event=event):
                self.assert_error(invocation, 'Function.InvalidInput')


if __name__ == '__main__':
    harness.main()
