#!/usr/bin/env python3
"""Prints the closing line of a test run from Meson's testlog.json files.

Each Meson test counts once per build: a unit binary, an integration file or a
size check; a build whose log is missing (it did not build) counts as one
failure. usage: test_summary.py TESTLOG.json [TESTLOG.json ...]
"""
import json
import sys


def main() -> int:
    passed = failed = skipped = 0
    for path in sys.argv[1:]:
        try:
            log = open(path)
        except FileNotFoundError:
            print(f'{path}: missing, the build failed', file=sys.stderr)
            failed += 1
            continue
        with log:
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
