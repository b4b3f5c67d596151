// The syscall layer on raw syscalls (arch/<cpu>/syscall.h).
#include "sys.h"
#include "trap.h"

#include <syscall.h>

namespace wisp::sys {

using namespace arch;

static long p(const void* ptr) { return reinterpret_cast<long>(ptr); }
static long n(size_t value) { return static_cast<long>(value); }
// The kernel reads an int argument from the low half of its register, so
// the high half is left as it is: extending it would cost an instruction.
static long i(int value)
{
    long in_register;
    asm("" : "=r"(in_register) : "0"(value));
    return in_register;
}

long read(int fd, void* buffer, size_t len) { return syscall3(nr_read, i(fd), p(buffer), n(len)); }

long write(int fd, const void* buffer, size_t len) { return syscall3(nr_write, i(fd), p(buffer), n(len)); }

long send(int fd, const IoVec* iov, int count)
{
    struct { // the kernel's struct user_msghdr
        const void* name;
        unsigned name_len;
        const IoVec* iov;
        size_t iov_len;
        const void* control;
        size_t control_len;
        int flags;
    } message;
    // Only what sendmsg reads is set: without a name the kernel takes its
    // length as 0, without control data (length 0) it ignores the pointer,
    // and it ignores flags. Clearing the whole header costs more.
    message.name = nullptr;
    message.iov = iov;
    message.iov_len = static_cast<size_t>(count);
    message.control_len = 0;
    constexpr long msg_nosignal = 0x4000;
    return syscall3(nr_sendmsg, i(fd), p(&message), msg_nosignal);
}

long socket(int domain, int type, int protocol) { return syscall3(nr_socket, i(domain), i(type), i(protocol)); }

long connect(int fd, const void* address, unsigned address_len)
{
    return syscall3(nr_connect, i(fd), p(address), address_len);
}

long setsockopt(int fd, int level, int name, const void* value, unsigned len)
{
    return syscall5(nr_setsockopt, i(fd), i(level), i(name), p(value), len);
}

long close(int fd) { return syscall1(nr_close, i(fd)); }

long map(void* at, size_t len)
{
    constexpr long prot_read_write = 3, private_anonymous_noreserve_fixed_noreplace = 0x02 | 0x20 | 0x4000 | 0x100000;
    return syscall6(nr_mmap, p(at), n(len), prot_read_write, private_anonymous_noreserve_fixed_noreplace, -1, 0);
}

long clock_gettime(int clock, Timespec* out) { return syscall2(nr_clock_gettime, i(clock), p(out)); }

void exit(int status)
{
    syscall1(nr_exit_group, i(status));
    cannot_happen(); // exit_group does not return
}

// Processes and signals.
long fork()
{
    constexpr long sigchld = 17; // the exit signal: a child like fork's; no new stack
    return syscall2(nr_clone, sigchld, 0);
}

long getpid() { return syscall0(nr_getpid); }

long wait(int pid) { return syscall4(nr_wait4, i(pid), 0, 0, 0); }

long kill(int pid, int signal) { return syscall2(nr_kill, i(pid), i(signal)); }

long set_parent_death_signal(int signal)
{
    constexpr long pr_set_pdeathsig = 1;
    return syscall2(nr_prctl, pr_set_pdeathsig, static_cast<long>(signal)); // an unsigned long argument
}

long on_signal(int signal, void (*handler)(int))
{
    struct { // the kernel's struct sigaction
        void (*handler)(int);
        unsigned long flags;
        void (*restorer)();
        unsigned long mask;
    } action{handler, sa_restorer, restorer, 0};
    return syscall4(nr_rt_sigaction, i(signal), p(&action), 0, sizeof action.mask);
}

long nanosleep(const Timespec* duration) { return syscall2(nr_nanosleep, p(duration), 0); }

long exec(const char* path, const char* const* argv, char* const* envp)
{
    return syscall3(nr_execve, p(path), p(argv), p(envp));
}

} // namespace wisp::sys
