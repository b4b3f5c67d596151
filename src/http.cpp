#include "http.h"

namespace wisp::http {

// Bytes equal to zero in a word flag their top bit; the lowest flag is exact
// (a borrow only reaches bytes above a true zero).
static unsigned long long zero_bytes(unsigned long long word)
{
    return (word - 0x0101010101010101) & ~word & 0x8080808080808080;
}

// Where [p, end) first holds a byte that `match` flags in a word (and
// match_byte says of a byte), or end: eight bytes at a time while eight remain.
template <class Word, class Byte>
static const char* find(const char* p, const char* end, Word match, Byte match_byte)
{
    for (; end - p >= 8; p += 8) {
        unsigned long long word;
        __builtin_memcpy(&word, p, 8);
        if (unsigned long long flags = match(word)) // little-endian: the lowest flag is the first byte
            return p + __builtin_ctzll(flags) / 8;
    }
    while (p < end && !match_byte(static_cast<unsigned char>(*p)))
        ++p;
    return p;
}

// Bytes below 0x20 (control characters).
static const char* find_control(const char* p, const char* end)
{
    return find(
        p, end, [](unsigned long long w) { return (w - 0x2020202020202020) & ~w & 0x8080808080808080; },
        [](unsigned char c) { return c < 0x20; });
}

static const char* find_colon(const char* p, const char* end)
{
    return find(
        p, end, [](unsigned long long w) { return zero_bytes(w ^ 0x3a3a3a3a3a3a3a3a); },
        [](unsigned char c) { return c == ':'; });
}

bool is_header(Str name, Str lowercase_name)
{
    // OR 0x20 lowers A-Z and keeps a-z, digits and '-'; of the bytes a name
    // may hold, only those map onto what lowercase_name holds.
    constexpr unsigned long long lower = 0x2020202020202020;
    if (name.len != lowercase_name.len)
        return false;
    size_t i = 0;
    for (; i + 8 <= name.len; i += 8) {
        unsigned long long a, b;
        __builtin_memcpy(&a, name.ptr + i, 8);
        __builtin_memcpy(&b, lowercase_name.ptr + i, 8);
        if ((a | lower) != b)
            return false;
    }
    for (; i < name.len; ++i) {
        if ((name.ptr[i] | 0x20) != lowercase_name.ptr[i])
            return false;
    }
    return true;
}

// 1 to max_digits decimal digits and nothing else.
static bool parse_decimal(Str text, size_t max_digits, unsigned long long* out)
{
    return text.len && read_number(text, 10, max_digits, out) == text.len;
}

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

// The bytes [begin, end) without blanks around them.
static Str trim(const char* begin, const char* end)
{
    while (begin < end && is_blank(*begin))
        ++begin;
    while (end > begin && is_blank(end[-1]))
        --end;
    return {begin, static_cast<size_t>(end - begin)};
}

// Applies a header that frames the message; false when it contradicts.
static bool apply_framing(Str name, Str value, Head* out)
{
    if (is_header(name, "content-length")) {
        unsigned long long length; // up to a petabyte; anything larger is nonsense here
        if (!parse_decimal(value, 15, &length) || (out->framing == Framing::length && length != out->content_length))
            return false;
        if (out->framing != Framing::chunked) {
            out->framing = Framing::length;
            out->content_length = length;
        }
    } else if (is_header(name, "transfer-encoding")) {
        if (!equals_ignore_case(value, "chunked")) // the only coding a Runtime API uses
            return false;
        out->framing = Framing::chunked; // overrides Content-Length (RFC 9112 6.3)
    } else if (is_header(name, "connection")) {
        out->close = out->close || equals_ignore_case(value, "close");
    }
    return true;
}

Parse parse_head(Str bytes, Head* head, HeaderVisitor visit, void* context)
{
    const char* p = bytes.ptr;
    for (;;) {
        // Control characters (but tab) appear only as the CRLF ending a line.
        const char* line = p + head->parsed;
        const char* cr = find_control(p + head->searched, bytes.end());
        head->searched = static_cast<size_t>(cr - p);
        if (cr + 1 >= bytes.end())
            return Parse::partial;
        if (*cr == '\t') {
            ++head->searched;
            continue;
        }
        if (*cr != '\r' || cr[1] != '\n')
            return Parse::invalid;
        const char* eol = cr;
        head->parsed = head->searched = static_cast<size_t>(cr + 2 - p);
        if (line == p) { // the status line: HTTP/1.x SP 3DIGIT [SP reason]
            unsigned long long status;
            if (eol - p < 12 || !bytes.starts_with("HTTP/1.") || (p[7] | 1) != '1' || p[8] != ' ' ||
                !parse_decimal({p + 9, 3}, 3, &status) || status < 100 || (p[12] != ' ' && p + 12 != eol))
                return Parse::invalid;
            head->status = static_cast<int>(status);
            if (visit)
                visit(context, {}, {});
            continue;
        }
        if (line == eol) {
            head->length = head->parsed;
            return Parse::done;
        }
        const char* colon = find_colon(line, eol);
        Str name(line, static_cast<size_t>(colon - line)), value = trim(colon + 1, eol);
        // A name is not empty and has no blanks around it (a leading blank
        // would be an obsolete line folding).
        if (colon == eol || colon == line || is_blank(*line) || is_blank(colon[-1]) ||
            !apply_framing(name, value, head))
            return Parse::invalid;
        if (visit)
            visit(context, name, value);
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
            if (!m_too_large && n > limit - m_write)
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
        Str line = rest.sub(0, lf - 1);
        m_read += lf + 1;
        if (m_state == State::size) {
            unsigned long long size; // chunk extensions after ';' are ignored
            size_t digits = read_number(line, 16, 13, &size);
            if (!digits || digits > 12 || (digits < line.len && line.ptr[digits] != ';'))
                return Parse::invalid;
            m_left = size;
            m_state = size ? State::data_end : State::trailer;
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
