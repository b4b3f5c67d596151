#include <wisp/handler.h>

#include "env.h"

namespace wisp {

static char** g_environment;
static char** g_trace_slot;

// The value when `entry` is name=value, else null. Inlined: the call cost
// more than the loop.
[[gnu::always_inline]] static inline const char* value_of(const char* entry, Str name)
{
    for (char c : name) {
        if (*entry++ != c)
            return nullptr;
    }
    return name.len && *entry == '=' ? entry + 1 : nullptr; // no variable has an empty name
}

void set_environment(char** envp)
{
    // The array moves down one place, into argv's null, leaving out any
    // inherited _X_AMZN_TRACE_ID (each invocation sets or removes its own);
    // the place after the last entry is the trace slot, null (unset) for now.
    char** out = envp - 1;
    for (char** entry = envp; *entry; ++entry) {
        if (!value_of(*entry, {"_X_AMZN_TRACE_ID=", 16}))
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
        if (const char* value = value_of(*entry, name))
            return Str::from_cstr(value);
    }
    return {};
}

} // namespace wisp
