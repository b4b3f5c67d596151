#include <wisp/handler.h>

#include "env.h"

namespace wisp {

static char** g_environment;
static char** g_trace_slot;

// The length of the name when `entry` is name=..., else 0.
static size_t is_entry(const char* entry, Str name)
{
    size_t i = 0;
    while (i < name.len && entry[i] == name.ptr[i])
        ++i;
    return i == name.len && entry[i] == '=' ? i : 0;
}

void set_environment(char** envp)
{
    // The array moves down one place, into argv's null, leaving out any
    // inherited _X_AMZN_TRACE_ID (each invocation sets or removes its own);
    // the place after the last entry is the trace slot, null (unset) for now.
    char** out = envp - 1;
    for (char** entry = envp; *entry; ++entry) {
        if (!is_entry(*entry, {"_X_AMZN_TRACE_ID=", 16}))
            *out++ = *entry;
    }
    out[0] = out[1] = nullptr; // out[1] is at most the old terminator
    g_trace_slot = out;
    g_environment = envp - 1;
}

void set_trace_variable(Str value)
{
    constexpr Str name = "_X_AMZN_TRACE_ID=";
    char* entry = nullptr;
    if (!value.empty()) {
        entry = const_cast<char*>(value.ptr) - name.len;
        size_t len = name.len;
        asm("" : "+r"(len)); // a call to memcpy: shorter than the inline copy
        __builtin_memcpy(entry, name.ptr, len);
        entry[name.len + value.len] = 0;
    }
    *g_trace_slot = entry;
}

char** environment() { return g_environment; }

Str env(Str name)
{
    for (char** entry = g_environment; *entry; ++entry) {
        if (size_t n = is_entry(*entry, name))
            return Str::from_cstr(*entry + n + 1);
    }
    return {};
}

} // namespace wisp
