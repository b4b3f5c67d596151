#pragma once

#include <wisp/builder.h>

namespace wisp {

// Milliseconds since the Unix epoch from the real-time clock.
long long now_ms();

// RFC 3339 UTC with milliseconds: 2026-11-23T10:36:00.123Z
void append_timestamp(Builder& out, long long epoch_ms);

} // namespace wisp
