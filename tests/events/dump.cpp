// The emitters and the registry of dumpers (see dump.h); events-dump's
// main and the fuzz targets link them.
#include "dump.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

namespace dump {

bool quiet = false;
unsigned long long fields = 0;
Register* registered = nullptr;

namespace {

void append(char* text, size_t* len, Str bytes)
{
    if (*len + bytes.len + 2 > 1024) {
        fprintf(stderr, "events-dump: path too long\n");
        exit(2);
    }
    memcpy(text + *len, bytes.ptr, bytes.len);
    *len += bytes.len;
}

// s as a JSON string; bytes >= 0x80 as \u00XX (latin-1), so the test gets
// the exact bytes back with .encode('latin-1').
void print_body(Str s)
{
    for (size_t i = 0; i < s.len; ++i) {
        unsigned char c = s.byte(i);
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
}

} // namespace

void print_string(Str s)
{
    putchar('"');
    print_body(s);
    putchar('"');
}

namespace {

bool line(const Path& path, const char* as)
{
    ++fields;
    if (quiet)
        return false;
    Str p = path.text();
    printf("{\"path\":%.*s],\"as\":\"%s\",\"value\":", static_cast<int>(p.len), p.ptr, as);
    return true;
}

} // namespace

Path Path::then(Str segment) const
{
    Path next = *this;
    if (quiet)
        return next;
    if (next.m_len > 1)
        append(next.m_text, &next.m_len, ",");
    append(next.m_text, &next.m_len, segment);
    return next;
}

Path Path::key(Str name) const
{
    if (quiet)
        return *this;
    // Keys are printed as JSON strings; escape them through a small buffer.
    char buffer[512];
    size_t n = 0;
    buffer[n++] = '"';
    for (size_t i = 0; i < name.len && n < sizeof buffer - 8; ++i) {
        unsigned char c = name.byte(i);
        if (c == '"' || c == '\\')
            buffer[n++] = '\\';
        if (c < 0x20 || c >= 0x7f)
            n += static_cast<size_t>(snprintf(buffer + n, 8, "\\u%04x", c));
        else
            buffer[n++] = static_cast<char>(c);
    }
    buffer[n++] = '"';
    return then({buffer, n});
}

Path Path::index(size_t i) const
{
    char buffer[32];
    int n = snprintf(buffer, sizeof buffer, "%zu", i);
    return then({buffer, static_cast<size_t>(n)});
}

void string(const Path& path, Str value)
{
    if (!line(path, "string"))
        return;
    if (value.ptr)
        print_string(value);
    else
        fputs("null", stdout);
    puts("}");
}

void number(const Path& path, wisp::events::Number value)
{
    if (!line(path, "number"))
        return;
    if (value.text.ptr)
        print_string(value.text);
    else
        fputs("null", stdout);
    puts("}");
}

void boolean(const Path& path, bool present, bool value)
{
    if (!line(path, "bool"))
        return;
    fputs(!present ? "null" : value ? "true" : "false", stdout);
    puts("}");
}

void length(const Path& path, size_t n)
{
    if (!line(path, "length"))
        return;
    printf("%zu}\n", n);
}

void json(const Path& path, wisp::json::Value value)
{
    if (!line(path, "json"))
        return;
    Str raw = value.raw();
    if (!value.exists())
        fputs("null", stdout);
    else if (value.type() == wisp::json::Type::string) {
        fputs("\"\\\"", stdout); // the JSON text of a string, quotes included
        print_body(raw);
        fputs("\\\"\"", stdout);
    } else {
        print_string(raw);
    }
    puts("}");
}

void bytes(const Path& path, Str value)
{
    if (!line(path, "bytes"))
        return;
    if (value.ptr)
        print_string(value);
    else
        fputs("null", stdout);
    puts("}");
}

void opaque(const Path& path)
{
    if (!line(path, "opaque"))
        return;
    puts("null}");
}

void window(const wisp::events::TumblingWindow& event)
{
    string(root().key("window").key("start"), event.window_start());
    string(root().key("window").key("end"), event.window_end());
    string_map(root().key("state"), event.state());
    string(root().key("shardId"), event.shard_id());
    string(root().key("eventSourceARN"), event.event_source_arn());
    // The booleans default to false when absent: the JSON type tells presence.
    wisp::json::Value final_invoke = event.json()["isFinalInvokeForWindow"];
    wisp::json::Value early = event.json()["isWindowTerminatedEarly"];
    boolean(root().key("isFinalInvokeForWindow"), final_invoke.type() == wisp::json::Type::boolean,
        event.is_final_invoke_for_window());
    boolean(root().key("isWindowTerminatedEarly"), early.type() == wisp::json::Type::boolean,
        event.is_window_terminated_early());
}

void string_map(const Path& path, const wisp::events::StringMap& map)
{
    size_t n = 0;
    for (wisp::events::StringMap::Entry entry : map) {
        string(path.key(entry.key), entry.value);
        ++n;
    }
    length(path, n);
}

Register::Register(const char* name_, const char* const* types_, Function function_)
    : name(name_), types(types_), function(function_), next(registered)
{
    registered = this;
}

} // namespace dump
