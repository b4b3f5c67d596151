#!/usr/bin/env python3
"""Prints the closing line of a test run from Meson's testlog.json.

Each Meson test counts once: a unit binary, an integration file or a size
check. usage: test_summary.py TESTLOG.json
"""
import json
import sys


def main() -> int:
    passed = failed = skipped = 0
    with open(sys.argv[1]) as log:
        for line in log:
            result = json.loads(line)['result']
            if result in ('OK', 'EXPECTEDFAIL'):
                passed += 1
            elif result == 'SKIP':
                skipped += 1
            else:
                failed += 1
    tail = f', {skipped} skipped' if skipped else ''
    print(f'{passed} passed, {failed} failed{tail}')
    return 1 if failed or not passed else 0


if __name__ == '__main__':
    sys.exit(main())
