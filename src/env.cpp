#include <wisp/handler.h>

#include "env.h"

namespace wisp {

static char** g_environment;

void set_environment(char** envp) { g_environment = envp; }

Str env(Str name)
{
    for (char** entry = g_environment; entry && *entry; ++entry) {
        const char* s = *entry;
        size_t i = 0;
        while (i < name.len && s[i] == name.ptr[i])
            ++i;
        if (i == name.len && s[i] == '=')
            return Str::from_cstr(s + i + 1);
    }
    return {};
}

} // namespace wisp
