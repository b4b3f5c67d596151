#!/usr/bin/env python3
"""Copy an ELF64 executable without its section headers, adding the
PT_GNU_STACK program header that linker/wisp.ld leaves half-made.

The kernel loads executables by their program headers; the section header
table and the section names after the last segment are only for tools. This
drops them (as ELFkickers' sstrip does) and cuts the file after the last
loaded byte.

The linker script writes only a PT_LOAD header, followed by the type and
flags of a PT_GNU_STACK header as the first bytes of the code. Counting that
as a second header (e_phnum + 1) completes it: the kernel reads nothing of a
PT_GNU_STACK header but its type and flags, so its other fields may be the
code's bytes. An executable linked with GNU ld's default script (-Dlibc=musl)
has a whole PT_GNU_STACK header already and gets none added.

usage: strip_sections.py INPUT OUTPUT
"""
import os
import struct
import sys

PT_LOAD, PT_GNU_STACK, PF_R, PF_W = 1, 0x6474e551, 4, 2


def strip(data: bytes) -> bytes:
    if data[:4] != b'\x7fELF' or data[4] != 2 or data[5] != 1:
        raise SystemExit('strip_sections: not a little-endian ELF64 file')
    phoff, = struct.unpack_from('<Q', data, 0x20)
    phentsize, phnum = struct.unpack_from('<HH', data, 0x36)
    end = phoff + phentsize * phnum
    types = [struct.unpack_from('<I', data, phoff + i * phentsize)[0] for i in range(phnum)]
    # GNU ld's own script (-Dlibc=musl) writes a whole PT_GNU_STACK header.
    added = PT_GNU_STACK not in types
    if added and struct.unpack_from('<II', data, end) != (PT_GNU_STACK, PF_R | PF_W):
        raise SystemExit('strip_sections: no PT_GNU_STACK type and flags after the program headers')
    for i in range(phnum):
        p_type, _, p_offset = struct.unpack_from('<IIQ', data, phoff + i * phentsize)
        p_filesz, = struct.unpack_from('<Q', data, phoff + i * phentsize + 0x20)
        if p_type == PT_LOAD:
            end = max(end, p_offset + p_filesz)
    out = bytearray(data[:end])
    struct.pack_into('<Q', out, 0x28, 0)                # e_shoff
    struct.pack_into('<HHHH', out, 0x38, phnum + added, 0, 0, 0)  # e_phnum, e_shentsize, e_shnum, e_shstrndx
    return bytes(out)


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit(__doc__.strip().splitlines()[-1])
    with open(sys.argv[1], 'rb') as f:
        data = f.read()
    with open(sys.argv[2], 'wb') as f:
        f.write(strip(data))
    os.chmod(sys.argv[2], 0o755)


if __name__ == '__main__':
    main()
