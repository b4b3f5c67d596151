#!/usr/bin/env python3
"""Zip a bootstrap for Lambda: one entry named `bootstrap` at the root, with
Unix mode 0755 recorded in the entry, and a fixed timestamp so the same
binary always gives the same zip.

usage: package.py BOOTSTRAP ZIP
"""
import sys
import zipfile


def package(bootstrap: str, archive: str) -> None:
    with open(bootstrap, 'rb') as f:
        data = f.read()
    entry = zipfile.ZipInfo('bootstrap', date_time=(1980, 1, 1, 0, 0, 0))
    entry.create_system = 3  # Unix, so the mode bits are honoured
    entry.external_attr = (0o100755 << 16)  # regular file, rwxr-xr-x
    entry.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(archive, 'w') as z:
        z.writestr(entry, data, compresslevel=9)


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit(__doc__.strip().splitlines()[-1])
    package(sys.argv[1], sys.argv[2])


if __name__ == '__main__':
    main()
