// Test-only handler: reports what it sees of its invocation's context as
// {"trace_id", "env_trace" (null when _X_AMZN_TRACE_ID is unset),
// "remaining_ms", "deadline_ms"}. An event {"fail": "message", "cause": "..."}
// fails with Function.Failed and, when "cause" is given, that X-Ray cause.
#include <wisp/wisp.h>

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
    out.append(",\"deadline_ms\":").append_int(invocation.deadline_ms).append('}');
    return success(out.view());
}
