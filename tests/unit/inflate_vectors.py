#!/usr/bin/env python3
"""Test vectors for tests/unit/inflate_test.cpp, written to stdout at test time.

Streams come from Python's zlib and gzip (every level and strategy, several window sizes, over
varied data) or are built bit by bit here (the fixed-code and dynamic-header corner cases); each
stream built here is first checked against zlib, so a vector says what zlib says of it.

The output is binary, little-endian:
  b'D' id:u32 len:u32 bytes                      a data set (the expected output of vectors)
  b'V' kind:u8 error:u8 data:u32 capacity:u32 name:str stream:str
        kind: 0 raw DEFLATE, 1 gzip; error: wisp::inflate::Error (0 none, 1 malformed, 2 truncated,
        3 too_large, 4 checksum); data: the data set it decodes to (NO_DATA for none); capacity:
        the output bound (EXACT: the data set's size); str: len:u32 bytes
"""

import gzip
import io
import random
import struct
import sys
import zlib

NONE, MALFORMED, TRUNCATED, TOO_LARGE, CHECKSUM = range(5)
RAW, GZIP = 0, 1
NO_DATA = EXACT = 0xffffffff

out = sys.stdout.buffer
datasets = {}  # name -> id
raw_data = {}  # name -> bytes


def blob(b):
    return struct.pack('<I', len(b)) + b


def dataset(name, data):
    datasets[name] = len(datasets)
    raw_data[name] = data
    out.write(b'D' + struct.pack('<II', datasets[name], len(data)) + data)


def vector(name, kind, stream, data=None, error=NONE, capacity=EXACT):
    data_id = NO_DATA if data is None else datasets[data]
    out.write(b'V' + struct.pack('<BBII', kind, error, data_id, capacity) + blob(name.encode()) + blob(stream))


def deflate(data, level=6, strategy=zlib.Z_DEFAULT_STRATEGY, wbits=-15, memlevel=8, zdict=None):
    args = (level, zlib.DEFLATED, wbits, memlevel, strategy) + ((zdict,) if zdict else ())
    c = zlib.compressobj(*args)
    return c.compress(data) + c.flush()


def text(n, seed):
    rng = random.Random(seed)
    words = ('the of and to in is that for it as with was on be by this are or from at an which not have but '
             'runtime lambda event handler arena buffer stream header bytes invocation response error deflate '
             'Huffman gzip member window distance literal length block stored fixed dynamic code table').split()
    parts, size = [], 0
    while size < n:
        line = ' '.join(rng.choice(words) for _ in range(rng.randint(3, 14)))
        line = line[0].upper() + line[1:] + rng.choice('.,;:!?') + ('\n' if rng.random() < 0.3 else ' ')
        parts.append(line)
        size += len(line)
    return ''.join(parts).encode()[:n]


