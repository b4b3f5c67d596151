// DEFLATE (RFC 1951) and gzip (RFC 1952). Bits come least significant first
// from a 64-bit buffer; a Huffman code is looked up by its next 9 bits in a
// table, and codes longer than that are found by walking the canonical code
// length by length. Past the end of the input the buffer reads as zeros, so
// a lookup never fails for want of bits: only consuming more bits than the
// input has is an error (truncated).
#include <wisp/inflate.h>

namespace wisp::inflate {

namespace {

using Byte = unsigned char;

constexpr unsigned fast_bits = 9;
constexpr unsigned max_bits = 15;

// A canonical Huffman code (RFC 1951 3.2.2), given by each symbol's length.
struct Code {
    unsigned short fast[1 << fast_bits]; // by the next bits: symbol << 4 | length; 0: longer, or no code
    unsigned short count[max_bits + 1];  // codes of each length
    unsigned short symbol[288];          // the symbols in code order: by length, then by value
};
static_assert(
    __builtin_offsetof(Code, symbol) == sizeof Code::fast + sizeof Code::count, "build() clears both at once");

// False for a set of lengths that is no prefix code: oversubscribed, or
// incomplete except as zlib allows (no code at all, or a single 1-bit code).
bool build(Code& code, const Byte* lengths, unsigned n)
{
    __builtin_memset(&code, 0, __builtin_offsetof(Code, symbol)); // fast and count
    for (unsigned s = 0; s < n; ++s)
        ++code.count[lengths[s]];
    unsigned short offset[max_bits + 2];
    offset[1] = 0;
    int left = 1; // codes of the current length still free
    for (unsigned length = 1; length <= max_bits; ++length) {
        left = 2 * left - code.count[length];
        if (left < 0)
            return false;
        offset[length + 1] = static_cast<unsigned short>(offset[length] + code.count[length]);
    }
    unsigned total = offset[max_bits + 1];
    if (left > 0 && (total > 1 || total != code.count[1]))
        return false;
    for (unsigned s = 0; s < n; ++s) {
        if (lengths[s])
            code.symbol[offset[lengths[s]]++] = static_cast<unsigned short>(s);
    }
    // Codes are consecutive numbers in symbol order, sent most significant
    // bit first: each short one fills every table slot whose low bits are
    // its bits reversed.
    unsigned next = 0, index = 0;
    for (unsigned length = 1; length <= fast_bits; ++length, next <<= 1) {
        for (unsigned k = 0; k < code.count[length]; ++k, ++next, ++index) {
            unsigned reversed = 0;
            for (unsigned bit = 0; bit < length; ++bit)
                reversed |= (next >> bit & 1) << (length - 1 - bit);
            for (unsigned slot = reversed; slot < 1u << fast_bits; slot += 1u << length)
                code.fast[slot] = static_cast<unsigned short>(unsigned{code.symbol[index]} << 4 | length);
        }
    }
    return true;
}

struct Decoder {
    const Byte* at;
    const Byte* end;
    char* out;
    size_t capacity;
    size_t len = 0;
    unsigned long long bits = 0; // the next `count` bits of input, first in bit 0
    unsigned count = 0;
    Error error = Error::none;

    void fail(Error e)
    {
        if (error == Error::none)
            error = e;
    }

    void refill()
    {
        while (count <= 56 && at < end) {
            bits |= static_cast<unsigned long long>(*at++) << count;
            count += 8;
        }
    }

    // The next n (at most 16) bits as a number; 0 once truncated.
    unsigned take(unsigned n)
    {
        if (count < n)
            refill();
        if (n > count) {
            fail(Error::truncated);
            return 0;
        }
        unsigned value = static_cast<unsigned>(bits & ((1ull << n) - 1));
        bits >>= n;
        count -= n;
        return value;
    }

    // To the next byte boundary; the whole bytes still buffered go back to the input.
    void align()
    {
        at -= count / 8;
        bits = 0;
        count = 0;
    }

    bool skip(size_t n)
    {
        if (static_cast<size_t>(end - at) < n) {
            fail(Error::truncated);
            return false;
        }
        at += n;
        return true;
    }

    // The next symbol of code, or -1 (error set).
    int decode(const Code& code)
    {
        if (count < max_bits)
            refill();
        unsigned entry = code.fast[bits & ((1u << fast_bits) - 1)];
        unsigned length = entry & 15, symbol = entry >> 4;
        if (!entry) {
            // first: the first code of this length; value: the bits so far, as a code.
            unsigned first = 0, index = 0, value = 0;
            unsigned long long rest = bits;
            for (length = 1;; ++length, rest >>= 1) {
                if (length > max_bits) {
                    fail(Error::malformed);
                    return -1;
                }
                value |= static_cast<unsigned>(rest & 1);
                unsigned n = code.count[length];
                if (value - first < n) {
                    symbol = code.symbol[index + value - first];
                    break;
                }
                index += n;
                first = (first + n) << 1;
                value <<= 1;
            }
        }
        if (length > count) {
            fail(Error::truncated);
            return -1;
        }
        bits >>= length;
        count -= length;
        return static_cast<int>(symbol);
    }

