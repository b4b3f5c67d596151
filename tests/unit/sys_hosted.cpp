// The syscall layer for hosted tests: libc underneath, with faults a test can
// script (short reads and writes, EINTR, resets) to exercise the core's loops.
#include "sys.h"
#include "sys_hosted.h"

#include <errno.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace wisp::sys {

hosted::Faults hosted::faults;
hosted::Peer* hosted::peer;

static long result(long r) { return r < 0 ? -errno : r; }

// One scripted fault per call while any are queued.
static bool inject(long* out)
{
    auto& f = hosted::faults;
    if (f.eintr_next > 0) {
        --f.eintr_next;
        *out = eintr;
        return true;
    }
    if (f.fail_next != 0) {
        *out = f.fail_next;
        f.fail_next = 0;
        return true;
    }
    return false;
}

static size_t clamp(size_t len)
{
    size_t max = hosted::faults.max_io;
    return (max && len > max) ? max : len;
}

long read(int fd, void* buffer, size_t len)
{
    if (hosted::peer)
        return hosted::peer->read(fd, buffer, len);
    long r;
    if (inject(&r))
        return r;
    return result(::read(fd, buffer, clamp(len)));
}

long write(int fd, const void* buffer, size_t len)
{
    if (hosted::peer)
        return hosted::peer->write(fd, buffer, len);
    long r;
    if (inject(&r))
        return r;
    return result(::write(fd, buffer, clamp(len)));
}

long send(int fd, const IoVec* iov, int count)
{
    if (hosted::peer)
        return hosted::peer->send(fd, iov, count);
    long r;
    if (inject(&r))
        return r;
    msghdr message{};
    message.msg_iov = const_cast<iovec*>(reinterpret_cast<const iovec*>(iov));
    message.msg_iovlen = static_cast<size_t>(count);
    iovec first{};
    if (hosted::faults.max_io) { // a short write: at most max_io bytes of the first buffer
        first = {const_cast<void*>(iov[0].base), clamp(iov[0].len)};
        message.msg_iov = &first;
        message.msg_iovlen = 1;
    }
    return result(::sendmsg(fd, &message, MSG_NOSIGNAL));
}

long socket(int domain, int type, int protocol)
{
    return hosted::peer ? hosted::peer->socket() : result(::socket(domain, type, protocol));
}

long connect(int fd, const void* address, unsigned address_len)
{
    if (hosted::peer)
        return hosted::peer->connect(fd);
    return result(::connect(fd, static_cast<const sockaddr*>(address), address_len));
}

long setsockopt(int fd, int level, int name, const void* value, unsigned len)
{
    if (hosted::peer)
        return 0;
    return result(::setsockopt(fd, level, name, value, len));
}

long close(int fd) { return hosted::peer ? hosted::peer->close(fd) : result(::close(fd)); }

long map(void* at, size_t len)
{
    void* p =
        mmap(at, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    return p == MAP_FAILED ? -errno : reinterpret_cast<long>(p);
}

long clock_gettime(int clock, Timespec* out)
{
    timespec ts;
    long r = result(::clock_gettime(clock, &ts));
    out->sec = ts.tv_sec;
    out->nsec = ts.tv_nsec;
    return r;
}

void exit(int status) { ::_exit(status); }

// Processes and signals.
long fork() { return result(::fork()); }

long getpid() { return ::getpid(); }

long wait(int pid) { return result(::waitpid(pid, nullptr, 0)); }

long kill(int pid, int signal) { return result(::kill(pid, signal)); }

long set_parent_death_signal(int signal) { return result(::prctl(PR_SET_PDEATHSIG, signal)); }

long on_signal(int signal, void (*handler)(int))
{
    struct sigaction action { };
    action.sa_handler = handler;
    return result(::sigaction(signal, &action, nullptr));
}

long nanosleep(const Timespec* duration)
{
    timespec ts{duration->sec, duration->nsec};
    return result(::nanosleep(&ts, nullptr));
}

long exec(const char* path, const char* const* argv, char* const* envp)
{
    return result(::execve(path, const_cast<char* const*>(argv), envp));
}

} // namespace wisp::sys
