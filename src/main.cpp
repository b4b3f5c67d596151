// Start-up: read the environment, map the memory once, run the loop.
#include <wisp/handler.h>
#include <wisp/log.h>

#include "env.h"
#include "log_context.h"
#include "main.h"
#include "runtime.h"

namespace wisp {

extern "C" char wisp_memory[]; // linker/wisp.ld: where the globals are

int main(char** envp)
{
    // First: the globals live in this mapping. Without them the logger cannot
    // run, so its one failure is reported by hand.
    long memory = sys::map(wisp_memory, Layout::globals + Layout::total);
    if (memory != reinterpret_cast<long>(wisp_memory)) {
        constexpr Str failed = "wisp: mmap failed\n";
        sys::write(2, failed.ptr, failed.len);
        return 1;
    }
    set_environment(envp);
    configure_log();
    // The variable's name is the start of the message that rejects its value.
    constexpr Str rejected =
        "AWS_LAMBDA_RUNTIME_API must be [http://]host:port[/path] with an IP or localhost host, not \"";
    Str api = env(rejected.sub(0, 22));
    constinit static net::Endpoint endpoint; // static: no code to initialize it
    if (!net::parse_endpoint(api, &endpoint)) {
        Str parts[] = {rejected, api.sub(0, 200), "\""};
        log_parts(Level::fatal, parts, 3);
        return 1;
    }
    return run(endpoint, wisp_memory + Layout::globals);
}

} // namespace wisp
