// The invocation loop: GET /next, run the handler, post its outcome, release
// the arena; and everything that can go wrong on the way.
#pragma once

#include <wisp/arena.h>
#include <wisp/builder.h>
#include <wisp/handler.h>
#include <wisp/log.h>

#include "client.h"
#include "trap.h"

namespace wisp {

// Lambda's limit on a synchronous response (6 MiB + 100 bytes).
constexpr size_t response_limit = 6 * 1024 * 1024 + 100;

// The one mapping the loop works in, region by region in this order. Pages
// are committed only when touched. Sizes are whole pages (body rounds
// response_limit up): then one aarch64 add reaches each region.
struct Layout {
    static constexpr size_t receive = 6 * 1024 * 1024 + 128 * 1024;         // /next: head and a 6 MiB event
    static constexpr size_t requests = 512 * 1024;                          // request heads and error bodies
    static constexpr size_t body = (response_limit + 4095) & ~size_t{4095}; // the handler's Builder
    static constexpr size_t answer = 16 * 1024;                             // answers to posts
    static constexpr size_t arena = 64 * 1024 * 1024;
    static constexpr size_t total = receive + requests + body + answer + arena;
    // Before all that, at wisp_memory, the globals (linker/wisp.ld checks they fit).
    static constexpr size_t globals = 256 * 1024;
};

// One invocation loop's state. Optional modules (streaming, lifecycle hooks,
// X-Ray causes) reach it from the Invocation it owns.
struct Loop {
    Client client;
    char* memory; // Layout::total bytes
    Arena arena;
    Builder out;
    sys::IoVec get_next; // the GET /next request, built once
    size_t arena_base = 0;
    int next_failures = 0;
    Message message{}; // the last answer read; read_message resets it
    Invocation inv{};  // on_header resets it for each /next head

    char* receive() const { return memory; }
    // Four quarters: the GET /next request, request heads, then error bodies.
    char* requests() const { return memory + Layout::receive; }
    char* answer() const { return requests() + Layout::requests + Layout::body; }
    // The Loop that owns `inv` (every Invocation a handler sees is one).
    static Loop& of(const Invocation& inv);
};

// No virtual members and no virtual bases: GCC's offsetof is exact here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winvalid-offsetof"
inline Loop& Loop::of(const Invocation& inv)
{
    return *reinterpret_cast<Loop*>(reinterpret_cast<char*>(const_cast<Invocation*>(&inv)) - offsetof(Loop, inv));
}
#pragma GCC diagnostic pop

enum class Verdict : unsigned char { go_on, stop, retry };

// What the answer in loop.message means for the loop: the expected status
// goes on; the connection lost or a 5xx ("container error") stops; anything
// else is logged and retried (an unreadable answer also drops the connection).
Verdict judge(Loop& loop, Reply reply, int expected, Str route);

// Posts the outcome of inv, or with inv null an error on error_route(), and
// returns judge()'s verdict on the answer against 202 (a retry only logs:
// nothing is posted again, and the loop goes on as for go_on).
Verdict post(Loop& loop, const Invocation* inv, Status status, Str type, Str text);

// Everything but CTLs and non-ASCII, 1..max bytes: safe inside a header value.
bool is_header_value(Str value, size_t max);

// A text cut to `max` bytes without splitting a UTF-8 sequence.
inline Str clip(Str text, size_t max)
{
    if (text.len > max) {
        while (max > 0 && (text.byte(max) & 0xc0) == 0x80)
            --max;
        text.len = max;
    }
    return text;
}

// Logs a failure, then turns its message `text` into the document it is
// reported with, {"errorMessage", "errorType", "stackTrace": []}, built in the
// second half of the requests region. `type` comes back clipped to 256 bytes,
// or as Runtime.Unknown when it is not safe in a header. Always inlined: the
// minimal bootstrap's one caller pays nothing for the sharing.
[[gnu::always_inline]] inline void error_document(char* requests, Str& type, Str& text)
{
    type = clip(type, 256);
    text = clip(text, 8192); // escaped, it still fits in half the requests region
    Str parts[] = {type, ": ", text};
    log_parts(Level::error, parts, 3);
    Builder body(requests + Layout::requests / 2, Layout::requests / 2);
    body.append("{\"errorMessage\":").append_json_string(text).append(",\"errorType\":");
    text = body.append_json_string(type).append(",\"stackTrace\":[]}").view();
    if (body.overflowed()) // at most 6 * (8192 + 256) + 64 bytes
        cannot_happen();
    // Lambda itself records types not of the (Runtime|Function).Xxx form
    // as Runtime.Unknown; here a type only has to be safe in a header.
    if (!is_header_value(type, 256))
        type = "Runtime.Unknown";
}

// Hooks with do-nothing weak definitions in runtime.cpp. A module that needs
// one defines it for real; it is linked only when the handler calls into that
// module, so the minimal bootstrap carries just the calls.
//
// After init succeeded and before the first /next, in this order (false ends
// the process; the module has posted or logged why):
// registers for SIGTERM when the handler asked for a shutdown hook,
bool register_shutdown(Loop& loop);
// and runs the SnapStart sequence when the handler registered snapshot hooks.
bool snapshot_and_restore(Loop& loop);
// After the handler returned: when it streamed its response, ends the stream
// with `outcome` and returns the resulting Verdict; otherwise -1.
int finish_stream(Loop& loop, const Outcome& outcome);
// While building a /error request head: extra header lines ("\r\nName: value").
void error_headers(Loop& loop, Builder& head);
// Where post() sends an error without an invocation, after /runtime/:
// "init/error", or "restore/error" once a snapshot was restored.
Str error_route();

// Managed Instances (AWS_LAMBDA_MAX_CONCURRENCY=N > 1): the first process
// runs init, then starts N worker processes that each run the loop, and
// supervises them. Processes, not threads: no state of one invocation can
// reach another.
struct Workers {
    static constexpr int max = 999; // see start_workers
    int pids[max];                  // as started (a failed start: < 0), then zeros; none in a worker
};
extern Workers g_workers;

// The exit status of the process: 0 never happens in practice (the loop runs
// until the environment is shut down), 1 when the protocol says to stop.
int run(const net::Endpoint& endpoint, char* memory);

// [A-Za-z0-9-]{1,128}: the only request ids allowed into a request line.
bool is_safe_request_id(Str id);

} // namespace wisp
