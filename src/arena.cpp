#include <wisp/arena.h>

// Under AddressSanitizer (the hosted tests and the fuzz targets; never the
// bootstrap) what release() hands back is poisoned, so that a read or write
// of it afterwards is reported as a use-after-poison, and alloc() unpoisons
// what it hands out.
#if defined(__SANITIZE_ADDRESS__) // GCC
#define WISP_ARENA_POISON 1
#elif defined(__has_feature) // clang
#if __has_feature(address_sanitizer)
#define WISP_ARENA_POISON 1
#endif
#endif

#ifdef WISP_ARENA_POISON
#include <sanitizer/asan_interface.h>
#endif

namespace wisp {

void* Arena::alloc(size_t size, size_t align)
{
    size_t start = (m_used + align - 1) & ~(align - 1);
    if (start < m_used || start > m_capacity || size > m_capacity - start) {
        m_exhausted = true;
        return nullptr;
    }
    m_used = start + size;
#ifdef WISP_ARENA_POISON
    __asan_unpoison_memory_region(m_base + start, size);
#endif
    return m_base + start;
}

void Arena::release(size_t mark)
{
    if (mark < m_used) {
#ifdef WISP_ARENA_POISON
        __asan_poison_memory_region(m_base + mark, m_used - mark);
#endif
        m_used = mark;
    }
}

} // namespace wisp
