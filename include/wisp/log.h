// Log records on stderr, one line and one write each, in the format Lambda's
// logging controls choose (AWS_LAMBDA_LOG_FORMAT, read at start-up):
//   Text (default): <RFC 3339 time>\t<request id>\t<LEVEL>\t<message>
//   JSON: {"timestamp":"<RFC 3339 time>","requestId":"<id>","tenantId":"<id>",
//          "level":"<LEVEL>","message":"<message>"}
// requestId is empty outside an invocation; tenantId appears only when the
// invocation has one, cut at 256 bytes so a record always fits its buffer.
// Records below AWS_LAMBDA_LOG_LEVEL (TRACE DEBUG INFO WARN ERROR FATAL, told
// apart by their first letter, in any case; INFO when unset or unknown) are
// dropped before any formatting. A message is
// cut after 16 KiB (never inside a UTF-8 sequence) and made one line: CR and
// LF become spaces in Text; JSON escapes them like every control character.
// Messages should be UTF-8: other bytes are passed on as they are.
// Never pass an event payload here.
#pragma once

#include <wisp/str.h>

namespace wisp {

enum class Level : unsigned char { trace, debug, info, warn, error, fatal };

void log(Level level, Str message);
// The message is the concatenation of `parts`.
void log_parts(Level level, const Str* parts, size_t count);
// Whether records at `level` are written: skip building a message when not.
bool log_enabled(Level level);

} // namespace wisp
