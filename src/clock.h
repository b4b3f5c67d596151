#pragma once

namespace wisp {

// Milliseconds since the Unix epoch from the real-time clock.
long long now_ms();

// RFC 3339 UTC with milliseconds, 24 bytes: 2026-11-23T10:36:00.123Z
void format_timestamp(char out[24], long long epoch_ms);

} // namespace wisp
