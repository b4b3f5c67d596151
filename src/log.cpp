#include <wisp/builder.h>
#include <wisp/log.h>

#include "log_context.h"
#include "sys.h"
#include "clock.h"

namespace wisp {

static Str g_request_id;

void set_log_request_id(Str request_id) { g_request_id = request_id; }

void log_parts(Level level, const Str* parts, size_t count)
{
    static constexpr char names[] = "TRACEDEBUGINFO WARN ERRORFATAL";
    auto index = static_cast<unsigned>(level);
    char line[1024];
    format_timestamp(line, now_ms());
    Builder out(line + 24, sizeof line - 24 - 1); // a longer record is cut; room for "\n"
    out.append('\t').append(g_request_id).append('\t');
    out.append(Str(names + index * 5, index == 2 || index == 3 ? 4 : 5)).append('\t');
    for (size_t p = 0; p < count; ++p)
        out.append(parts[p]);
    size_t len = 24 + out.size();
    for (size_t i = 24; i < len; ++i) { // one record is one line
        if (line[i] == '\n' || line[i] == '\r')
            line[i] = ' ';
    }
    line[len++] = '\n';
    sys::write(2, line, len);
}

void log(Level level, Str message) { log_parts(level, &message, 1); }

} // namespace wisp
