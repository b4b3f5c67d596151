// The four functions GCC and Clang may call even in freestanding code.
// Built with -fno-tree-loop-distribute-patterns so these loops are not turned
// back into calls to themselves.
#include <stddef.h>

extern "C" {

// Eight bytes at a time, then the rest; __builtin_memcpy of a constant 8
// bytes is a plain load and store, never a call.
[[gnu::used]] void* memcpy(void* dst, const void* src, size_t n)
{
    auto* d = static_cast<unsigned char*>(dst);
    auto* s = static_cast<const unsigned char*>(src);
    for (; n >= 8; n -= 8, d += 8, s += 8)
        __builtin_memcpy(d, s, 8);
    while (n--)
        *d++ = *s++;
    return dst;
}

[[gnu::used]] void* memmove(void* dst, const void* src, size_t n)
{
    auto* d = static_cast<unsigned char*>(dst);
    auto* s = static_cast<const unsigned char*>(src);
    if (d + 8 <= s || (d < s && n < 8)) // a forward copy never overwrites what it has yet to read
        return memcpy(dst, src, n);
    if (d < s) {
        while (n--)
            *d++ = *s++;
    } else {
        while (n--)
            d[n] = s[n];
    }
    return dst;
}

[[gnu::used]] void* memset(void* dst, int c, size_t n)
{
    auto* d = static_cast<unsigned char*>(dst);
    while (n--)
        *d++ = static_cast<unsigned char>(c);
    return dst;
}

[[gnu::used]] int memcmp(const void* a, const void* b, size_t n)
{
    auto* x = static_cast<const unsigned char*>(a);
    auto* y = static_cast<const unsigned char*>(b);
    for (; n; --n, ++x, ++y) {
        if (*x != *y)
            return *x - *y;
    }
    return 0;
}

} // extern "C"
