#include <wisp/builder.h>
#include <wisp/log.h>

#include "clock.h"
#include "log_context.h"
#include "runtime.h"
#include "sys.h"

namespace wisp {

namespace {

// Zero until configure_log runs: every record is written.
constinit unsigned char g_threshold;
constinit bool g_json;
constinit const Invocation* g_invocation;

// The level's name between tabs: six bytes apart, but INFO and WARN are one
// shorter.
Str tabbed_name(unsigned index)
{
    const char* names = "\tTRACE\tDEBUG\tINFO\tWARN\tERROR\tFATAL\t";
    bool short_name = index == 2 || index == 3;
    return {names + index * 6 - (index > 2) - (index > 3), short_name ? 6u : 7u};
}

} // namespace

// Lambda sends exactly JSON or Text, and TRACE, DEBUG, INFO, WARN, ERROR or
// FATAL, whose first letters differ: the first letter decides, in any case.
// Anything else (and no value) is Text and INFO.
void configure_log()
{
    Str format = env("AWS_LAMBDA_LOG_FORMAT");
    g_json = !format.empty() && (format.byte(0) | 0x20) == 'j';
    Str level = env("AWS_LAMBDA_LOG_LEVEL");
    unsigned first = level.empty() ? 'I' : level.byte(0) & 0xdf;
    Str initials = "TDIWEF";
    size_t index = initials.find(static_cast<char>(first));
    g_threshold = static_cast<unsigned char>(index < initials.len ? index : 2);
}

void set_log_invocation(const Invocation* invocation) { g_invocation = invocation; }

bool log_enabled(Level level) { return static_cast<unsigned>(level) >= g_threshold; }

// Not split into an inlined level test and the rest: that adds a stub.
[[gnu::noinline, gnu::noclone]] void log_parts(Level level, const Str* parts, size_t count)
{
    if (!log_enabled(level))
        return;
    // Messages are cut at 16 KiB: even escaped six bytes for one, they fit.
    constexpr size_t message_limit = 16 * 1024;
    static char line[6 * message_limit + 1024];
    char stamp[24];
    format_timestamp(stamp, now_ms());
    Str name = tabbed_name(static_cast<unsigned>(level));
    Str request_id;
    Str tenant_id;
    if (g_invocation) {
        request_id = g_invocation->request_id; // [A-Za-z0-9-] only: no escapes needed
        tenant_id = g_invocation->tenant_id;
    }
    bool json = g_json;
    // The same fields in the same order in both formats; JSON adds tenantId.
    Builder out(line, sizeof line);
    out.append(json ? Str("{\"timestamp\":\"") : Str()).append({stamp, 24});
    out.append(json ? Str("\",\"requestId\":\"") : Str("\t")).append(request_id);
    if (json && !tenant_id.empty())
        out.append("\",\"tenantId\":\"").append_escaped(tenant_id);
    out.append(json ? Str("\",\"level\":\"") : Str("\t")).append(name.sub(1, name.len - 2));
    out.append(json ? Str("\",\"message\":\"") : Str("\t"));
    size_t message = out.size();
    size_t left = message_limit;
    for (size_t p = 0; p < count; ++p) {
        Str part = clip(parts[p], left);
        left -= part.len;
        if (json)
            out.append_escaped(part);
        else
            out.append(part);
    }
    // One record is one line (JSON has escaped CR and LF already).
    for (char* c = line + message; c < line + out.size(); ++c) {
        if (*c == '\n' || *c == '\r')
            *c = ' ';
    }
    out.append(json ? Str("\"}\n") : Str("\n"));
    sys::write(2, line, out.size());
}

void log(Level level, Str message) { log_parts(level, &message, 1); }

} // namespace wisp
