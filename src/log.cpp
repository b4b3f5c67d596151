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

// The level's name: five letters, but INFO and WARN have four.
Str level_name(unsigned index)
{
    const char* names = "TRACEDEBUGINFOWARNERRORFATAL";
    bool short_name = index == 2 || index == 3;
    return {names + index * 5 - (index > 2) - (index > 3), short_name ? 4u : 5u};
}

Builder& append_text(Builder& out, Str text) { return out.append(text); }
Builder& append_json(Builder& out, Str text) { return out.append_json_string(text); }

} // namespace

// Lambda sends exactly JSON or Text, and TRACE, DEBUG, INFO, WARN, ERROR or
// FATAL, whose first letters differ: the first letter decides, in any case.
// Anything else (and no value) is Text and INFO.
void configure_log()
{
    Str format = env("AWS_LAMBDA_LOG_FORMAT");
    g_json = !format.empty() && (format.byte(0) | 0x20) == 'j';
    Str level = env("AWS_LAMBDA_LOG_LEVEL");
    char first = level.empty() ? 'I' : static_cast<char>(level.byte(0) & 0xdf);
    Str initials = "TDIWEF";
    size_t index = initials.find(first);
    g_threshold = static_cast<unsigned char>(index < initials.len ? index : 2);
}

void set_log_invocation(const Invocation* invocation) { g_invocation = invocation; }

bool log_enabled(Level level) { return static_cast<unsigned>(level) >= g_threshold; }

// Not split into an inlined level test and the rest: that adds a stub.
[[gnu::noinline, gnu::noclone]] void log_parts(Level level, const Str* parts, size_t count)
{
    if (!log_enabled(level))
        return;
    // Messages are cut at 16 KiB and tenant ids (at most 256 bytes from
    // Lambda) at 256: even escaped six bytes for one, a record always fits.
    constexpr size_t message_limit = 16 * 1024;
    static char line[6 * (message_limit + 256) + 1024];
    static char text[message_limit];
    char stamp[24];
    format_timestamp(stamp, now_ms());
    // Indexed by the field numbers in the formats below; 0 ends the record.
    Str fields[6] = {{}, {stamp, 24}, {}, {}, level_name(static_cast<unsigned>(level)), {text, 0}};
    if (g_invocation) {
        fields[2] = g_invocation->request_id; // [A-Za-z0-9-] only: no escapes needed
        fields[3] = clip(g_invocation->tenant_id, 256);
    }
    // The message gathered whole, so that it is written (and escaped) like any
    // other field.
    size_t length = 0;
    for (size_t p = 0; p < count; ++p) {
        Str part = clip(parts[p], message_limit - length);
        char* to = text + length;
        length += part.len;
        if (part.len) // an empty Str may hold a null pointer, which memcpy must not get
            __builtin_memcpy(to, part.ptr, part.len);
    }
    bool json = g_json;
    if (!json) {
        // One record is one line (JSON escapes CR and LF).
        for (size_t i = 0; i < length; ++i) {
            if (text[i] == '\n' || text[i] == '\r')
                text[i] = ' ';
        }
    }
    fields[5].len = length;
    // The same fields in the same order in both formats; JSON adds tenantId,
    // only when there is one. Every JSON field is a JSON string, escaped: the
    // escape leaves the fixed ones as they are.
    const char* format =
        json ? "{\"timestamp\":\1,\"requestId\":\2,\"tenantId\":\3,\"level\":\4,\"message\":\5}\n" : "\1\t\2\t\4\t\5\n";
    auto emit = json ? append_json : append_text;
    Builder out(line, sizeof line);
    for (const char* run = format;; ++format) {
        unsigned char field = static_cast<unsigned char>(*format);
        if (field > 5)
            continue;
        if (!fields[3].empty() || field != 3) { // no tenantId without a tenant
            out.append(Str(run, static_cast<size_t>(format - run)));
            if (!field)
                break;
            emit(out, fields[field]);
        }
        run = format + 1;
    }
    if (out.overflowed()) // see message_limit
        cannot_happen();
    sys::write(2, line, out.size());
}

void log(Level level, Str message) { log_parts(level, &message, 1); }

} // namespace wisp
