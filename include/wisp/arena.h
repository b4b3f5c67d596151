// Bump allocator over a region mapped once; the runtime releases it to a mark
// after every invocation. Only trivially destructible types belong here.
#pragma once

#include <stddef.h>

namespace wisp {

class Arena {
public:
    Arena(void* base, size_t capacity) : m_base(static_cast<char*>(base)), m_capacity(capacity) { }

    // nullptr (and exhausted() from then on) when the request does not fit.
    void* alloc(size_t size, size_t align = alignof(max_align_t));

    template <class T>
    T* alloc_array(size_t count)
    {
        static_assert(__has_trivial_destructor(T), "the arena never runs destructors");
        if (count > static_cast<size_t>(-1) / sizeof(T)) {
            m_exhausted = true;
            return nullptr;
        }
        return static_cast<T*>(alloc(count * sizeof(T), alignof(T)));
    }

    size_t mark() const { return m_used; }
    void release(size_t mark);
    // Resets the exhausted flag too: the runtime calls it between invocations.
    void reset_to(size_t mark)
    {
        release(mark);
        m_exhausted = false;
    }
    bool exhausted() const { return m_exhausted; }
    size_t used() const { return m_used; }
    size_t capacity() const { return m_capacity; }

private:
    char* m_base;
    size_t m_capacity;
    size_t m_used = 0;
    bool m_exhausted = false;
};

} // namespace wisp
