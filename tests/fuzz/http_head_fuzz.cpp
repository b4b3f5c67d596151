// Fuzz target: wisp::http::parse_head over arbitrary bytes (the whole input
// is the head, so the corpus holds plain heads). Every check traps
// (__builtin_trap) when it fails:
// - one call over the whole input gives the verdict, status, length,
//   framing, content_length and close of a reference parser written here,
//   and hands the visitor the reference's headers, in order;
// - the same bytes fed a byte at a time, in two parts split at every
//   position (at 16 pseudo-random ones for inputs over 257 bytes), and in
//   pseudo-random parts, as the client feeds a head that arrives in pieces,
//   give the same results and the same visitor calls, and the first verdict
//   that is not partial comes exactly when the reference's does; each part
//   but the last is in a heap block of its own exact size (up to 512
//   bytes), so the sanitizers see a read past what has arrived;
// - a null visitor changes nothing;
// - the visitor's views lie inside the bytes passed, its first call (and
//   only that one) has an empty name, names are non-empty with no colon, no
//   blank at either end and no control character but tab, values have no
//   blank at either end, and length never exceeds the bytes passed.
//
// The reference models exactly what parse_head accepts (read http.cpp), which
// is deliberately strict in places and lenient in others:
// - a line is every byte up to the first control character other than tab,
//   and that character must begin a CRLF; until the byte after it has arrived
//   the verdict is partial (so a lone LF as the last byte is partial, not yet
//   invalid);
// - the status line is "HTTP/1.0 " or "HTTP/1.1 ", three digits not starting
//   with 0, then the end of the line or a space and any reason;
// - a header line is a name (non-empty, no blank at either end, any byte but
//   ':' and control characters, inner spaces and tabs included), ':', and a value
//   trimmed of spaces and tabs; there is no obsolete line folding;
// - Content-Length is 1 to 15 decimal digits and nothing else (leading zeros
//   allowed); a second one must give the same value, unless the framing is
//   already chunked, when it is only checked to be a number;
// - Transfer-Encoding must be exactly "chunked" (ASCII case ignored) and
//   overrides Content-Length, whichever comes first;
// - Connection: close (exactly that token, case ignored) sets close; any other
//   Connection value is ignored;
// - header names and those values compare ignoring the case of ASCII letters
//   only.
#include "http.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

using wisp::Str;
using wisp::http::Framing;
using wisp::http::Head;
using wisp::http::Parse;

using fuzz::hash;
using fuzz::Random;
using fuzz::require;

namespace {

// The visitor calls, flattened: for each, the name's length and bytes, then
// the value's.
struct Trace {
    char* bytes = nullptr;
    size_t len = 0;
    size_t cap = 0;
    size_t calls = 0;

    Trace() = default;
    Trace(const Trace&) = delete;
    Trace& operator=(const Trace&) = delete;
    ~Trace() { free(bytes); }

