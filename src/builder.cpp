#include <wisp/builder.h>

namespace wisp {

bool Builder::reserve(size_t count)
{
    if (m_overflowed || count > m_capacity - m_len) {
        m_overflowed = true;
        return false;
    }
    return true;
}

Builder& Builder::append(Str bytes)
{
    if (reserve(bytes.len)) {
        __builtin_memcpy(m_buffer + m_len, bytes.ptr, bytes.len);
        m_len += bytes.len;
    }
    return *this;
}

Builder& Builder::append(char c)
{
    if (reserve(1))
        m_buffer[m_len++] = c;
    return *this;
}

Builder& Builder::append_uint(unsigned long long value)
{
    char digits[20];
    size_t n = sizeof digits;
    do {
        digits[--n] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value);
    return append(Str(digits + n, sizeof digits - n));
}

Builder& Builder::append_int(long long value)
{
    if (value >= 0)
        return append_uint(static_cast<unsigned long long>(value));
    append('-');
    // -(value + 1) + 1 avoids overflowing on the most negative value.
    return append_uint(static_cast<unsigned long long>(-(value + 1)) + 1);
}

Builder& Builder::append_json_string(Str text)
{
    append('"');
    size_t run = 0; // start of the bytes not yet written that need no escape
    for (size_t i = 0; i < text.len; ++i) {
        unsigned char c = text.byte(i);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        append(text.sub(run, i - run)).append('\\');
        run = i + 1;
        if (c >= 0x20) // " or \ after its backslash
            append(static_cast<char>(c));
        else // any control character as \u00XX: one rule, valid everywhere
            append(Str("u00")).append(static_cast<char>('0' + (c >> 4))).append("0123456789abcdef"[c & 15]);
    }
    return append(text.sub(run)).append('"');
}

} // namespace wisp
