// Faults the hosted syscall layer injects, set by tests.
#pragma once

#include <stddef.h>

namespace wisp::sys::hosted {

struct Faults {
    int eintr_next = 0; // the next N calls fail with EINTR
    long fail_next = 0; // the next call fails with this -errno
    size_t max_io = 0;  // reads and writes move at most this many bytes (0: no limit)
};

extern Faults faults;

} // namespace wisp::sys::hosted
