// From the environment the kernel hands over (arch/<cpu>/start.h) to wisp::main.
#include "main.h"
#include "sys.h"

#include <start.h>

extern "C" [[noreturn, gnu::used]] void wisp_start(char** envp) { wisp::sys::exit(wisp::main(envp)); }
