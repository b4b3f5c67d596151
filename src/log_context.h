#pragma once

#include <wisp/handler.h>

namespace wisp {

// Reads AWS_LAMBDA_LOG_FORMAT and AWS_LAMBDA_LOG_LEVEL; main calls it first.
void configure_log();

// The invocation whose request and tenant ids records carry; null between
// invocations.
void set_log_invocation(const Invocation* invocation);

} // namespace wisp
