// Fuzz target: wisp::http::ChunkedDecoder over arbitrary bytes (the whole
// input is the body, so the corpus holds plain chunked bodies). Every check
// traps (__builtin_trap) when it fails:
// - against a reference decoder written here, with the limit unbounded, the
//   reference's decoded size, one less, 0 and a small pseudo-random one: the
//   verdict is the reference's; too_large() is set exactly when the data
//   decoded exceeds the limit, and then size() is 0; otherwise the decoded
//   bytes are the reference's; on done and partial the decoder stops where
//   the reference does;
// - the same with the bytes fed a byte at a time (inputs up to 512 bytes) and
//   in pseudo-random pieces, compacting between calls as the client does, and
//   with drop() called after a pseudo-random number of calls (then too_large()
//   and an empty body, and the same verdict);
// - on every call consumed() never passes the bytes given, size() never
//   passes consumed() nor the limit, and compact() leaves consumed() ==
//   size() and the tail after the decoded bytes. Each call gets the bytes
//   arrived so far in a heap block of exactly their size, so the sanitizers
//   see any read or write outside them.
//
// The reference models exactly what decode accepts (read http.cpp):
// - every line ends with CRLF; a lone LF makes the body invalid, a CR alone
//   is an ordinary byte of the line;
// - a chunk-size line is 1 to 12 hex digits (leading zeros count), then the
//   end of the line or ';' and an extension of any bytes, unchecked;
// - chunk data is followed by an empty line; a 0 size starts the trailers,
//   lines of any bytes, unchecked, up to an empty line, which ends the body.
#include "http.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

using wisp::http::ChunkedDecoder;
using wisp::http::Parse;

using fuzz::hash;
using fuzz::Random;
using fuzz::require;

namespace {

struct Reference {
    Parse verdict = Parse::partial;
    size_t end = 0;     // where decoding stopped (done, partial): the bytes consumed
    size_t decoded = 0; // data bytes read, whatever the limit
    char* data = nullptr;
};

int hex(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// The reference decoder; r->data must have room for size bytes.
void reference(const uint8_t* b, size_t size, Reference* r)
{
    enum { chunk_size, data_end, trailer } state = chunk_size;
    size_t pos = 0;
    unsigned long long left = 0;
    for (;;) {
        if (left) {
            size_t n = size - pos < left ? size - pos : static_cast<size_t>(left);
            if (!n)
                break;
            memcpy(r->data + r->decoded, b + pos, n);
            r->decoded += n;
            pos += n;
            left -= n;
            continue;
        }
        const uint8_t* lf = static_cast<const uint8_t*>(memchr(b + pos, '\n', size - pos));
        if (!lf)
            break;
        size_t at = static_cast<size_t>(lf - b);
        if (at == pos || b[at - 1] != '\r') {
            r->verdict = Parse::invalid;
            return;
        }
        const uint8_t* line = b + pos;
        size_t len = at - 1 - pos;
        pos = at + 1;
        if (state == chunk_size) {
            size_t digits = 0;
            while (digits < len && hex(line[digits]) >= 0)
                left = left * 16 + static_cast<unsigned>(hex(line[digits++]));
            if (digits == 0 || digits > 12 || (digits < len && line[digits] != ';')) {
                r->verdict = Parse::invalid;
                return;
            }
            state = left ? data_end : trailer;
        } else if (state == data_end) {
            if (len) {
                r->verdict = Parse::invalid;
                return;
            }
            state = chunk_size;
        } else if (!len) {
            r->verdict = Parse::done;
            r->end = pos;
            return;
        }
    }
    r->verdict = Parse::partial;
    r->end = pos;
}

enum class Pieces : unsigned char { whole, bytes, random };

// Decodes data as the client does: the bytes arrive in pieces, decode runs
// over what has arrived (in a block of exactly that size), and a partial
// verdict compacts the buffer before the next piece. drop_after > 0 calls
// drop() after that many partial calls. Checks the outcome against ref.
void run(const uint8_t* data, size_t size, size_t limit, Pieces pieces, Random* random, size_t drop_after,
    const Reference& ref)
{
    char* contents = static_cast<char*>(malloc(size ? size : 1));
    size_t len = 0; // bytes in contents: the decoded body, then the undecoded tail
    size_t fed = 0; // bytes of data given so far
    size_t calls = 0;
    bool dropped = false;
    ChunkedDecoder decoder;
    for (;;) {
        size_t rest = size - fed;
        size_t piece = rest;
        if (pieces == Pieces::bytes) {
            piece = rest ? 1 : 0;
        } else if (pieces == Pieces::random && rest) {
            unsigned long long r = random->next();
            piece = (r & 3) ? 1 + static_cast<size_t>((r >> 8) % 8) : 1 + static_cast<size_t>((r >> 8) % rest);
            if (piece > rest)
                piece = rest;
        }
        if (piece)
            memcpy(contents + len, data + fed, piece);
        len += piece;
        fed += piece;

        char* block = static_cast<char*>(malloc(len ? len : 1));
        if (len)
            memcpy(block, contents, len);
        size_t read_before = decoder.consumed();
        Parse verdict = decoder.decode(block, len, limit);
        require(decoder.consumed() >= read_before && decoder.consumed() <= len);
        require(decoder.size() <= decoder.consumed() && decoder.size() <= limit);
        require(!decoder.too_large() || decoder.size() == 0);
        ++calls;
        if (verdict != Parse::partial || fed == size) {
            require(verdict == ref.verdict);
            if (dropped) {
                require(decoder.too_large() && decoder.size() == 0);
            } else {
                require(decoder.too_large() == (ref.decoded > limit));
                if (!decoder.too_large())
                    require(decoder.size() == ref.decoded &&
                        (ref.decoded == 0 || memcmp(block, ref.data, ref.decoded) == 0));
            }
            if (verdict != Parse::invalid)
                require(fed - (len - decoder.consumed()) == ref.end);
            free(block);
            break;
        }
        if (drop_after && calls == drop_after) {
            decoder.drop();
            dropped = true;
            require(decoder.too_large() && decoder.size() == 0);
        }
        size_t tail = len - decoder.consumed();
        size_t kept = decoder.size();
        size_t compacted = decoder.compact(block, len);
        require(compacted == kept + tail && decoder.consumed() == kept && decoder.size() == kept);
        require(tail == 0 || memcmp(block + kept, data + fed - tail, tail) == 0);
        memcpy(contents, block, compacted);
        len = compacted;
        free(block);
    }
    free(contents);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    Reference ref;
    ref.data = static_cast<char*>(malloc(size ? size : 1));
    reference(data, size, &ref);
    Random random{hash(data, size)};

    size_t small = static_cast<size_t>(random.next() % 64);
    size_t limits[] = {~size_t{0}, ref.decoded, ref.decoded ? ref.decoded - 1 : 0, 0, small};
    for (size_t limit : limits)
        run(data, size, limit, Pieces::whole, &random, 0, ref);
    size_t some_limit = limits[random.next() % 5];
    if (size <= 512)
        run(data, size, some_limit, Pieces::bytes, &random, 0, ref);
    run(data, size, limits[random.next() % 5], Pieces::random, &random, 0, ref);
    run(data, size, limits[random.next() % 5], Pieces::random, &random, 1 + random.next() % 4, ref);
    free(ref.data);
    return 0;
}
