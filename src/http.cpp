#include "http.h"

namespace wisp::http {

constexpr unsigned long long ones = 0x0101010101010101;

static unsigned long long load(const char* p)
{
    unsigned long long word;
    __builtin_memcpy(&word, p, 8);
    return word;
}

// Where [p, end) first holds a byte b with (b ^ x) < below, or end; x and
// below are a byte repeated, below at most 0x80. Eight bytes at a time while
// eight remain. Called, not inlined: one copy serves line ends and colons.
[[gnu::noinline]] static const char* find(
    const char* p, const char* end, unsigned long long x, unsigned long long below)
{
    if (end - p >= 8) {
        const char* last = end - 8;
        do {
            // Bytes under `below` flag their top bit; the lowest flag is exact
            // (a borrow only reaches bytes above a true match).
            unsigned long long word = load(p) ^ x;
            if (unsigned long long flags = (word - below) & ~word & 0x80 * ones)
                return p + static_cast<unsigned>(__builtin_ctzll(flags)) / 8; // little-endian: lowest flag, first byte
            p += 8;
        } while (p <= last);
    }
    while (p < end && (static_cast<unsigned char>(*p) ^ (x & 0xff)) >= (below & 0xff))
        ++p;
    return p;
}

bool is_header(Str name, Str lowercase_name)
{
    // OR 0x20 lowers A-Z and keeps a-z, digits and '-'; of the bytes a name
    // may hold, only those map onto what lowercase_name holds.
    constexpr unsigned long long lower = 0x20 * ones;
    size_t n = name.len;
    if (n != lowercase_name.len)
        return false;
    if (n < 8) {
        for (size_t i = 0; i < n; ++i) {
            if ((name.ptr[i] | 0x20) != lowercase_name.ptr[i])
                return false;
        }
        return true;
    }
    // Eight bytes at a time, the last eight overlapping those before.
    size_t i = 0;
    do {
        if (i > n - 8)
            i = n - 8;
        if ((load(name.ptr + i) | lower) != load(lowercase_name.ptr + i))
            return false;
        i += 8;
    } while (i < n);
    return true;
}

// 1 to max_digits decimal digits and nothing else.
static bool parse_decimal(Str text, size_t max_digits, unsigned long long* out)
{
    return text.len && read_number(text, 10, max_digits, out) == text.len;
}

// Inside a line, where no control character but tab appears.
static bool is_blank(char c) { return static_cast<unsigned char>(c) <= ' '; }

// The bytes [begin, end) without blanks around them.
static Str trim(const char* begin, const char* end)
{
    while (begin < end && is_blank(*begin))
        ++begin;
    while (end > begin && is_blank(end[-1]))
        --end;
    return {begin, static_cast<size_t>(end - begin)};
}

// "HTTP/1.0" or "HTTP/1.1": eight bytes less "HTTP/1.0" leave 0 or 1 << 56.
static bool is_http1(unsigned long long word)
{
    word -= 0x302e312f50545448;
    return (word >> 56 | word << 8) <= 1;
}

// Applies a header that frames the message; false when it contradicts.
static bool apply_framing(Str name, Str value, Head* out)
{
    // The names, each after its length: one call in a loop, not one per name.
    const char* known = "\016content-length\021transfer-encoding\012connection";
    while (!is_header(name, {known + 1, static_cast<size_t>(*known)})) {
        known += *known + 1;
        if (!*known)
            return true;
    }
    if (*known == 14) {
        unsigned long long length; // up to a petabyte; anything larger is nonsense here
        if (!parse_decimal(value, 15, &length))
            return false;
        if (out->framing != Framing::chunked) {
            if (out->framing == Framing::length && length != out->content_length)
                return false;
            out->framing = Framing::length;
            out->content_length = length;
        }
    } else if (*known == 17) {
        if (!is_header(value, "chunked")) // the only coding a Runtime API uses
            return false;
        out->framing = Framing::chunked; // overrides Content-Length (RFC 9112 6.3)
    } else if (is_header(value, "close")) {
        out->close = true;
    }
    return true;
}

Parse parse_head(Str bytes, Head* head, HeaderVisitor visit, void* context)
{
    const char* p = bytes.ptr;
    const char* end = bytes.end();
    for (;;) { // a line at a time
        const char* line = p + head->parsed;
        const char* at = p + head->searched;
        // Control characters (but tab) appear only as the CRLF ending a line.
        for (;;) {
            at = find(at, end, 0, 0x20 * ones);
            if (at + 1 >= end) {
                head->searched = static_cast<size_t>(at - p);
                return Parse::partial;
            }
            if (*at != '\t')
                break;
            ++at;
        }
        unsigned short crlf;
        __builtin_memcpy(&crlf, at, 2);
        if (crlf != ('\n' << 8 | '\r'))
            return Parse::invalid;
        head->searched = static_cast<size_t>(at + 2 - p);
        Str name, value;
        if (line != p) {
            if (line == at) {
                head->length = head->searched;
                return Parse::done;
            }
            // A header line [line, at). A name is not empty (else colon[-1] is
            // the LF before it) and has no blanks around it (a leading blank
            // would be an obsolete line folding).
            const char* colon = find(line, at, ':' * ones, ones);
            if (is_blank(colon[-1]) || colon == at || is_blank(*line))
                return Parse::invalid;
            name = {line, static_cast<size_t>(colon - line)};
            value = trim(colon + 1, at);
            if (!apply_framing(name, value, head))
                return Parse::invalid;
        } else {
            // The status line: HTTP/1.x SP 3DIGIT [SP reason], a code of 100 or
            // more; p[12] is a space or the line's CR.
            unsigned long long status;
            if (at - p < 12 || !is_http1(load(p)) || p[8] != ' ' || !parse_decimal({p + 9, 3}, 3, &status) ||
                p[9] == '0' || (p[12] != ' ' && p[12] != '\r'))
                return Parse::invalid;
            head->status = static_cast<int>(status);
        }
        if (visit)
            visit(context, name, value); // an empty name first: a new head begins
        head->parsed = head->searched;
    }
}

Parse ChunkedDecoder::decode(char* buffer, size_t len, size_t limit)
{
    for (;;) {
        if (m_left) { // inside a chunk's data
            size_t n = len - m_read;
            if (n > m_left)
                n = static_cast<size_t>(m_left);
            if (!n)
                return Parse::partial;
            if (n > limit - m_write) // once dropped, m_write stays 0 and this drops again
                drop();
            if (!m_too_large) {
                __builtin_memmove(buffer + m_write, buffer + m_read, n);
                m_write += n;
            }
            m_read += n;
            m_left -= n;
            continue;
        }
        // Otherwise a whole line: a chunk size, the end of a chunk's data, or a trailer.
        Str rest(buffer + m_read, len - m_read);
        size_t lf = rest.find('\n');
        if (lf == rest.len)
            return Parse::partial;
        if (!lf || rest.ptr[lf - 1] != '\r')
            return Parse::invalid;
        Str line(rest.ptr, lf - 1);
        m_read += lf + 1;
        if (m_state == State::size) {                           // m_left is 0 here: the size goes straight into it
            size_t digits = read_number(line, 16, 13, &m_left); // chunk extensions after ';' are ignored
            if (!digits || digits > 12 || (digits < line.len && line.ptr[digits] != ';'))
                return Parse::invalid;
            m_state = m_left ? State::data_end : State::trailer;
        } else if (m_state == State::data_end) {
            if (!line.empty())
                return Parse::invalid;
            m_state = State::size;
        } else if (line.empty()) { // the blank line after the trailers
            return Parse::done;
        }
    }
}
size_t ChunkedDecoder::compact(char* buffer, size_t len)
{
    size_t tail = len - m_read;
    __builtin_memmove(buffer + m_write, buffer + m_read, tail);
    m_read = m_write;
    return m_write + tail;
}

} // namespace wisp::http
