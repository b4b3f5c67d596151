#include "http.h"

namespace wisp::http {

Str Head::find(Str name) const
{
    size_t kept = header_count < max_headers ? header_count : max_headers;
    for (size_t i = 0; i < kept; ++i) {
        if (equals_ignore_case(headers[i].name, name))
            return headers[i].value;
    }
    return {};
}

size_t find_head_end(Str bytes, size_t from)
{
    for (size_t i = from; i + 3 < bytes.len; ++i) {
        if (bytes.ptr[i + 3] == '\n' && bytes.ptr[i] == '\r' && bytes.ptr[i + 1] == '\n' && bytes.ptr[i + 2] == '\r')
            return i + 4;
    }
    return 0;
}

// RFC 9110 token characters, for header names.
static bool is_token(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return true;
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
        return true;
    return c != 0 && Str("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) < 15;
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

static Str trim(Str s)
{
    while (!s.empty() && (s.ptr[0] == ' ' || s.ptr[0] == '\t'))
        s = s.sub(1);
    while (!s.empty() && (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == '\t'))
        --s.len;
    return s;
}

static bool has_token(Str list, Str token)
{
    while (!list.empty()) {
        size_t comma = list.find(',');
        if (equals_ignore_case(trim(list.sub(0, comma)), token))
            return true;
        list = list.sub(comma + 1);
    }
    return false;
}

// Applies the headers that frame the message; false when they contradict.
static bool apply_framing(const Header& h, Head* out)
{
    if (equals_ignore_case(h.name, "Content-Length")) {
        unsigned long long length;
        if (!parse_length(h.value, &length))
            return false;
        if (out->framing == Framing::length && length != out->content_length)
            return false;
        if (out->framing != Framing::chunked) {
            out->framing = Framing::length;
            out->content_length = length;
        }
    } else if (equals_ignore_case(h.name, "Transfer-Encoding")) {
        if (!equals_ignore_case(h.value, "chunked")) // the only coding a Runtime API uses
            return false;
        out->framing = Framing::chunked; // overrides Content-Length (RFC 9112 6.3)
    } else if (equals_ignore_case(h.name, "Connection")) {
        out->close = out->close || has_token(h.value, "close");
    }
    return true;
}

Parse parse_head(Str bytes, Head* out)
{
    *out = Head{};
    // Status line: HTTP/1.x SP 3DIGIT [SP reason] CRLF
    if (bytes.len < 14 || !bytes.starts_with("HTTP/1.") || (bytes.ptr[7] != '0' && bytes.ptr[7] != '1') || bytes.ptr[8] != ' ')
        return Parse::invalid;
    int status = 0;
    for (size_t i = 9; i < 12; ++i) {
        unsigned digit = bytes.byte(i) - unsigned('0');
        if (digit > 9)
            return Parse::invalid;
        status = status * 10 + int(digit);
    }
    if (status < 100 || (bytes.ptr[12] != ' ' && bytes.ptr[12] != '\r'))
        return Parse::invalid;
    out->status = status;

    size_t pos = 12;
    while (pos < bytes.len && bytes.ptr[pos] != '\n')
        ++pos;
    if (pos == bytes.len || bytes.ptr[pos - 1] != '\r')
        return Parse::invalid;
    ++pos;
    for (;;) {
        Str line = bytes.sub(pos);
        size_t lf = line.find('\n');
        if (lf == line.len)
            return Parse::partial;
        if (lf == 0 || line.ptr[lf - 1] != '\r')
            return Parse::invalid;
        line.len = lf - 1;
        pos += lf + 1;
        if (line.empty()) {
            out->length = pos;
            return Parse::done;
        }
        size_t colon = line.find(':');
        if (colon == 0 || colon == line.len)
            return Parse::invalid;
        Header h{line.sub(0, colon), trim(line.sub(colon + 1))};
        for (size_t i = 0; i < h.name.len; ++i) {
            if (!is_token(h.name.byte(i)))
                return Parse::invalid;
        }
        for (size_t i = 0; i < h.value.len; ++i) {
            unsigned char c = h.value.byte(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f)
                return Parse::invalid;
        }
        if (!apply_framing(h, out))
            return Parse::invalid;
        if (out->header_count < max_headers)
            out->headers[out->header_count] = h;
        ++out->header_count;
    }
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
