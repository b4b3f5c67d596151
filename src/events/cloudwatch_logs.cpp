// awslogs.data: base64, then gzip, then JSON, each into the arena.
#include <wisp/base64.h>
#include <wisp/events/cloudwatch_logs.h>
#include <wisp/inflate.h>

namespace wisp::events {

namespace {

using Error = CloudWatchLogs::Error;

// The errors of a step, in the order of its enum: malformed first.
Error step_error(Error first, unsigned error) { return static_cast<Error>(static_cast<unsigned>(first) + error - 1); }

} // namespace

CloudWatchLogs::Decoded CloudWatchLogs::decode(Arena& arena, size_t limit) const
{
    Decoded decoded;
    size_t mark = arena.mark();
    Str text = CloudWatchLogs(m_value, arena).data();
    char* bytes = text.ptr ? static_cast<char*>(arena.alloc(base64::decoded_max(text.len), 1)) : nullptr;
    size_t len = 0;
    Str document;
    json::Document parsed;
    json::Document* kept = nullptr;
    if (!text.ptr) {
        decoded.error = Error::no_data;
    } else if (!bytes) {
        decoded.error = Error::arena;
    } else if (!base64::decode(text, bytes, &len)) {
        decoded.error = Error::base64;
    } else if (inflate::Error e = inflate::gzip({bytes, len}, arena, limit, &document); e != inflate::Error::none) {
        decoded.error = step_error(Error::gzip_malformed, static_cast<unsigned>(e));
    } else if (parsed = json::Document::parse(document, arena); !parsed.ok()) {
        decoded.error = step_error(Error::json_malformed, static_cast<unsigned>(parsed.error()));
    } else if (parsed.root().type() != json::Type::object) {
        decoded.error = Error::json_malformed;
    } else if (!(kept = arena.alloc_array<json::Document>(1))) {
        decoded.error = Error::json_too_large;
    } else {
        // The values point at their document: it lives in the arena too.
        __builtin_memcpy(static_cast<void*>(kept), &parsed, sizeof parsed);
        decoded.data = CloudWatchLogsData(kept->root(), arena);
        return decoded;
    }
    arena.release(mark);
    return decoded;
}

Str describe(CloudWatchLogs::Error error)
{
    // The reasons in enum order, then one for any other value: walking them
    // is less code than a switch.
    const char* text = "no error\0"
                       "awslogs.data is missing or not a string\0"
                       "awslogs.data: not base64\0"
                       "awslogs.data: not gzip\0"
                       "awslogs.data: truncated gzip\0"
                       "awslogs.data: gzip over the limit\0"
                       "awslogs.data: gzip checksum mismatch\0"
                       "awslogs.data: not a JSON object\0"
                       "awslogs.data: truncated JSON\0"
                       "awslogs.data: JSON too large for the arena\0"
                       "awslogs.data: no room in the arena\0"
                       "awslogs.data: unknown error";
    unsigned index = static_cast<unsigned>(error);
    unsigned last = static_cast<unsigned>(Error::arena) + 1;
    for (unsigned i = index < last ? index : last; i; --i)
        while (*text++) { }
    return Str::from_cstr(text);
}

} // namespace wisp::events