    void stored()
    {
        align();
        if (!skip(4))
            return;
        unsigned size = unsigned{at[-4]} | unsigned{at[-3]} << 8;
        if ((size ^ (unsigned{at[-2]} | unsigned{at[-1]} << 8)) != 0xffff)
            return fail(Error::malformed);
        if (size > capacity - len)
            return fail(Error::too_large);
        if (!skip(size))
            return;
        __builtin_memcpy(out + len, at - size, size);
        len += size;
    }

    void fixed(Code& literal, Code& distance)
    {
        Byte lengths[288];
        for (unsigned s = 0; s < 288; ++s)
            lengths[s] = static_cast<Byte>(s - 144 < 112 ? 9 : s - 256 < 24 ? 7 : 8);
        build(literal, lengths, 288);
        for (unsigned s = 0; s < 32; ++s) // 30 and 31 are codes, but no distances
            lengths[s] = 5;
        build(distance, lengths, 32);
    }

    void dynamic(Code& literal, Code& distance)
    {
        static constexpr Byte order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
        unsigned literals = take(5) + 257, distances = take(5) + 1, header = take(4) + 4;
        Byte lengths[286 + 30] = {};
        for (unsigned i = 0; i < header; ++i)
            lengths[order[i]] = static_cast<Byte>(take(3));
        if (error != Error::none)
            return;
        // The code lengths are sent in a code of their own: literal holds it for now.
        if (literals > 286 || distances > 30 || !build(literal, lengths, 19))
            return fail(Error::malformed);
        unsigned total = literals + distances;
        for (unsigned i = 0; i < total;) {
            int symbol = decode(literal);
            if (symbol < 0)
                return;
            if (symbol < 16) {
                lengths[i++] = static_cast<Byte>(symbol);
                continue;
            }
            Byte value = 0; // 17 and 18 repeat zeros, 16 the previous length
            unsigned repeat = symbol == 16 ? 3 + take(2) : symbol == 17 ? 3 + take(3) : 11 + take(7);
            if (symbol == 16) {
                if (i == 0)
                    return fail(Error::malformed);
                value = lengths[i - 1];
            }
            if (error != Error::none)
                return;
            if (repeat > total - i)
                return fail(Error::malformed);
            while (repeat--)
                lengths[i++] = value;
        }
        if (!lengths[256] || !build(literal, lengths, literals) || !build(distance, lengths + literals, distances))
            return fail(Error::malformed); // no end-of-block code, or no prefix code
    }

    // Literals and matches up to the end-of-block code.
    void block(const Code& literal, const Code& distance)
    {
        for (;;) {
            int symbol = decode(literal);
            if (symbol < 0)
                return;
            if (symbol < 256) {
                if (len == capacity)
                    return fail(Error::too_large);
                out[len++] = static_cast<char>(symbol);
                continue;
            }
            if (symbol == 256)
                return;
            // Lengths 3..258: codes 257..264 one each, then four codes per
            // number of extra bits (1..5), and 285 for 258 alone.
            unsigned s = static_cast<unsigned>(symbol) - 257;
            if (s > 28)
                return fail(Error::malformed);
            size_t length = 258;
            if (s < 28) {
                unsigned extra = s < 8 ? 0 : s / 4 - 1;
                length = (s < 8 ? s : (4 + (s & 3)) << extra) + 3 + take(extra);
            }
            // Distances 1..32768: codes 0..3 one each, then two codes per
            // number of extra bits (1..13).
            int code = decode(distance);
            if (code < 0)
                return;
            unsigned d = static_cast<unsigned>(code);
            if (d > 29)
                return fail(Error::malformed);
            unsigned extra = d < 4 ? 0 : d / 2 - 1;
            size_t back = (d < 4 ? d : (2 + (d & 1)) << extra) + 1 + take(extra);
            if (error != Error::none)
                return;
            if (back > len)
                return fail(Error::malformed); // before the start of the output
            if (length > capacity - len)
                return fail(Error::too_large);
            // Byte by byte: the source may overlap what is being written.
            char* to = out + len;
            len += length;
            while (length--) {
                *to = *(to - back);
                ++to;
            }
        }
    }

