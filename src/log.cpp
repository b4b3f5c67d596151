#include <wisp/log.h>

#include "log_context.h"
#include "sys.h"
#include "clock.h"

namespace wisp {

static Str g_request_id;

void set_log_request_id(Str request_id) { g_request_id = request_id; }

static Str level_name(Level level)
{
    static constexpr Str names[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};
    return names[static_cast<unsigned>(level)];
}

void log_parts(Level level, const Str* parts, size_t count)
{
    char line[1024];
    Builder out(line, sizeof line - 4); // room for "...\n"
    append_timestamp(out, now_ms());
    out.append('\t').append(g_request_id).append('\t').append(level_name(level)).append('\t');
    for (size_t p = 0; p < count; ++p) {
        for (size_t i = 0; i < parts[p].len; ++i) { // one record is one line
            char c = parts[p].ptr[i];
            out.append(c == '\n' || c == '\r' ? ' ' : c);
        }
    }
    size_t len = out.size();
    if (out.overflowed()) {
        __builtin_memcpy(line + len, "...", 3);
        len += 3;
    }
    line[len++] = '\n';
    sys::write(2, line, len);
}

void log(Level level, Str message) { log_parts(level, &message, 1); }

} // namespace wisp
