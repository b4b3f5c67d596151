#include <wisp/arena.h>

namespace wisp {

void* Arena::alloc(size_t size, size_t align)
{
    size_t start = (m_used + align - 1) & ~(align - 1);
    if (start < m_used || start > m_capacity || size > m_capacity - start) {
        m_exhausted = true;
        return nullptr;
    }
    m_used = start + size;
    return m_base + start;
}

void Arena::release(size_t mark)
{
    if (mark < m_used)
        m_used = mark;
}

} // namespace wisp
