// What a handler file implements and what it receives.
//
//   wisp::Outcome wisp::handle(const wisp::Invocation&, wisp::Arena&, wisp::Builder&);  // required
//   wisp::Outcome wisp::init(wisp::Arena&);                                          // optional
//
// Every Str in an Invocation points into the runtime's receive buffer and is
// valid until handle() returns. The Builder writes into the runtime's send
// buffer; return success(out.view()) to answer with what was built.
#pragma once

#include <wisp/arena.h>
#include <wisp/builder.h>
#include <wisp/str.h>

namespace wisp {

struct Invocation {
    Str request_id;
    Str body;
    Str content_type;
    Str function_arn;
    Str trace_id;         // empty when the service sent none; also in environment() as _X_AMZN_TRACE_ID
    Str client_context;   // JSON, empty when absent
    Str cognito_identity; // JSON, empty when absent
    Str tenant_id;
    Str invocation_id;
    long long deadline_ms = 0; // Unix epoch ms; 0 when the service sent none
    mutable Str xray_cause;    // set through set_xray_cause(), not directly

    // Milliseconds left before the deadline (0 once it has passed), or -1 when
    // the deadline is unknown.
    long long remaining_ms() const;
};

enum class Status : unsigned char { success, failure };

// What a handler returns: build it with success() or failure().
struct Outcome {
    Status status;
    Str text; // the payload, or the error message
    Str type; // the content type, or the error type ("Function.Xxx" / "Runtime.Xxx")
};

inline Outcome success(Str payload, Str content_type = "application/json")
{
    return {Status::success, payload, content_type};
}

inline Outcome failure(Str error_type, Str error_message) { return {Status::failure, error_message, error_type}; }

// An X-Ray error cause for this invocation's failure: a JSON document such as
// {"working_directory":"/var/task","paths":[],"exceptions":[{"type":"E","message":"m"}]},
// sent as the Lambda-Runtime-Function-XRay-Error-Cause header when the
// handler returns failure(). It must be 1..65536 bytes of printable ASCII
// (\u-escape anything else) and stay valid until handle() returns; any other
// value is logged and left out. Bootstraps that never call this link none of it.
void set_xray_cause(const Invocation& invocation, Str cause);

Outcome handle(const Invocation& invocation, Arena& arena, Builder& out);
Outcome init(Arena& arena); // optional: the runtime has a default that succeeds

// The value of environment variable `name`, empty when unset.
Str env(Str name);

// The process environment as execve(2) takes it. While an invocation runs it
// holds _X_AMZN_TRACE_ID=<its Lambda-Runtime-Trace-Id> (absent when the
// service sent none), so pass it on to child processes.
char** environment();

} // namespace wisp
