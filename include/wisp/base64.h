// Base64 (RFC 4648, standard alphabet, '=' padding), freestanding: the error
// body of a failed response stream, and event bodies marked isBase64Encoded.
#pragma once

#include <wisp/builder.h>
#include <wisp/str.h>

namespace wisp::base64 {

// Bytes that encoding len bytes gives; at most this many come out of decoding
// a text of len bytes.
constexpr size_t encoded_size(size_t len) { return (len + 2) / 3 * 4; }
constexpr size_t decoded_max(size_t len) { return len / 4 * 3; }

// Appends the encoding of bytes to out (overflow is sticky, as for every append).
Builder& encode(Builder& out, Str bytes);

// Decodes text into out, which has room for decoded_max(text.len) bytes and
// may be text.ptr itself (decoding in place). False, with *len unset, unless
// text is canonical: a multiple of four bytes, of the alphabet only, with '='
// only as the padding of the last group and zero bits under the padding.
bool decode(Str text, char* out, size_t* len);

} // namespace wisp::base64
