// A tiny test kit for the hosted unit tests: TEST registers a case, CHECK and
// CHECK_EQ report the failing line and keep going, REQUIRE stops the case.
// Each binary ends with "kit: N passed, N failed" and exits non-zero on failure.
#pragma once

#include <stdio.h>
#include <string.h>

namespace kit {

struct Case {
    const char* name;
    void (*body)();
    Case* next;
};

struct State {
    Case* first = nullptr;
    Case* last = nullptr;
    int failed_checks = 0;
};

inline State& state()
{
    static State s;
    return s;
}

struct Register {
    Case entry;
    Register(const char* name, void (*body)()) : entry{name, body, nullptr}
    {
        State& s = state();
        (s.last ? s.last->next : s.first) = &entry;
        s.last = &entry;
    }
};

inline bool check(bool ok, const char* file, int line, const char* expr)
{
    if (!ok) {
        fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", file, line, expr);
        ++state().failed_checks;
    }
    return ok;
}

// Values printed on failure: integers, C strings and byte views.
inline void show(long long v) { fprintf(stderr, "%lld", v); }
inline void show(unsigned long long v) { fprintf(stderr, "%llu", v); }
inline void show(int v) { fprintf(stderr, "%d", v); }
inline void show(unsigned v) { fprintf(stderr, "%u", v); }
inline void show(long v) { fprintf(stderr, "%ld", v); }
inline void show(unsigned long v) { fprintf(stderr, "%lu", v); }
inline void show(bool v) { fprintf(stderr, "%s", v ? "true" : "false"); }
inline void show(const char* v) { fprintf(stderr, "\"%s\"", v); }
template <class T>
auto show(const T& v) -> decltype(v.ptr, v.len, void())
{
    fputc('"', stderr);
    for (size_t i = 0; i < v.len; ++i) {
        unsigned char c = static_cast<unsigned char>(v.ptr[i]);
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            fputc(c, stderr);
        else
            fprintf(stderr, "\\x%02x", c);
    }
    fputc('"', stderr);
}
template <class T>
auto show(const T& v) -> decltype(static_cast<int>(v), void())
{
    fprintf(stderr, "%d", static_cast<int>(v));
}

template <class A, class B>
bool check_eq(const A& a, const B& b, const char* file, int line, const char* ea, const char* eb)
{
    if (a == b)
        return true;
    fprintf(stderr, "  %s:%d: CHECK_EQ(%s, %s) failed: ", file, line, ea, eb);
    show(a);
    fputs(" != ", stderr);
    show(b);
    fputc('\n', stderr);
    ++state().failed_checks;
    return false;
}

inline int run_all()
{
    int passed = 0, failed = 0;
    for (Case* c = state().first; c; c = c->next) {
        int before = state().failed_checks;
        c->body();
        bool ok = state().failed_checks == before;
        printf("%s %s\n", ok ? "[ ok ]" : "[FAIL]", c->name);
        (ok ? passed : failed)++;
    }
    printf("kit: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

} // namespace kit

#define TEST(name)                                                                                                     \
    static void test_##name();                                                                                         \
    static kit::Register register_##name(#name, test_##name);                                                          \
    static void test_##name()
#define CHECK(cond) kit::check(static_cast<bool>(cond), __FILE__, __LINE__, #cond)
#define CHECK_EQ(a, b) kit::check_eq((a), (b), __FILE__, __LINE__, #a, #b)
#define REQUIRE(cond)                                                                                                  \
    do {                                                                                                               \
        if (!CHECK(cond))                                                                                              \
            return;                                                                                                    \
    } while (0)
