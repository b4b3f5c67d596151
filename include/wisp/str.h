// A view of bytes owned by someone else: the receive buffer, the arena, a literal.
#pragma once

#include <stddef.h>

namespace wisp {

struct Str {
    const char* ptr = nullptr;
    size_t len = 0;

    constexpr Str() = default;
    constexpr Str(const char* p, size_t n) : ptr(p), len(n) { }
    // From a string literal; the terminating NUL is not part of the view.
    template <size_t N>
    constexpr Str(const char (&literal)[N]) : ptr(literal), len(N - 1)
    {
    }

    static Str from_cstr(const char* s);

    constexpr bool empty() const { return len == 0; }
    constexpr const char* begin() const { return ptr; }
    constexpr const char* end() const { return ptr + len; }
    constexpr unsigned char byte(size_t i) const { return static_cast<unsigned char>(ptr[i]); }

    // Bytes [from, from + count), clamped to the view.
    [[gnu::always_inline]] constexpr Str sub(size_t from, size_t count = static_cast<size_t>(-1)) const
    {
        if (from > len)
            from = len;
        if (count > len - from)
            count = len - from;
        return {ptr + from, count};
    }
    [[gnu::always_inline]] bool starts_with(Str prefix) const
    {
        return prefix.len <= len && __builtin_memcmp(ptr, prefix.ptr, prefix.len) == 0;
    }
    // Index of the first `c`, or len when absent.
    [[gnu::always_inline]] size_t find(char c) const
    {
        size_t i = 0;
        while (i < len && ptr[i] != c)
            ++i;
        return i;
    }
};

// Reads up to max_digits digits (base 10 or 16) from the front of text into
// *out and returns how many it read; callers compare that with text.len.
size_t read_number(Str text, unsigned base, size_t max_digits, unsigned long long* out);

bool operator==(Str a, Str b);
inline bool operator!=(Str a, Str b) { return !(a == b); }
// ASCII case-insensitive equality (HTTP header names).
bool equals_ignore_case(Str a, Str b);

} // namespace wisp
