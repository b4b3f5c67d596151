// The invocation loop: GET /next, run the handler, post its outcome, release
// the arena; and everything that can go wrong on the way.
#pragma once

#include <wisp/arena.h>
#include <wisp/builder.h>

#include "client.h"

namespace wisp {

// Lambda's limit on a synchronous response (6 MiB + 100 bytes).
constexpr size_t response_limit = 6 * 1024 * 1024 + 100;

// The one mapping the loop works in, region by region in this order. Pages
// are committed only when touched.
struct Layout {
    static constexpr size_t receive = 6 * 1024 * 1024 + 128 * 1024; // /next: head and a 6 MiB event
    static constexpr size_t requests = 128 * 1024;                  // request heads and error bodies
    static constexpr size_t body = response_limit;                  // the handler's Builder
    static constexpr size_t answer = 16 * 1024;                     // answers to posts
    static constexpr size_t arena = 64 * 1024 * 1024;
    static constexpr size_t total = receive + requests + body + answer + arena;
};

// The exit status of the process: 0 never happens in practice (the loop runs
// until the environment is shut down), 1 when the protocol says to stop.
int run(const net::Endpoint& endpoint, char* memory);

// [A-Za-z0-9-]{1,128}: the only request ids allowed into a request line.
bool is_safe_request_id(Str id);

} // namespace wisp
