// The entry with -Dlibc=musl: musl's own crt1.o runs first. Before main it
// sets the thread pointer (errno lives in the thread block), reads the aux
// vector (AT_RANDOM, hwcap), sets environ and runs the init_array; exit()
// afterwards flushes stdio. wisp's _start (src/start.cpp) does none of that, so
// the first libc call that touches errno or TLS would fault.
#include <unistd.h>

#include "main.h"

int main(int, char**, char** envp)
{
    // set_environment moves the array down one slot (env.h): point environ
    // at the moved array, so getenv and the children libc starts see wisp's
    // environment, _X_AMZN_TRACE_ID included.
    environ = envp - 1;
    return wisp::main(envp);
}
