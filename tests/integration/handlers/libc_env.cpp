// Test-only handler, -Dlibc=musl only: what the C library sees of the
// environment, as {"trace": getenv("_X_AMZN_TRACE_ID") or null,
// "function": getenv("AWS_LAMBDA_FUNCTION_NAME") or null, "same": whether
// environ is wisp::environment(), "formatted": snprintf's "%.3f" of 2.5}.
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <wisp/wisp.h>

namespace {

void variable(wisp::Builder& out, const char* name)
{
    const char* value = getenv(name);
    if (value)
        out.append_json_string(wisp::Str::from_cstr(value));
    else
        out.append("null");
}

} // namespace

wisp::Outcome wisp::handle(const wisp::Invocation&, wisp::Arena&, wisp::Builder& out)
{
    char formatted[16];
    int len = snprintf(formatted, sizeof formatted, "%.3f", 2.5);
    out.append("{\"trace\":");
    variable(out, "_X_AMZN_TRACE_ID");
    out.append(",\"function\":");
    variable(out, "AWS_LAMBDA_FUNCTION_NAME");
    out.append(",\"same\":").append(environ == environment() ? Str("true") : Str("false"));
    out.append(",\"formatted\":").append_json_string(Str(formatted, len > 0 ? static_cast<size_t>(len) : 0));
    out.append('}');
    return success(out.view());
}