def main():
    rng = random.Random(4)
    dataset('empty', b'')
    dataset('one', b'w')
    dataset('text_small', text(5000, 1))
    dataset('text', text(1 << 20, 2))
    block = rng.randbytes(1000)
    dataset('repetitive', b'wisp ' * 20000 + bytes(100000) + block * 100 + b'\xff' * 70000)
    dataset('random', rng.randbytes(1 << 20))
    dataset('binary', b''.join(struct.pack('<IH', i * 7919 % 100003, i % 17) for i in range(20000)))

    strategies = {'default': zlib.Z_DEFAULT_STRATEGY, 'filtered': zlib.Z_FILTERED, 'huffman': zlib.Z_HUFFMAN_ONLY,
                  'rle': zlib.Z_RLE, 'fixed': zlib.Z_FIXED}
    small = ['empty', 'one', 'text_small', 'binary']
    large = ['text', 'repetitive', 'random']
    for name in small + large:
        data = raw_data[name]
        for level in range(10):
            for sname, strategy in strategies.items():
                if name in large and sname != 'default' and level != 6:
                    continue
                vector(f'{name} level {level} {sname}', RAW, deflate(data, level, strategy), name)
    for name in ('text_small', 'binary', 'repetitive'):
        for wbits in (-9, -12):
            vector(f'{name} window 2^{-wbits}', RAW, deflate(raw_data[name], 9, wbits=wbits), name)
        vector(f'{name} memlevel 1', RAW, deflate(raw_data[name], 9, memlevel=1), name)
    # Many small blocks: a flush after every piece ends a block (Z_FULL_FLUSH adds empty stored ones).
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    data = raw_data['text_small']
    pieces = [c.compress(data[i:i + 97]) + c.flush(zlib.Z_FULL_FLUSH if i % 2 else zlib.Z_SYNC_FLUSH)
              for i in range(0, len(data), 97)]
    vector('text_small flushed every 97 bytes', RAW, b''.join(pieces) + c.flush(), 'text_small')

    # gzip members.
    for name in ('empty', 'one', 'text_small', 'binary'):
        for level in (0, 1, 6, 9):
            vector(f'gzip {name} level {level}', GZIP, gzip.compress(raw_data[name], level, mtime=0), name)
    for name in ('text', 'random'):
        vector(f'gzip {name} level 6', GZIP, gzip.compress(raw_data[name], 6, mtime=0), name)
    f = io.BytesIO()
    with gzip.GzipFile('events.json', 'wb', 9, f, mtime=1440442987) as g:
        g.write(raw_data['text_small'])
    vector('gzip with FNAME', GZIP, f.getvalue(), 'text_small')
    z = zlib.compressobj(6, zlib.DEFLATED, 31)
    vector('gzip by zlib wbits=31', GZIP, z.compress(raw_data['binary']) + z.flush(), 'binary')
    every = gzip_member(raw_data['text_small'], extra=b'AB\x04\x00wisp', name=b'a.txt', comment=b'hello', hcrc=True)
    vector('gzip with FEXTRA FNAME FCOMMENT FHCRC', GZIP, every, 'text_small')
    vector('gzip with an empty FEXTRA', GZIP, gzip_member(b'w', extra=b''), 'one')
    half = len(raw_data['text_small']) // 2
    two = (gzip.compress(raw_data['text_small'][:half], mtime=0) +
           gzip_member(raw_data['text_small'][half:], name=b'b', hcrc=True))
    vector('gzip two members', GZIP, two, 'text_small')
    vector('gzip a member and an empty one', GZIP, gzip.compress(b'w', mtime=0) + gzip.compress(b'', mtime=0), 'one')
    vector('gzip trailing zeros', GZIP, gzip.compress(b'w', mtime=0) + bytes(5), 'one')

    # gzip errors.
    member = gzip.compress(raw_data['text_small'], mtime=0)
    vector('gzip bad CRC-32', GZIP, flip(member, len(member) - 8), error=CHECKSUM)
    vector('gzip bad ISIZE', GZIP, flip(member, len(member) - 4), error=CHECKSUM)
    vector('gzip ISIZE off by 2^32', GZIP, member[:-1] + b'\x01', error=CHECKSUM)
    vector('gzip bad header CRC', GZIP, flip(every, every.index(b'hello\0') + 6), error=CHECKSUM)
    vector('gzip bad magic', GZIP, flip(member, 1), error=MALFORMED)
    vector('gzip method 7', GZIP, member[:2] + b'\x07' + member[3:], error=MALFORMED)
    vector('gzip reserved flag', GZIP, member[:3] + b'\x20' + member[4:], error=MALFORMED)
    vector('gzip trailing garbage', GZIP, member + b'\0x', error=MALFORMED)
    vector('not gzip at all', GZIP, b'{"messageType":"DATA_MESSAGE"}', error=MALFORMED)
    vector('gzip of zlib data', GZIP, zlib.compress(b'hello'), error=MALFORMED)
    vector('gzip empty input', GZIP, b'', error=TRUNCATED)
    vector('gzip one byte', GZIP, b'\x1f', error=TRUNCATED)
    vector('gzip header only', GZIP, member[:10], error=TRUNCATED)
    vector('gzip no trailer', GZIP, member[:-8], error=TRUNCATED)
    vector('gzip FNAME without its end', GZIP, b'\x1f\x8b\x08\x08' + bytes(6) + b'name', error=TRUNCATED)
    vector('gzip FEXTRA longer than the input', GZIP, b'\x1f\x8b\x08\x04' + bytes(6) + b'\x10\x00ab',
           error=TRUNCATED)
    # A zip bomb: 16 MiB of zeros in 16 KB stops at the 1 MiB bound.
    vector('gzip bomb', GZIP, gzip.compress(bytes(16 << 20), 9, mtime=0), error=TOO_LARGE, capacity=1 << 20)
    vector('raw bomb', RAW, deflate(bytes(16 << 20), 9), error=TOO_LARGE, capacity=1 << 20)

    # A stream that refers to a preset dictionary: distance too far back.
    vector('distance before the start (zdict)', RAW, deflate(b'hello, hello world', zdict=b'hello world'),
           error=MALFORMED)
    crafted()


def gzip_member(data, extra=None, name=None, comment=None, hcrc=False):
    flags = (4 if extra is not None else 0) | (8 if name else 0) | (16 if comment else 0) | (2 if hcrc else 0)
    header = b'\x1f\x8b\x08' + bytes([flags]) + struct.pack('<I', 1440442987) + b'\x00\x03'
    if extra is not None:
        header += struct.pack('<H', len(extra)) + extra
    if name:
        header += name + b'\0'
    if comment:
        header += comment + b'\0'
    if hcrc:
        header += struct.pack('<H', zlib.crc32(header) & 0xffff)
    member = header + deflate(data) + struct.pack('<II', zlib.crc32(data), len(data) & 0xffffffff)
    assert gzip.decompress(member) == data
    return member


