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
    auto index = static_cast<unsigned>(level);
    char line[1024];
    format_timestamp(line, now_ms());
    line[24] = '\t';
    Builder out(line + 25, sizeof line - 25 - 1); // a longer record is cut; room for "\n"
    // The level's name between tabs: six bytes apart, but INFO and WARN are
    // one shorter.
    const char* names = "\tTRACE\tDEBUG\tINFO\tWARN\tERROR\tFATAL\t";
    bool short_name = index == 2 || index == 3;
    Str name(names + index * 6 - (index > 2) - (index > 3), short_name ? 6 : 7);
    out.append(g_request_id).append(name);
    for (size_t p = 0; p < count; ++p)
        out.append(parts[p]);
    char* end = line + 25 + out.size();
    for (char* c = line + 25; c < end; ++c) { // one record is one line
        if (*c == '\n' || *c == '\r')
            *c = ' ';
    }
    *end++ = '\n';
    sys::write(2, line, static_cast<size_t>(end - line));
}

void log(Level level, Str message) { log_parts(level, &message, 1); }

} // namespace wisp
