// Test-only handler: reports what it sees of its invocation's context as
// {"trace_id", "env_trace" (null when _X_AMZN_TRACE_ID is unset),
// "remaining_ms", "deadline_ms"}. An event {"fail": "message", "cause": "..."}
// fails with Function.Failed and, when "cause" is given, that X-Ray cause.
// {"spawn": PATH} runs /bin/sh with environment(), which writes its
// _X_AMZN_TRACE_ID (or "unset") to PATH, and adds "child": the pid it waited
// for, or a negative value when the child could not be started or waited for.
#include <wisp/wisp.h>

#include "sys.h"

namespace {

// Runs /bin/sh to write the trace variable it sees to `path`; waits for it.
long spawn(wisp::Str path, wisp::Arena& arena)
{
    auto* file = static_cast<char*>(arena.alloc(path.len + 1, 1));
    if (!file)
        return -1;
    __builtin_memcpy(file, path.ptr, path.len);
    file[path.len] = 0;
    const char* argv[] = {"sh", "-c", "printf %s \"${_X_AMZN_TRACE_ID-unset}\" > \"$0\"", file, nullptr};
    long pid = wisp::sys::fork();
    if (pid == 0) {
        wisp::sys::exec("/bin/sh", argv, wisp::environment());
        wisp::sys::exit(127);
    }
    return pid > 0 ? wisp::sys::wait(static_cast<int>(pid)) : pid;
}

} // namespace

wisp::Outcome wisp::handle(const wisp::Invocation& invocation, wisp::Arena& arena, wisp::Builder& out)
{
    json::Document event = json::Document::parse(invocation.body, arena);
    Str message;
    if (event.ok() && event.root()["fail"].get_string(arena, &message)) {
        Str cause;
        if (event.root()["cause"].get_string(arena, &cause))
            set_xray_cause(invocation, cause);
        return failure("Function.Failed", message);
    }
    Str path;
    long child = 0;
    if (event.ok() && event.root()["spawn"].get_string(arena, &path))
        child = spawn(path, arena);
    // env() reads the same array environment() hands to execve.
    bool traced = false;
    for (char** entry = environment(); *entry; ++entry)
        traced |= Str::from_cstr(*entry).starts_with("_X_AMZN_TRACE_ID=");
    out.append("{\"trace_id\":").append_json_string(invocation.trace_id).append(",\"env_trace\":");
    if (traced)
        out.append_json_string(env("_X_AMZN_TRACE_ID"));
    else
        out.append("null");
    out.append(",\"remaining_ms\":").append_int(invocation.remaining_ms());
    out.append(",\"deadline_ms\":").append_int(invocation.deadline_ms);
    out.append(",\"child\":").append_int(child).append('}');
    return success(out.view());
}
