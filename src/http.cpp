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

static bool parse_length(Str text, unsigned long long* out)
{
    unsigned long long value = 0;
    if (text.empty() || text.len > 15) // up to a petabyte; anything larger is nonsense here
        return false;
    for (size_t i = 0; i < text.len; ++i) {
        unsigned digit = text.byte(i) - unsigned('0');
        if (digit > 9)
            return false;
        value = value * 10 + digit;
    }
    *out = value;
    return true;
}

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

// Applies a header that frames the message; false when it contradicts.
static bool apply_framing(Str name, Str value, Head* out)
{
    if (equals_ignore_case(name, "Content-Length")) {
        unsigned long long length;
        if (!parse_length(value, &length) || (out->framing == Framing::length && length != out->content_length))
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
    if (bytes.len < 14 || !bytes.starts_with("HTTP/1.") || (p[7] | 1) != '1' || p[8] != ' ' || (p[12] != ' ' && p[12] != '\r'))
        return Parse::invalid;
    for (size_t i = 9; i < 12; ++i) {
        unsigned digit = bytes.byte(i) - unsigned('0');
        if (digit > 9)
            return Parse::invalid;
        out->status = out->status * 10 + int(digit);
    }
    if (out->status < 100)
        return Parse::invalid;
    if (visit)
        visit(context, {}, {});
    // Then lines up to the blank one: control characters (but tab) appear only
    // as the CRLF ending a line; a header name has no blanks.
    size_t line = 0, colon = 0;
    for (size_t i = 12; i < bytes.len; ++i) {
        unsigned char c = bytes.byte(i);
        if (c == ':' && !colon)
            colon = i;
        if (c >= 0x20 && c != 0x7f)
            continue;
        if (c == '\t' && (colon || !line)) // tabs are allowed in values and the reason
            continue;
        if (c != '\r' || i + 1 == bytes.len || p[i + 1] != '\n')
            return Parse::invalid;
        if (line) { // a header line [line, i)
            if (i == line) {
                out->length = i + 2;
                return Parse::done;
            }
            if (colon <= line)
                return Parse::invalid;
            Str name(p + line, colon - line), value(p + colon + 1, i - colon - 1);
            for (size_t k = 0; k < name.len; ++k) {
                if (name.ptr[k] == ' ')
                    return Parse::invalid;
            }
            while (value.len && is_blank(value.ptr[0]))
                value = value.sub(1);
            while (value.len && is_blank(value.ptr[value.len - 1]))
                --value.len;
            if (!apply_framing(name, value, out))
                return Parse::invalid;
            if (visit)
                visit(context, name, value);
        }
        line = i + 2;
        colon = 0;
        ++i;
    }
    return Parse::partial;
}

Parse ChunkedDecoder::decode(char* buffer, size_t len, size_t limit)
{
    while (m_read < len) {
        auto c = static_cast<unsigned char>(buffer[m_read]);
        if (m_cr) { // only an LF may follow a CR
            if (c != '\n')
                return Parse::invalid;
            m_cr = false;
            ++m_read;
            if (m_state == State::size_end) {
                m_state = m_chunk ? State::data : State::trailer;
            } else if (m_state == State::data_end) {
                m_state = State::size;
                m_chunk = 0;
                m_digits = 0;
            } else if (m_state == State::trailer) {
                m_state = State::done;
                return Parse::done;
            } else { // end of a trailer line
                m_state = State::trailer;
            }
            continue;
        }
        switch (m_state) {
        case State::size: {
            int digit = (c >= '0' && c <= '9') ? c - '0' : ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') ? (c | 0x20) - 'a' + 10 : -1;
            if (digit >= 0) {
                if (++m_digits > 12) // over 2^48: not a chunk anyone sends
                    return Parse::invalid;
                m_chunk = m_chunk * 16 + unsigned(digit);
            } else if (m_digits && c == ';') {
                m_state = State::extension;
            } else if (m_digits && c == '\r') {
                m_state = State::size_end;
                m_cr = true;
            } else {
                return Parse::invalid;
            }
            ++m_read;
            break;
        }
        case State::extension:
            if (c == '\r') {
                m_state = State::size_end;
                m_cr = true;
            } else if (c < 0x20 && c != '\t') {
                return Parse::invalid;
            }
            ++m_read;
            break;
        case State::data: {
            size_t n = len - m_read;
            if (n > m_chunk)
                n = static_cast<size_t>(m_chunk);
            if (!m_too_large && n > limit - m_write) {
                m_too_large = true;
                m_write = 0;
            }
            if (!m_too_large) {
                __builtin_memmove(buffer + m_write, buffer + m_read, n);
                m_write += n;
            }
            m_read += n;
            m_chunk -= n;
            if (!m_chunk)
                m_state = State::data_end;
            break;
        }
        case State::data_end:
            if (c != '\r')
                return Parse::invalid;
            m_cr = true;
            ++m_read;
            break;
        case State::trailer:
            if (c == '\r')
                m_cr = true;
            else
                m_state = State::trailer_line;
            ++m_read;
            break;
        case State::trailer_line:
            if (c == '\r')
                m_cr = true;
            else if (c < 0x20 && c != '\t')
                return Parse::invalid;
            ++m_read;
            break;
        case State::done:
            return Parse::done;
        case State::size_end: // always has m_cr set, handled above
            __builtin_trap();
        }
    }
    return m_state == State::done ? Parse::done : Parse::partial;
}

size_t ChunkedDecoder::compact(char* buffer, size_t len)
{
    size_t tail = len - m_read;
    __builtin_memmove(buffer + m_write, buffer + m_read, tail);
    m_read = m_write;
    return m_write + tail;
}

} // namespace wisp::http
