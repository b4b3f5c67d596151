#include <wisp/arena.h>

#include "kit.h"

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sanitizer/asan_interface.h>

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

// Sanitizer builds (these tests always are one) poison what release() hands
// back and unpoison what alloc() hands out.
TEST(released_memory_is_poisoned_and_realloc_unpoisons_it)
{
    alignas(16) static char space[128];
    wisp::Arena arena(space, sizeof space);
    size_t mark = arena.mark();
    auto* a = static_cast<char*>(arena.alloc(40, 8));
    REQUIRE(a != nullptr);
    CHECK(!__asan_region_is_poisoned(a, 40));
    a[39] = 1;
    arena.release(mark);
    CHECK(__asan_address_is_poisoned(a));
    CHECK(__asan_address_is_poisoned(a + 39));
    CHECK_EQ(__asan_region_is_poisoned(a, 40), static_cast<void*>(a));
    auto* b = static_cast<char*>(arena.alloc(16, 8));
    CHECK(b == a);
    CHECK(!__asan_region_is_poisoned(b, 16));
    CHECK(__asan_address_is_poisoned(a + 16)); // still released
    // reset_to releases too, and a release to a later mark poisons only the tail.
    arena.alloc(24, 8);
    size_t later = arena.mark();
    arena.alloc(8, 8);
    arena.reset_to(later);
    CHECK(!__asan_region_is_poisoned(a, 40));
    CHECK(__asan_address_is_poisoned(a + 40));
    arena.reset_to(mark);
    CHECK_EQ(__asan_region_is_poisoned(space, sizeof space), static_cast<void*>(space));
}

// A read after the release is reported: a child process that does one dies
// of AddressSanitizer's abort.
TEST(a_read_after_release_is_reported)
{
    alignas(16) static char space[64];
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 2); // the report is expected: keep it out of the log
        wisp::Arena arena(space, sizeof space);
        auto* p = static_cast<volatile char*>(arena.alloc(16, 8));
        p[0] = 'x';
        arena.reset_to(0);
        char c = p[0]; // reported here
        _exit(c == 'x' ? 0 : 3);
    }
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status));
    CHECK_EQ(WIFSIGNALED(status) ? WTERMSIG(status) : 0, SIGABRT);
}
