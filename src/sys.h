// The syscall layer: thin wrappers returning the kernel's raw result, where
// -4095..-1 is -errno. The shipped bootstrap implements them with raw syscalls
// (sys.cpp); the hosted tests link a libc version that can inject faults.
#pragma once

#include <stddef.h>

namespace wisp::sys {

struct IoVec { // struct iovec
    const void* base;
    size_t len;
};

struct Timespec {
    long sec;
    long nsec;
};

long read(int fd, void* buffer, size_t len);
long write(int fd, const void* buffer, size_t len);
// sendmsg with MSG_NOSIGNAL: a peer that closed gives EPIPE, not SIGPIPE.
long send(int fd, const IoVec* iov, int count);
long socket(int domain, int type, int protocol);
long connect(int fd, const void* address, unsigned address_len);
long setsockopt(int fd, int level, int name, const void* value, unsigned len);
long close(int fd);
// Anonymous private read-write memory at `at` (MAP_FIXED_NOREPLACE: the
// result is `at` or -errno), committed only when touched.
long map(void* at, size_t len);
long clock_gettime(int clock, Timespec* out);
[[noreturn]] void exit(int status);

// No call here succeeds with a negative result (user-space addresses from
// mmap included).
inline bool failed(long result) { return result < 0; }

// The same on x86_64 and aarch64.
constexpr int af_inet = 2;
constexpr int af_inet6 = 10;
constexpr int sock_stream = 1;
constexpr int sock_cloexec = 02000000;
constexpr int ipproto_tcp = 6;
constexpr int tcp_nodelay = 1;
constexpr int clock_realtime = 0;

constexpr long eintr = -4;
constexpr long eagain = -11;
constexpr long epipe = -32;
constexpr long econnreset = -104;
constexpr long econnaborted = -103;
constexpr long enotconn = -107;

// Processes and signals: Managed Instances workers and the SIGTERM hook.
// fork(2) as clone(SIGCHLD): 0 in the child, the child's pid in the parent.
long fork();
long getpid();
// Waits for the child `pid` (-1: any child) to end; its pid, or -ECHILD.
long wait(int pid);
long kill(int pid, int signal);
// prctl(PR_SET_PDEATHSIG): `signal` comes when the parent process ends.
long set_parent_death_signal(int signal);
// Runs `handler` on `signal`, with the signal blocked while it runs.
long on_signal(int signal, void (*handler)(int));
long nanosleep(const Timespec* duration);
// execve(2): returns only on failure. Pass wisp::environment() as envp.
long exec(const char* path, const char* const* argv, char* const* envp);

constexpr int sigkill = 9;
constexpr int sigterm = 15;

} // namespace wisp::sys
