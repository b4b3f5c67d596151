#!/usr/bin/env python3
"""Size budget check: fails when a bootstrap is larger than its budget, and
checks it is a static executable (no program interpreter, no dynamic section).

usage: check.py BUDGET_BYTES BOOTSTRAP
"""
import os
import struct
import sys

PT_DYNAMIC, PT_INTERP = 2, 3


def segment_types(path: str) -> list[int]:
    with open(path, 'rb') as f:
        data = f.read()
    if data[:4] != b'\x7fELF' or data[4] != 2:
        raise SystemExit(f'{path}: not an ELF64 file')
    phoff, = struct.unpack_from('<Q', data, 0x20)
    phentsize, phnum = struct.unpack_from('<HH', data, 0x36)
    return [struct.unpack_from('<I', data, phoff + i * phentsize)[0] for i in range(phnum)]


def main() -> int:
    budget, path = int(sys.argv[1]), sys.argv[2]
    size = os.path.getsize(path)
    types = segment_types(path)
    problems = []
    if size > budget:
        problems.append(f'{size - budget} bytes over budget')
    if PT_INTERP in types:
        problems.append('has a program interpreter')
    if PT_DYNAMIC in types:
        problems.append('has a dynamic section')
    verdict = '; '.join(problems) or 'ok'
    print(f'{os.path.basename(path)}: {size} bytes, budget {budget}: {verdict}')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
