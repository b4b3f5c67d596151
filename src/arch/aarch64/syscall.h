// aarch64 Linux: number in x8, arguments in x0..x5, result in x0; svc #0
// clobbers nothing else.
#pragma once

namespace wisp::arch {

enum : long {
    nr_read = 63,
    nr_write = 64,
    nr_close = 57,
    nr_mmap = 222,
    nr_socket = 198,
    nr_connect = 203,
    nr_sendmsg = 211,
    nr_setsockopt = 208,
    nr_clock_gettime = 113,
    nr_exit_group = 94,
};

inline long syscall6(long n, long a, long b, long c, long d, long e, long f)
{
    register long x8 asm("x8") = n;
    register long x0 asm("x0") = a;
    register long x1 asm("x1") = b;
    register long x2 asm("x2") = c;
    register long x3 asm("x3") = d;
    register long x4 asm("x4") = e;
    register long x5 asm("x5") = f;
    asm volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
    return x0;
}

// Fewer arguments: the kernel ignores the registers a call does not use, but
// setting them costs an instruction each, so each arity has its own asm.
inline long syscall1(long n, long a)
{
    register long x8 asm("x8") = n;
    register long x0 asm("x0") = a;
    asm volatile("svc #0" : "+r"(x0) : "r"(x8) : "memory");
    return x0;
}

inline long syscall2(long n, long a, long b)
{
    register long x8 asm("x8") = n;
    register long x0 asm("x0") = a;
    register long x1 asm("x1") = b;
    asm volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1) : "memory");
    return x0;
}

inline long syscall3(long n, long a, long b, long c)
{
    register long x8 asm("x8") = n;
    register long x0 asm("x0") = a;
    register long x1 asm("x1") = b;
    register long x2 asm("x2") = c;
    asm volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
    return x0;
}

inline long syscall5(long n, long a, long b, long c, long d, long e)
{
    register long x8 asm("x8") = n;
    register long x0 asm("x0") = a;
    register long x1 asm("x1") = b;
    register long x2 asm("x2") = c;
    register long x3 asm("x3") = d;
    register long x4 asm("x4") = e;
    asm volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4) : "memory");
    return x0;
}

// Processes and signals: Managed Instances workers (runtime.cpp), the SIGTERM
// hook (shutdown.cpp), and handlers that start programs (execve).
enum : long {
    nr_nanosleep = 101,
    nr_kill = 129,
    nr_rt_sigaction = 134,
    nr_prctl = 167,
    nr_getpid = 172,
    nr_clone = 220,
    nr_execve = 221,
    nr_wait4 = 260,
};

inline long syscall0(long n)
{
    register long x8 asm("x8") = n;
    register long x0 asm("x0");
    asm volatile("svc #0" : "=r"(x0) : "r"(x8) : "memory");
    return x0;
}

inline long syscall4(long n, long a, long b, long c, long d)
{
    register long x8 asm("x8") = n;
    register long x0 asm("x0") = a;
    register long x1 asm("x1") = b;
    register long x2 asm("x2") = c;
    register long x3 asm("x3") = d;
    asm volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
    return x0;
}

// A handler returns through the vDSO's sigreturn trampoline: no SA_RESTORER.
constexpr unsigned long sa_restorer = 0;
constexpr void (*restorer)() = nullptr;

} // namespace wisp::arch
