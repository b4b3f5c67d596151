// Start-up: read the environment, map the memory once, run the loop.
#include <wisp/handler.h>
#include <wisp/log.h>

#include "env.h"
#include "log_context.h"
#include "main.h"
#include "runtime.h"

namespace wisp {

// linker/wisp.ld: where the image starts. The loop's regions, then the
// globals (the top Layout::globals bytes) are mapped right below it, the
// length rounded up to 64 KiB: then it is one instruction on aarch64.
constexpr unsigned long image_base = 0x10000000;
constexpr size_t mapped = (Layout::globals + Layout::total + 0xffff) & ~size_t{0xffff};

int main(char** envp)
{
    // First: the globals live in this mapping. Without them the logger cannot
    // run, so its one failure is reported by hand.
    auto* memory = reinterpret_cast<char*>(image_base - mapped);
    if (sys::map(memory, mapped) != reinterpret_cast<long>(memory)) {
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
    return run(endpoint, memory); // the loop's regions; the globals are at its top
}

} // namespace wisp
