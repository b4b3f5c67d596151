#pragma once

namespace wisp {

// Takes over the process environment: envp is the array the kernel put on the
// stack, directly after argv's terminating null (which it may overwrite).
// The array moves down one place, into argv's null, so that its last slot
// can hold _X_AMZN_TRACE_ID.
void set_environment(char** envp);

// Sets _X_AMZN_TRACE_ID to `value`, or removes it when value is empty. The
// entry is written in place over the bytes before the value, which must be
// those of its Lambda-Runtime-Trace-Id header line in the receive buffer:
// at least "Lambda-Runtime-Trace-Id:" before it and the line's end after.
void set_trace_variable(Str value);

} // namespace wisp