def flip(b, i):
    return b[:i] + bytes([b[i] ^ 0x55]) + b[i + 1:]


class Bits:
    """A DEFLATE bit stream: fields least significant bit first, Huffman codes most significant first."""

    def __init__(self):
        self.value, self.n = 0, 0

    def put(self, v, n):
        self.value |= v << self.n
        self.n += n
        return self

    def code(self, code_and_length):
        c, n = code_and_length
        for i in reversed(range(n)):
            self.put(c >> i & 1, 1)
        return self

    def bytes(self):
        return self.value.to_bytes((self.n + 7) // 8, 'little')


def canonical(lengths):
    """symbol -> (code, length) of the canonical code with these lengths (RFC 1951 3.2.2)."""
    codes, code = {}, 0
    for length in range(1, 16):
        for s, l in enumerate(lengths):
            if l == length:
                codes[s] = (code, length)
                code += 1
        code <<= 1
    return codes


def fixed_literal(s):
    if s < 144:
        return 0x30 + s, 8
    if s < 256:
        return 0x190 + s - 144, 9
    if s < 280:
        return s - 256, 7
    return 0xc0 + s - 280, 8


def fixed(*symbols):
    """A final fixed block: ints are literal/length symbols, ('d', n) distance codes, ('x', v, n) extra bits."""
    b = Bits().put(1, 1).put(1, 2)
    for s in symbols:
        if isinstance(s, tuple) and s[0] == 'd':
            b.code((s[1], 5))
        elif isinstance(s, tuple):
            b.put(s[1], s[2])
        else:
            b.code(fixed_literal(s))
    return b.bytes()


CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]


def dynamic(literal_lengths, distance_lengths, body, cl_lengths=None, cl_symbols=None, hlit=None, hdist=None):
    """A final dynamic block. body(b, lit_codes, dist_codes) writes the data. The code lengths go
    out as plain 0..15 symbols (or cl_symbols: (symbol, extra value, extra bits) triples) in a code
    where every code-length symbol has 5 bits, or cl_lengths."""
    nlit = len(literal_lengths) if hlit is None else hlit
    ndist = len(distance_lengths) if hdist is None else hdist
    if cl_lengths is None:
        cl_lengths = [4] * 13 + [5] * 6  # complete: 13/16 + 6/32
    cl = canonical(cl_lengths)
    order = [cl_lengths[s] for s in CL_ORDER]
    while len(order) > 4 and order[-1] == 0:
        order.pop()
    b = Bits().put(1, 1).put(2, 2).put(nlit - 257, 5).put(ndist - 1, 5).put(len(order) - 4, 4)
    for length in order:
        b.put(length, 3)
    if cl_symbols is None:
        cl_symbols = [(l, 0, 0) for l in list(literal_lengths) + list(distance_lengths)]
    for symbol, extra, bits in cl_symbols:
        b.code(cl[symbol]).put(extra, bits)
    body(b, canonical(literal_lengths), canonical(distance_lengths))
    return b.bytes()


def zlib_says(stream):
    d = zlib.decompressobj(-15)
    try:
        data = d.decompress(stream)
    except zlib.error:
        return None
    assert d.eof, 'a crafted stream must be complete'
    return data


def crafted_vector(name, stream, expect):
    """expect: the bytes zlib must decode, or an error zlib must report too."""
    got = zlib_says(stream)
    if isinstance(expect, bytes):
        assert got == expect, name
        dataset(name, expect)
        vector(name, RAW, stream, name)
    else:
        assert got is None, f'{name}: zlib accepts it'
        vector(name, RAW, stream, error=expect)


