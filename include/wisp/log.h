// Log records on stderr, one line and one write each:
//   <RFC 3339 time>\t<request id>\t<LEVEL>\t<message>
// Never pass an event payload here.
#pragma once

#include <wisp/str.h>

namespace wisp {

enum class Level : unsigned char { trace, debug, info, warn, error, fatal };

void log(Level level, Str message);
// The message is the concatenation of `parts`.
void log_parts(Level level, const Str* parts, size_t count);

} // namespace wisp
