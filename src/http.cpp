#include "http.h"

namespace wisp::http {

size_t find_head_end(Str bytes, size_t from)
{
    for (size_t i = from; i + 3 < bytes.len; ++i) {
        if (bytes.ptr[i + 3] == '\n' && bytes.ptr[i] == '\r' && bytes.ptr[i + 1] == '\n' && bytes.ptr[i + 2] == '\r')
            return i + 4;
    }
    return 0;
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
    if (equals_ignore_case(name, "Content-Length")) {
        unsigned long long length; // up to a petabyte; anything larger is nonsense here
        if (!parse_decimal(value, 15, &length) || (out->framing == Framing::length && length != out->content_length))
            return false;
        if (out->framing != Framing::chunked) {
            out->framing = Framing::length;
            out->content_length = length;
        }
    } else if (equals_ignore_case(name, "Transfer-Encoding")) {
        if (!equals_ignore_case(value, "chunked")) // the only coding a Runtime API uses
            return false;
        out->framing = Framing::chunked; // overrides Content-Length (RFC 9112 6.3)
    } else if (equals_ignore_case(name, "Connection")) {
        out->close = out->close || equals_ignore_case(value, "close");
    }
    return true;
}

Parse parse_head(Str bytes, Head* out, HeaderVisitor visit, void* context)
{
    *out = Head{};
    // Status line: HTTP/1.x SP 3DIGIT [SP reason] CRLF
    const char* p = bytes.ptr;
    unsigned long long status;
    if (bytes.len < 14 || !bytes.starts_with("HTTP/1.") || (p[7] | 1) != '1' || p[8] != ' ' ||
        !parse_decimal(bytes.sub(9, 3), 3, &status) || status < 100 || (p[12] != ' ' && p[12] != '\r'))
        return Parse::invalid;
    out->status = static_cast<int>(status);
    if (visit)
        visit(context, {}, {});
    // Control characters other than tab appear only as the CRLF ending a line.
    const char* line = nullptr; // the current header line; null on the status line
    for (const char* c = p; c + 1 < bytes.end(); ++c) {
        auto ch = static_cast<unsigned char>(*c);
        if (ch != '\r') {
            if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
                return Parse::invalid;
            continue;
        }
        if (c[1] != '\n')
            return Parse::invalid;
        if (line == c) {
            out->length = static_cast<size_t>(c + 2 - p);
            return Parse::done;
        }
        if (line) {
            const char* colon = line;
            for (; colon < c && *colon != ':'; ++colon) {
                if (is_blank(*colon)) // no blanks in or after a name
                    return Parse::invalid;
            }
            Str name(line, static_cast<size_t>(colon - line)), value = trim(colon + 1, c);
            if (colon == c || colon == line || !apply_framing(name, value, out))
                return Parse::invalid;
            if (visit)
                visit(context, name, value);
        }
        line = ++c + 1;
    }
    return Parse::partial;
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