    void put(const void* p, size_t n)
    {
        if (len + n > cap) {
            cap = (len + n) * 2 + 64;
            bytes = static_cast<char*>(realloc(bytes, cap));
        }
        if (n)
            memcpy(bytes + len, p, n);
        len += n;
    }
    void add(const void* name, size_t name_len, const void* value, size_t value_len)
    {
        put(&name_len, sizeof name_len);
        put(name, name_len);
        put(&value_len, sizeof value_len);
        put(value, value_len);
        ++calls;
    }
};

bool same_trace(const Trace& a, const Trace& b)
{
    return a.calls == b.calls && a.len == b.len && (a.len == 0 || memcmp(a.bytes, b.bytes, a.len) == 0);
}

bool is_blank(unsigned char c) { return c == ' ' || c == '\t'; }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

// What a visitor sees: the bytes of the current call, for the range checks.
struct Seen {
    Trace trace;
    const char* begin = nullptr;
    size_t len = 0;
};

bool inside(const Seen& seen, Str s)
{
    return s.ptr >= seen.begin && s.len <= seen.len && static_cast<size_t>(s.ptr - seen.begin) <= seen.len - s.len;
}

void visit(void* context, Str name, Str value)
{
    Seen& seen = *static_cast<Seen*>(context);
    if (seen.trace.calls == 0) {
        require(name.len == 0 && value.len == 0); // a new head begins
    } else {
        require(name.len > 0 && inside(seen, name) && inside(seen, value));
        require(memchr(name.ptr, ':', name.len) == nullptr);
        require(!is_blank(name.byte(0)) && !is_blank(name.byte(name.len - 1)));
        require(value.len == 0 || (!is_blank(value.byte(0)) && !is_blank(value.byte(value.len - 1))));
        for (size_t i = 0; i < name.len; ++i)
            require(name.byte(i) >= 0x20 || name.byte(i) == '\t');
        for (size_t i = 0; i < value.len; ++i)
            require(value.byte(i) >= 0x20 || value.byte(i) == '\t');
    }
    seen.trace.add(name.ptr, name.len, value.ptr, value.len);
}

// ASCII case-insensitive equality with a lowercase word.
bool equals_word(const uint8_t* s, size_t n, const char* word)
{
    if (n != strlen(word))
        return false;
    for (size_t i = 0; i < n; ++i) {
        unsigned char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = static_cast<unsigned char>(c + 32);
        if (c != static_cast<unsigned char>(word[i]))
            return false;
    }
    return true;
}

struct Result {
    Parse verdict = Parse::partial;
    int status = 0;
    size_t length = 0;
    Framing framing = Framing::none;
    bool close = false;
    unsigned long long content_length = 0;
};

bool same_result(const Result& a, const Result& b)
{
    return a.verdict == b.verdict && a.status == b.status && a.length == b.length && a.framing == b.framing &&
        a.close == b.close && a.content_length == b.content_length;
}

Result result_of(Parse verdict, const Head& head)
{
    return {verdict, head.status, head.length, head.framing, head.close, head.content_length};
}

// The reference parser: a line at a time, with the rules in the comment at
// the top. trace (when not null) receives the headers it accepts.
Result reference(const uint8_t* b, size_t n, Trace* trace)
{
    Result r;
    size_t pos = 0;
    for (bool first = true;; first = false) {
        size_t end = pos;
        while (end < n && (b[end] >= 0x20 || b[end] == '\t'))
            ++end;
        if (end + 1 >= n) {
            r.verdict = Parse::partial;
            return r;
        }
        r.verdict = Parse::invalid;
        if (b[end] != '\r' || b[end + 1] != '\n')
            return r;
        const uint8_t* line = b + pos;
        size_t len = end - pos;
        pos = end + 2;
        if (first) {
            if (len < 12 || memcmp(line, "HTTP/1.", 7) != 0 || (line[7] != '0' && line[7] != '1') || line[8] != ' ' ||
                line[9] < '1' || line[9] > '9' || !is_digit(line[10]) || !is_digit(line[11]) ||
                (len > 12 && line[12] != ' '))
                return r;
            r.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
            if (trace)
                trace->add(nullptr, 0, nullptr, 0);
            continue;
        }
        if (len == 0) {
            r.verdict = Parse::done;
            r.length = pos;
            return r;
        }
        const uint8_t* colon = static_cast<const uint8_t*>(memchr(line, ':', len));
        if (!colon)
            return r;
        size_t name_len = static_cast<size_t>(colon - line);
        if (name_len == 0 || is_blank(line[0]) || is_blank(line[name_len - 1]))
            return r;
        const uint8_t* value = colon + 1;
        const uint8_t* value_end = line + len;
        while (value < value_end && is_blank(*value))
            ++value;
        while (value_end > value && is_blank(value_end[-1]))
            --value_end;
        size_t value_len = static_cast<size_t>(value_end - value);
        if (equals_word(line, name_len, "content-length")) {
            if (value_len == 0 || value_len > 15)
                return r;
            unsigned long long length = 0;
            for (size_t i = 0; i < value_len; ++i) {
                if (!is_digit(value[i]))
                    return r;
                length = length * 10 + (value[i] - '0');
            }
            if (r.framing != Framing::chunked) {
                if (r.framing == Framing::length && length != r.content_length)
                    return r;
                r.framing = Framing::length;
                r.content_length = length;
            }
        } else if (equals_word(line, name_len, "transfer-encoding")) {
            if (!equals_word(value, value_len, "chunked"))
                return r;
            r.framing = Framing::chunked;
        } else if (equals_word(line, name_len, "connection")) {
            if (equals_word(value, value_len, "close"))
                r.close = true;
        }
        if (trace)
            trace->add(line, name_len, value, value_len);
    }
}

// Checks that do not need the reference.
void check_invariants(Parse verdict, const Head& head, Str bytes)
{
    require(head.length <= bytes.len);
    require(head.parsed <= head.searched && head.searched <= bytes.len);
    if (verdict == Parse::done) {
        require(head.length >= 16 && bytes.sub(head.length - 4, 4) == Str("\r\n\r\n", 4));
        require(head.status >= 100 && head.status <= 999);
    } else {
        require(head.length == 0);
    }
    if (head.framing == Framing::none)
        require(head.content_length == 0);
}

// One parse_head call over bytes [0, len) of data, in a heap block of exactly
// len bytes when copy is set.
Parse parse_part(const uint8_t* data, size_t len, bool copy, Head* head, Seen* seen)
{
    char* block = copy ? static_cast<char*>(malloc(len ? len : 1)) : nullptr;
    if (copy && len)
        memcpy(block, data, len);
    const char* bytes = copy ? block : reinterpret_cast<const char*>(data);
    seen->begin = bytes;
    seen->len = len;
    Parse verdict = wisp::http::parse_head({bytes, len}, head, visit, seen);
    check_invariants(verdict, *head, {bytes, len});
    free(block);
    return verdict;
}

constexpr size_t copy_up_to = 512; // parts this long or shorter get a block of their own
constexpr size_t split_everywhere_up_to = 256;

// Feeds data in parts ending at the given lengths (increasing, the last one
// size; each part but the last in a block of its own when short), stopping at the first verdict that is not partial, as
// the client does; checks the outcome against the whole-input call.
void check_parts(
    const uint8_t* data, size_t size, const size_t* ends, size_t count, const Result& whole, const Trace& whole_trace)
{
    Head head;
    Seen seen;
    Parse verdict = Parse::partial;
    for (size_t i = 0; i < count; ++i) {
        size_t at = ends[i];
        verdict = parse_part(data, at, at < size && at <= copy_up_to, &head, &seen);
        if (verdict != Parse::partial)
            break;
    }
    require(same_result(result_of(verdict, head), whole));
    require(same_trace(seen.trace, whole_trace));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    Trace expected_trace;
    Result expected = reference(data, size, &expected_trace);
    Str bytes(reinterpret_cast<const char*>(data), size);

    // The whole input in one call, then without a visitor.
    Head head;
    Seen seen;
    seen.begin = bytes.ptr;
    seen.len = size;
    Parse verdict = wisp::http::parse_head(bytes, &head, visit, &seen);
    check_invariants(verdict, head, bytes);
    Result whole = result_of(verdict, head);
    require(same_result(whole, expected));
    require(same_trace(seen.trace, expected_trace));

    Head quiet;
    require(same_result(result_of(wisp::http::parse_head(bytes, &quiet, nullptr, nullptr), quiet), whole));

    // A byte at a time: the first verdict that is not partial comes where the
    // reference's does, and with the same results.
    {
        Head step;
        Seen step_seen;
        size_t at = 0;
        Parse v = Parse::partial;
        while (at < size) {
            ++at;
            v = parse_part(data, at, at < size && at <= copy_up_to, &step, &step_seen);
            if (v != Parse::partial)
                break;
        }
        require(same_result(result_of(v, step), whole));
        require(same_trace(step_seen.trace, expected_trace));
        if (v != Parse::partial) {
            require(reference(data, at - 1, nullptr).verdict == Parse::partial);
            require(v != Parse::done || at == whole.length);
        }
    }

    // Two parts, split at every position (or at a few, for long inputs).
    Random random{hash(data, size)};
    if (size >= 2) {
        size_t positions = size - 1 <= split_everywhere_up_to ? size - 1 : 16;
        for (size_t i = 0; i < positions; ++i) {
            size_t ends[2] = {
                size - 1 <= split_everywhere_up_to ? i + 1 : 1 + static_cast<size_t>(random.next() % (size - 1)), size};
            check_parts(data, size, ends, 2, whole, expected_trace);
        }
    }

    // Pseudo-random parts, mostly short.
    for (int round = 0; round < 2 && size; ++round) {
        size_t count = 0;
        size_t* ends = static_cast<size_t*>(malloc(size * sizeof *ends));
        for (size_t at = 0; at < size;) {
            unsigned long long r = random.next();
            size_t rest = size - at;
            size_t piece = (r & 3) ? 1 + static_cast<size_t>((r >> 8) % 16) : 1 + static_cast<size_t>((r >> 8) % rest);
            at += piece < rest ? piece : rest;
            ends[count++] = at;
        }
        check_parts(data, size, ends, count, whole, expected_trace);
        free(ends);
    }
    return 0;
}
