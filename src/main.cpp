// Start-up: read the environment, map the memory once, run the loop.
#include <wisp/handler.h>
#include <wisp/log.h>

#include "env.h"
#include "main.h"
#include "runtime.h"

namespace wisp {

int main(char** envp)
{
    set_environment(envp);
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
    long memory = sys::map(Layout::total);
    if (sys::failed(memory)) {
        log(Level::fatal, "mmap failed");
        return 1;
    }
    return run(endpoint, reinterpret_cast<char*>(memory));
}

} // namespace wisp
