#include <wisp/arena.h>

#include "kit.h"

#include <stdint.h>

alignas(16) static char region[256];

TEST(alloc_aligns_and_counts)
{
    wisp::Arena arena(region, sizeof region);
    void* a = arena.alloc(3, 1);
    void* b = arena.alloc(8, 8);
    CHECK(a == region);
    CHECK_EQ(reinterpret_cast<uintptr_t>(b) % 8, 0u);
    CHECK_EQ(arena.used(), 16u);
    CHECK(!arena.exhausted());
}

TEST(exhaustion_is_sticky_until_reset)
{
    wisp::Arena arena(region, sizeof region);
    size_t mark = arena.mark();
    CHECK(arena.alloc(200, 1) != nullptr);
    CHECK(arena.alloc(100, 1) == nullptr);
    CHECK(arena.exhausted());
    CHECK(arena.alloc(8, 1) != nullptr); // what still fits is served
    CHECK(arena.exhausted());
    arena.reset_to(mark);
    CHECK(!arena.exhausted());
    CHECK_EQ(arena.used(), 0u);
}

TEST(huge_requests_fail_without_wrapping)
{
    wisp::Arena arena(region, sizeof region);
    CHECK(arena.alloc(static_cast<size_t>(-1), 1) == nullptr);
    CHECK(arena.alloc_array<long>(static_cast<size_t>(-1) / 4) == nullptr);
    CHECK(arena.alloc(1, 1) != nullptr);
    CHECK(arena.alloc(8, size_t(1) << 62) == nullptr);
}

TEST(release_only_moves_back)
{
    wisp::Arena arena(region, sizeof region);
    arena.alloc(32, 1);
    size_t mark = arena.mark();
    arena.alloc(32, 1);
    arena.release(mark);
    CHECK_EQ(arena.used(), 32u);
    arena.release(100);
    CHECK_EQ(arena.used(), 32u);
}
