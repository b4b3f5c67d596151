// The invocation loop: GET /next, run the handler, post its outcome, release
// the arena; and everything that can go wrong on the way.
#pragma once

#include <wisp/arena.h>
#include <wisp/builder.h>

#include "client.h"

namespace wisp {

// The regions the loop works in, carved from one mapping by main.
struct Regions {
    char* receive; // /next answers: head and event body
    size_t receive_capacity;
    char* requests; // request heads and error bodies
    size_t requests_capacity;
    char* body; // the handler's Builder
    size_t body_capacity;
    char* answer; // answers to posts
    size_t answer_capacity;
    char* arena;
    size_t arena_capacity;
};

// Lambda's limit on a synchronous response (6 MiB + 100 bytes).
constexpr size_t response_limit = 6 * 1024 * 1024 + 100;

struct Limits {
    static constexpr size_t receive = 6 * 1024 * 1024 + 128 * 1024; // a 6 MiB event with room for its head
    static constexpr size_t requests = 128 * 1024;
    static constexpr size_t body = response_limit;
    static constexpr size_t answer = 16 * 1024;
    static constexpr size_t arena = 64 * 1024 * 1024;
};

// The exit status of the process: 0 never happens in practice (the loop runs
// until the environment is shut down), 1 when the protocol says to stop.
int run(const net::Endpoint& endpoint, const Regions& regions);

// [A-Za-z0-9-]{1,128}: the only request ids allowed into a request line.
bool is_safe_request_id(Str id);

} // namespace wisp
