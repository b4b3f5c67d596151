// From the stack the kernel hands over to wisp::main.
#include "main.h"
#include "sys.h"

#include <start.h>

extern "C" [[noreturn, gnu::used]] void wisp_start(long* stack)
{
    long argc = stack[0];
    char** envp = reinterpret_cast<char**>(stack + 1 + argc + 1);
    wisp::sys::exit(wisp::main(envp));
}
