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
    if (reserve(bytes.len) && bytes.len) { // an empty Str may hold a null pointer, which memcpy must not get
        // The length first: nothing but this is needed after the copy.
        char* to = m_buffer + m_len;
        m_len += bytes.len;
        __builtin_memcpy(to, bytes.ptr, bytes.len);
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
    char* first = digits + sizeof digits;
    do {
        *--first = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value);
    return append(Str(first, static_cast<size_t>(digits + sizeof digits - first)));
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
    append(Str("\""));
    const char* end = text.end();
    const char* run = text.ptr; // the bytes not yet written need no escape
    for (const char* p = run;; ++p) {
        unsigned char c = 0;
        if (p < end) {
            c = static_cast<unsigned char>(*p);
            if (c >= 0x20 && c != '"' && c != '\\')
                continue;
        }
        append(Str(run, static_cast<size_t>(p - run)));
        if (p == end)
            break;
        // A backslash before " and \, which start the next run; any control
        // character as \u00XX: one rule, valid everywhere.
        unsigned low = c & 15;
        char escape[] = {'\\', 'u', '0', '0', static_cast<char>('0' + (c >> 4)),
            static_cast<char>(low + (low < 10 ? '0' : 'a' - 10))};
        run = p;
        size_t len = 1;
        if (c < 0x20) {
            ++run;
            len = 6;
        }
        append(Str(escape, len));
    }
    return append(Str("\""));
}

} // namespace wisp
