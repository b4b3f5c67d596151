// Appends bytes into a fixed buffer. Overflow is sticky: once a write does not
// fit, nothing more is written and overflowed() says so; check it once at the end.
#pragma once

#include <wisp/str.h>

namespace wisp {

class Builder {
public:
    Builder(char* buffer, size_t capacity) : m_buffer(buffer), m_capacity(capacity) { }

    Builder& append(Str bytes);
    Builder& append(char c);
    Builder& append_uint(unsigned long long value);
    Builder& append_int(long long value);
    // `text` as a JSON string literal, quotes included: `"` and `\` escaped
    // with a backslash, control characters as \u00XX, bytes >= 0x80 passed
    // through unchanged.
    Builder& append_json_string(Str text);

    Str view() const { return {m_buffer, m_len}; }
    size_t size() const { return m_len; }
    size_t capacity() const { return m_capacity; }
    bool overflowed() const { return m_overflowed; }
    void clear()
    {
        m_len = 0;
        m_overflowed = false;
    }

private:
    bool reserve(size_t count);

    char* m_buffer;
    size_t m_capacity;
    size_t m_len = 0;
    bool m_overflowed = false;
};

} // namespace wisp
