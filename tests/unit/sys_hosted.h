// Faults the hosted syscall layer injects, set by tests; and a stand-in for
// the kernel's sockets, for tests that play the Runtime API in-process.
#pragma once

#include <stddef.h>

#include "sys.h"

namespace wisp::sys::hosted {

struct Faults {
    int eintr_next = 0; // the next N calls fail with EINTR
    long fail_next = 0; // the next call fails with this -errno
    size_t max_io = 0;  // reads and writes move at most this many bytes (0: no limit)
};

extern Faults faults;

// While `peer` is set, socket, connect, setsockopt, read, write, send and
// close go to it instead of the kernel (write to fd 2 included: the logs),
// with the same results (-errno on failure); faults are not injected.
struct Peer {
    virtual long socket() = 0;
    virtual long connect(int fd) = 0;
    virtual long read(int fd, void* buffer, size_t len) = 0;
    virtual long write(int fd, const void* buffer, size_t len) = 0;
    virtual long send(int fd, const IoVec* iov, int count) = 0;
    virtual long close(int fd) = 0;

protected:
    ~Peer() = default;
};

extern Peer* peer;

} // namespace wisp::sys::hosted