    void run()
    {
        Code literal, distance;
        for (bool last = false; !last && error == Error::none;) {
            last = take(1);
            unsigned type = take(2);
            if (error != Error::none)
                return;
            if (type == 0) {
                stored();
            } else if (type == 3) {
                fail(Error::malformed);
            } else {
                if (type == 1)
                    fixed(literal, distance);
                else
                    dynamic(literal, distance);
                if (error == Error::none)
                    block(literal, distance);
            }
        }
        align();
    }
};

// CRC-32 (RFC 1952 8), a byte at a time. The table is made on first use,
// in .bss: it costs no bytes in the file, and the loop making it less code
// than a table of constants would take.
unsigned g_crc_table[256];

unsigned crc32(const void* bytes, size_t n)
{
    if (!g_crc_table[1]) {
        for (unsigned i = 0; i < 256; ++i) {
            unsigned c = i;
            for (int k = 0; k < 8; ++k)
                c = c & 1 ? c >> 1 ^ 0xedb88320u : c >> 1;
            g_crc_table[i] = c;
        }
    }
    const Byte* p = static_cast<const Byte*>(bytes);
    unsigned crc = ~0u;
    while (n--)
        crc = crc >> 8 ^ g_crc_table[(crc ^ *p++) & 0xff];
    return ~crc;
}

// The n bytes before p, little-endian.
unsigned little_endian(const Byte* p, unsigned n)
{
    unsigned value = 0;
    for (unsigned i = 1; i <= n; ++i)
        value = value << 8 | p[-static_cast<int>(i)];
    return value;
}

// One member: header, DEFLATE data, CRC-32 and ISIZE.
void member(Decoder& d)
{
    static constexpr Byte magic[3] = {0x1f, 0x8b, 8}; // ID1, ID2, CM = deflate
    const Byte* start = d.at;
    for (size_t i = 0; i < 3 && start + i < d.end; ++i) {
        if (start[i] != magic[i])
            return d.fail(Error::malformed);
    }
    if (!d.skip(10))
        return;
    Byte flags = start[3];
    if (flags & 0xe0) // reserved
        return d.fail(Error::malformed);
    if ((flags & 4) && !(d.skip(2) && d.skip(little_endian(d.at, 2)))) // FEXTRA
        return;
    for (unsigned field = 8; field <= 16; field <<= 1) { // FNAME, FCOMMENT: zero-terminated
        if (flags & field) {
            while (d.at < d.end && *d.at)
                ++d.at;
            if (!d.skip(1))
                return;
        }
    }
    if (flags & 2) { // FHCRC: the low 16 bits of the header's CRC-32
        unsigned crc = crc32(start, static_cast<size_t>(d.at - start)) & 0xffff;
        if (!d.skip(2))
            return;
        if (crc != little_endian(d.at, 2))
            return d.fail(Error::checksum);
    }
    size_t from = d.len;
    d.run();
    if (d.error != Error::none || !d.skip(8))
        return;
    size_t size = d.len - from;
    if (crc32(d.out + from, size) != little_endian(d.at - 4, 4) ||
        static_cast<unsigned>(size) != little_endian(d.at, 4))
        d.fail(Error::checksum);
}

Decoder decoder(Str input, char* out, size_t capacity)
{
    const Byte* at = reinterpret_cast<const Byte*>(input.ptr);
    return Decoder{at, at + input.len, out, capacity};
}

Result result(const Decoder& d, Str input)
{
    return {d.error, d.len, static_cast<size_t>(d.at - reinterpret_cast<const Byte*>(input.ptr))};
}

} // namespace

Result raw(Str input, char* out, size_t capacity)
{
    Decoder d = decoder(input, out, capacity);
    d.run();
    return result(d, input);
}

Result gzip(Str input, char* out, size_t capacity)
{
    Decoder d = decoder(input, out, capacity);
    if (!input.len)
        d.fail(Error::truncated);
    while (d.error == Error::none && d.at < d.end) {
        member(d);
        while (d.at < d.end && !*d.at)
            ++d.at;
    }
    return result(d, input);
}

Error gzip(Str input, Arena& arena, size_t limit, Str* out)
{
    size_t mark = arena.mark();
    if (limit > arena.capacity() - mark)
        limit = arena.capacity() - mark;
    char* bytes = static_cast<char*>(arena.alloc(limit, 1));
    Result r = gzip(input, bytes, limit);
    arena.release(r.error == Error::none ? mark + r.len : mark);
    if (r.error == Error::none)
        *out = {bytes, r.len};
    return r.error;
}

Str describe(Error error)
{
    // The reasons in enum order, then one for any other value: walking them
    // is less code than a switch.
    const char* text = "no error\0malformed gzip data\0truncated gzip data\0gzip data over the limit\0"
                       "gzip checksum mismatch\0unknown gzip error";
    unsigned index = static_cast<unsigned>(error);
    for (unsigned i = index < 5 ? index : 5; i; --i)
        while (*text++) { }
    return Str::from_cstr(text);
}

} // namespace wisp::inflate
