#pragma once

#include <wisp/str.h>

namespace wisp {

// The request id log records carry; empty between invocations.
void set_log_request_id(Str request_id);

} // namespace wisp