def crafted():
    a, b = ord('a'), ord('b')
    crafted_vector('fixed: a, then 3 back 1', fixed(a, 257, ('d', 0), 256), b'aaaa')
    crafted_vector('fixed: length 258 (code 285)', fixed(a, 285, ('d', 0), 256), b'a' * 259)
    crafted_vector('fixed: length 227+30 (code 284)', fixed(a, 284, ('x', 30, 5), ('d', 0), 256), b'a' * 258)
    crafted_vector('fixed: literal/length 286', fixed(a, 286, 256), MALFORMED)
    crafted_vector('fixed: literal/length 287', fixed(a, 287, 256), MALFORMED)
    crafted_vector('fixed: distance code 30', fixed(a, b, a, 257, ('d', 30), 256), MALFORMED)
    crafted_vector('fixed: distance code 31', fixed(a, b, a, 257, ('d', 31), 256), MALFORMED)
    crafted_vector('fixed: distance 2 after 1 byte', fixed(a, 257, ('d', 1), 256), MALFORMED)
    crafted_vector('fixed: distance 32768 after 1 byte', fixed(a, 257, ('d', 29), ('x', 8191, 13), 256), MALFORMED)
    crafted_vector('block type 3', Bits().put(1, 1).put(3, 2).put(0, 5).bytes(), MALFORMED)
    crafted_vector('stored: NLEN not the complement', bytes([1, 5, 0, 0xfa, 0xfe]) + b'hello', MALFORMED)
    crafted_vector('stored: empty blocks, then one',
                   bytes([0, 0, 0, 0xff, 0xff, 0, 0, 0, 0xff, 0xff, 1, 2, 0, 0xfd, 0xff]) + b'ab', b'ab')
    crafted_vector('stored after a fixed block', Bits().put(0, 1).put(1, 2).code(fixed_literal(a)).code(
        fixed_literal(256)).put(1, 1).put(0, 2).bytes() + bytes([1, 0, 0xfe, 0xff]) + b'b', b'ab')

    lit = [0] * 286
    lit[a] = lit[b] = lit[256] = lit[257] = 2  # a, b, end, length 3: four codes of 2 bits

    def ab(bits, lc, dc):
        bits.code(lc[a]).code(lc[b]).code(lc[256])

    def ab_match(bits, lc, dc):  # 3 back 2: "aba"
        bits.code(lc[a]).code(lc[b]).code(lc[257]).code(dc.get(1, (0, 1))).code(lc[256])

    crafted_vector('dynamic: literals only, no distance code', dynamic(lit, [0], ab), b'ab')
    crafted_vector('dynamic: one distance code of 1 bit', dynamic(lit, [0, 1], ab_match), b'ababa')
    crafted_vector('dynamic: complete distance code', dynamic(lit, [1, 1], ab_match), b'ababa')
    crafted_vector('dynamic: a match with no distance code', dynamic(lit, [0, 0], ab_match), MALFORMED)
    crafted_vector('dynamic: 287 literal/length codes', dynamic(lit, [1, 1], ab, hlit=287), MALFORMED)
    crafted_vector('dynamic: 31 distance codes', dynamic(lit, [1, 1], ab, hdist=31), MALFORMED)
    over = list(lit)
    over[ord('c')] = 2
    crafted_vector('dynamic: oversubscribed literal/length code', dynamic(over, [1, 1], ab), MALFORMED)
    short = list(lit)
    short[b] = 3
    crafted_vector('dynamic: incomplete literal/length code', dynamic(short, [1, 1], ab), MALFORMED)
    crafted_vector('dynamic: incomplete distance code', dynamic(lit, [2, 2, 2], ab), MALFORMED)
    crafted_vector('dynamic: one distance code of 2 bits', dynamic(lit, [0, 2], ab), MALFORMED)
    no_end = [0] * 286
    no_end[a] = no_end[b] = no_end[257] = no_end[258] = 2
    crafted_vector('dynamic: no end-of-block code', dynamic(no_end, [1, 1], lambda bits, lc, dc: bits.code(lc[a])),
                   MALFORMED)
    crafted_vector('dynamic: oversubscribed code-length code', dynamic(lit, [1, 1], ab, cl_lengths=[1] * 19),
                   MALFORMED)
    crafted_vector('dynamic: incomplete code-length code', dynamic(lit, [1, 1], ab, cl_lengths=[5] * 19),
                   MALFORMED)
    crafted_vector('dynamic: repeat before any length', dynamic(lit, [1, 1], ab, cl_symbols=[(16, 0, 2)]),
                   MALFORMED)
    # 97 zeros, a and b of 2 bits, 157 zeros, 256 of 2 bits, repeated 3 times (257..259), then 138
    # zeros where 28 are left.
    runs = [(18, a - 11, 7), (2, 0, 0), (2, 0, 0), (18, 127, 7), (18, 19 - 11, 7), (2, 0, 0), (16, 0, 2),
            (18, 127, 7)]
    crafted_vector('dynamic: repeat past the last length', dynamic(lit, [1, 1], ab, cl_symbols=runs), MALFORMED)
    runs = [(18, a - 11, 7), (2, 0, 0), (2, 0, 0), (18, 127, 7), (18, 19 - 11, 7), (2, 0, 0), (2, 0, 0),
            (18, 28 - 11, 7), (1, 0, 0), (1, 0, 0)]
    crafted_vector('dynamic: lengths by repeats', dynamic(lit, [1, 1], ab, cl_symbols=runs), b'ab')


if __name__ == '__main__':
    main()
    out.flush()
