// The four functions GCC and Clang may call even in freestanding code.
// Built with -fno-tree-loop-distribute-patterns so these loops are not turned
// back into calls to themselves.
#include <stddef.h>

extern "C" {

// Forwards eight bytes at a time, then the rest; __builtin_memmove of a
// constant 8 bytes is a plain load and store, never a call. Each load comes
// before the store that could overwrite it, so a forward copy is also right
// for an overlapping destination below the source.
[[gnu::used]] void* memmove(void* dst, const void* src, size_t n)
{
    auto* d = static_cast<unsigned char*>(dst);
    auto* s = static_cast<const unsigned char*>(src);
    if (d > s && d < s + n) { // overlapping, upwards: backwards, each byte read before it is overwritten
        while (n--)
            d[n] = s[n];
        return dst;
    }
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        __builtin_memmove(d + i, s + i, 8);
    for (; i < n; ++i)
        d[i] = s[i];
    return dst;
}

// memmove does all that memcpy must.
[[gnu::used, gnu::alias("memmove")]] void* memcpy(void* dst, const void* src, size_t n);

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
        if (int difference = *x - *y)
            return difference;
    }
    return 0;
}

} // extern "C"
