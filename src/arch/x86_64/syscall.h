// x86_64 Linux: number in rax, arguments in rdi rsi rdx r10 r8 r9, result in
// rax; the syscall instruction clobbers rcx and r11.
#pragma once

namespace wisp::arch {

enum : long {
    nr_read = 0,
    nr_write = 1,
    nr_close = 3,
    nr_mmap = 9,
    nr_socket = 41,
    nr_connect = 42,
    nr_sendmsg = 46,
    nr_setsockopt = 54,
    nr_clock_gettime = 228,
    nr_exit_group = 231,
};

inline long syscall1(long n, long a)
{
    long r;
    asm volatile("syscall" : "=a"(r) : "a"(n), "D"(a) : "rcx", "r11", "memory");
    return r;
}

inline long syscall2(long n, long a, long b)
{
    long r;
    asm volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b) : "rcx", "r11", "memory");
    return r;
}

inline long syscall3(long n, long a, long b, long c)
{
    long r;
    asm volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return r;
}

inline long syscall5(long n, long a, long b, long c, long d, long e)
{
    long r;
    register long r10 asm("r10") = d;
    register long r8 asm("r8") = e;
    asm volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8) : "rcx", "r11", "memory");
    return r;
}

inline long syscall6(long n, long a, long b, long c, long d, long e, long f)
{
    long r;
    register long r10 asm("r10") = d;
    register long r8 asm("r8") = e;
    register long r9 asm("r9") = f;
    asm volatile("syscall"
                 : "=a"(r)
                 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                 : "rcx", "r11", "memory");
    return r;
}

// Processes and signals: Managed Instances workers (runtime.cpp), the SIGTERM
// hook (shutdown.cpp), and handlers that start programs (execve).
enum : long {
    nr_rt_sigaction = 13,
    nr_rt_sigreturn = 15,
    nr_nanosleep = 35,
    nr_getpid = 39,
    nr_clone = 56,
    nr_execve = 59,
    nr_wait4 = 61,
    nr_kill = 62,
    nr_prctl = 157,
};

inline long syscall0(long n)
{
    long r;
    asm volatile("syscall" : "=a"(r) : "a"(n) : "rcx", "r11", "memory");
    return r;
}

inline long syscall4(long n, long a, long b, long c, long d)
{
    long r;
    register long r10 asm("r10") = d;
    asm volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
    return r;
}

// x86_64 delivers a signal only with SA_RESTORER: the handler returns to this
// trampoline, which asks the kernel to restore the interrupted context.
extern "C" void wisp_sigreturn();
asm(".pushsection .text.wisp_sigreturn,\"ax\",@progbits\n"
    "wisp_sigreturn:\n"
    "  mov $15, %eax\n"
    "  syscall\n"
    ".popsection\n");
constexpr unsigned long sa_restorer = 0x04000000;
inline void (*const restorer)() = wisp_sigreturn;

} // namespace wisp::arch
