// SnapStart for container images: with AWS_LAMBDA_INITIALIZATION_TYPE=snap-start,
// the before-snapshot hooks, GET /restore/next (which returns in each
// environment restored from the snapshot), then the after-restore hooks.
// Linked only when init() registers a hook; an image that registers none
// declares the label com.amazonaws.lambda.feature.snapstart="Allow" instead.
#include <wisp/lifecycle.h>
#include <wisp/log.h>

#include "runtime.h"

namespace wisp {

namespace {

using Hook = Outcome (*)(Arena&);

// Each hook is a static function registered from init(): a few per kind are
// plenty, and a fixed table needs no allocator.
constexpr int max_hooks = 8;

struct Hooks {
    Hook list[max_hooks];
    int count;
};

constinit Hooks g_before_snapshot{};
constinit Hooks g_after_restore{};
constinit bool g_restored = false; // errors from here on go to /restore/error

void add(Hooks& hooks, Hook hook)
{
    // Registration is init's code, so this fails on every start, locally too.
    if (hooks.count == max_hooks) {
        log(Level::fatal, "more than 8 hooks of one kind (before_snapshot or after_restore)");
        sys::exit(1);
    }
    hooks.list[hooks.count++] = hook;
}

// Runs the hooks, last registered first when `reversed` (a later hook may
// depend on an earlier one: it is undone first and redone last, as AWS's
// Python and .NET runtimes order them). The first failure stops them and is
// posted as `type`, with the hook's own type leading its message.
bool run_hooks(Loop& loop, const Hooks& hooks, bool reversed, Str type)
{
    for (int i = 0; i < hooks.count; ++i) {
        Outcome outcome = hooks.list[reversed ? hooks.count - 1 - i : i](loop.arena);
        if (outcome.status == Status::success && loop.arena.exhausted())
            outcome = failure("Runtime.ArenaExhausted", "arena exhausted");
        if (outcome.status == Status::failure) {
            // The response buffer is free until the first invocation.
            loop.out.clear();
            loop.out.append(outcome.type).append(": ").append(outcome.text);
            post(loop, nullptr, Status::failure, type, loop.out.view());
            return false;
        }
    }
    return true;
}

} // namespace

void before_snapshot(Hook hook) { add(g_before_snapshot, hook); }
void after_restore(Hook hook) { add(g_after_restore, hook); }

Str error_route() { return g_restored ? Str("restore/error") : Str("init/error"); }

bool snapshot_and_restore(Loop& loop)
{
    if (env("AWS_LAMBDA_INITIALIZATION_TYPE") != "snap-start")
        return true;
    if (!run_hooks(loop, g_before_snapshot, true, "Runtime.BeforeSnapshotError"))
        return false;

    // Built where post() builds its heads: nothing else is there before the loop.
    const net::Endpoint& endpoint = loop.client.endpoint();
    Builder get(loop.requests() + Layout::requests / 4, Layout::requests / 4);
    get.append("GET ").append(endpoint.base_path).append("/2018-06-01/runtime/restore/next HTTP/1.1\r\nHost: ");
    get.append(endpoint.authority).append("\r\n\r\n");
    sys::IoVec request = {get.view().ptr, get.size()};
    // Blocks while the snapshot is taken, and answers in each restored copy.
    Reply reply = loop.client.exchange(&request, 1, {loop.answer(), Layout::answer, nullptr, nullptr}, &loop.message);
    // Anything but 200 is final: retrying cannot make a snapshot, and running
    // on without one would skip the after-restore hooks. judge() logs why.
    if (judge(loop, reply, 200, "/restore/next") != Verdict::go_on)
        return false;
    // The socket predates the snapshot, so it is stale in every restored
    // copy: the next request opens a fresh connection.
    loop.client.reset();

    g_restored = true;
    return run_hooks(loop, g_after_restore, false, "Runtime.AfterRestoreError");
}

} // namespace wisp
