// What the fuzz targets share: a check that traps (libFuzzer and the replay
// programs report the input), 128-bit integers for reference arithmetic, and
// pseudo-random choices seeded from the input, so that libFuzzer's mutations
// make the choices too (split points, limits).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace fuzz {

inline void require(bool ok)
{
    if (!ok)
        __builtin_trap();
}

// A GCC and clang extension.
__extension__ typedef unsigned __int128 U128;
__extension__ typedef __int128 I128;

// splitmix64.
struct Random {
    unsigned long long state;
    unsigned long long next()
    {
        unsigned long long z = (state += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
};

// FNV-1a of the input: the seed of its Random.
inline unsigned long long hash(const uint8_t* data, size_t size)
{
    unsigned long long h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < size; ++i)
        h = (h ^ data[i]) * 0x100000001b3ull;
    return h;
}

} // namespace fuzz
