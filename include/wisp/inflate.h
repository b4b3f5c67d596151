// Decompression, freestanding: DEFLATE (RFC 1951: stored, fixed and dynamic
// Huffman blocks) and gzip (RFC 1952) on top, as CloudWatch Logs sends its
// subscription data. Written from the RFCs; linked only into handlers that
// call it.
//
// The output goes into a buffer the caller gives, whose size is the bound on
// the decompressed size: a stream that would write past it stops there with
// Error::too_large, so a zip bomb costs no more than the bound. The whole
// output is the window, so nothing else is allocated; the decoder's tables
// (3.6 KB) are on the stack. About 3 KB of code.
//
// gzip: the header's FEXTRA, FNAME and FCOMMENT fields are skipped, FHCRC is
// checked, and so are each member's CRC-32 and ISIZE. Members written one
// after another (gzip's own concatenation) decode into one output, each
// checked on its own, as gzip(1) and Python's gzip.decompress do; zero bytes
// after a member are skipped, as Python does. Anything else after a member is
// Error::malformed, and an empty input is Error::truncated: at least one
// member is needed. CloudWatch Logs sends one member.
#pragma once

#include <wisp/arena.h>
#include <wisp/str.h>

namespace wisp::inflate {

enum class Error : unsigned char {
    none,
    malformed, // not DEFLATE or gzip: a bad block type, code, length or distance, a bad header
    truncated, // the input ends inside the stream
    too_large, // the output would not fit in the bound
    checksum,  // a gzip member's CRC-32, ISIZE or header CRC does not match
};

struct Result {
    Error error = Error::none;
    size_t len = 0;  // bytes written to out (when error is none: the whole output)
    size_t used = 0; // bytes of input read: up to the end of the last block or member
};

// One raw DEFLATE stream (no header or trailer) from input into out[0, capacity).
// Input after the final block is left unread: see Result::used.
Result raw(Str input, char* out, size_t capacity);

// Every gzip member in input, into out[0, capacity).
Result gzip(Str input, char* out, size_t capacity);

// The same into the arena, at most limit bytes (and no more than the arena
// has free: beyond that is too_large as well). On success *out is the output,
// and the arena keeps exactly its bytes; on failure the arena is as it was.
Error gzip(Str input, Arena& arena, size_t limit, Str* out);

// A short reason for failure() messages: "truncated gzip data".
Str describe(Error error);

} // namespace wisp::inflate
