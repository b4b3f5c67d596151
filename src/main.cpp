// Start-up: read the environment, map the regions once, run the loop.
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
    if (api.empty()) {
        log(Level::fatal, "AWS_LAMBDA_RUNTIME_API is not set: run this bootstrap in Lambda, or under tools/emulator.py");
        return 1;
    }
    net::Endpoint endpoint;
    Str why;
    if (!net::parse_endpoint(api, &endpoint, &why)) {
        Str parts[] = {"AWS_LAMBDA_RUNTIME_API=", api.sub(0, 200), " is unusable: ", why};
        log_parts(Level::fatal, parts, 4);
        return 1;
    }
    constexpr size_t total = Limits::receive + Limits::requests + Limits::body + Limits::answer + Limits::arena;
    long base = sys::map(total);
    if (sys::failed(base)) {
        log(Level::fatal, "cannot map the runtime's memory");
        return 1;
    }
    char* at = reinterpret_cast<char*>(base);
    Regions regions{};
    regions.receive = at;
    regions.receive_capacity = Limits::receive;
    regions.requests = at += Limits::receive;
    regions.requests_capacity = Limits::requests;
    regions.body = at += Limits::requests;
    regions.body_capacity = Limits::body;
    regions.answer = at += Limits::body;
    regions.answer_capacity = Limits::answer;
    regions.arena = at += Limits::answer;
    regions.arena_capacity = Limits::arena;
    return run(endpoint, regions);
}

} // namespace wisp
