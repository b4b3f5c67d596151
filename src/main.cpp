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
    Str api = env("AWS_LAMBDA_RUNTIME_API");
    net::Endpoint endpoint;
    if (!net::parse_endpoint(api, &endpoint)) {
        Str parts[] = {"AWS_LAMBDA_RUNTIME_API=\"", api.sub(0, 200),
                       "\" is unusable: it must be [http://]host:port[/base-path] with an IPv4 address, localhost or "
                       "[IPv6 address] as host (run the bootstrap in Lambda or under tools/emulator.py)"};
        log_parts(Level::fatal, parts, 3);
        return 1;
    }
    long memory = sys::map(Layout::total);
    if (sys::failed(memory)) {
        log(Level::fatal, "cannot map the runtime's memory");
        return 1;
    }
    return run(endpoint, reinterpret_cast<char*>(memory));
}

} // namespace wisp
