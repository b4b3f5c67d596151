#include <wisp/str.h>

namespace wisp {

Str Str::from_cstr(const char* s)
{
    size_t n = 0;
    while (s[n])
        ++n;
    return {s, n};
}

bool operator==(Str a, Str b) { return a.len == b.len && (a.len == 0 || __builtin_memcmp(a.ptr, b.ptr, a.len) == 0); }

size_t read_number(Str text, unsigned base, size_t max_digits, unsigned long long* out)
{
    unsigned long long value = 0;
    size_t n = 0;
    for (; n < text.len && n < max_digits; ++n) {
        unsigned c = text.byte(n), digit = c - '0';
        if (digit > 9) {
            digit = (c | 0x20) - 'a' + 10;
            if (digit < 10 || digit >= base)
                break;
        }
        value = value * base + digit;
    }
    *out = value;
    return n;
}

bool equals_ignore_case(Str a, Str b)
{
    if (a.len != b.len)
        return false;
    for (size_t i = 0; i < a.len; ++i) {
        // Equal, or differing only in the case bit of an ASCII letter.
        unsigned char c = a.byte(i), diff = c ^ b.byte(i);
        if (diff && (diff != 0x20 || static_cast<unsigned char>((c | 0x20) - 'a') > 'z' - 'a'))
            return false;
    }
    return true;
}

} // namespace wisp
