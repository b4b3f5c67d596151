// The syscall layer on raw syscalls (arch/<cpu>/syscall.h).
#include "sys.h"

#include <syscall.h>

namespace wisp::sys {

using namespace arch;

static long p(const void* ptr) { return reinterpret_cast<long>(ptr); }
static long n(size_t value) { return static_cast<long>(value); }

long read(int fd, void* buffer, size_t len) { return syscall3(nr_read, fd, p(buffer), n(len)); }

long write(int fd, const void* buffer, size_t len) { return syscall3(nr_write, fd, p(buffer), n(len)); }

long send(int fd, const IoVec* iov, int count)
{
    struct {
        const void* name;
        unsigned name_len;
        const IoVec* iov;
        size_t iov_len;
        const void* control;
        size_t control_len;
        int flags;
    } message{nullptr, 0, iov, static_cast<size_t>(count), nullptr, 0, 0};
    constexpr long msg_nosignal = 0x4000;
    return syscall3(nr_sendmsg, fd, p(&message), msg_nosignal);
}

long socket(int domain, int type, int protocol) { return syscall3(nr_socket, domain, type, protocol); }

long connect(int fd, const void* address, unsigned address_len)
{
    return syscall3(nr_connect, fd, p(address), address_len);
}

long setsockopt(int fd, int level, int name, const void* value, unsigned len)
{
    return syscall5(nr_setsockopt, fd, level, name, p(value), len);
}

long close(int fd) { return syscall1(nr_close, fd); }

long map(size_t len)
{
    constexpr long prot_read_write = 3, map_private_anonymous_noreserve = 0x02 | 0x20 | 0x4000;
    return syscall6(nr_mmap, 0, n(len), prot_read_write, map_private_anonymous_noreserve, -1, 0);
}

long clock_gettime(int clock, Timespec* out) { return syscall2(nr_clock_gettime, clock, p(out)); }

void exit(int status)
{
    for (;;)
        syscall1(nr_exit_group, status);
}

} // namespace wisp::sys
