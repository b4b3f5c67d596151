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
        Str parts[] = {"AWS_LAMBDA_RUNTIME_API must be [http://]host:port[/path] with an IP or localhost host, not \"",
            api.sub(0, 200), "\""};
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
