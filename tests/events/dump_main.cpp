// events-dump --list | events-dump NAME FILE: see dump.h.
#include "dump.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

namespace dump {

bool quiet = false;
unsigned long long g_fields = 0; // fields emitted (or skipped in quiet mode)

namespace {

Register* g_first = nullptr;

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
    ++g_fields;
    if (quiet)
        return false;
    Str p = path.text();
    printf("{\"path\":%.*s],\"as\":\"%s\",\"value\":", static_cast<int>(p.len), p.ptr, as);
    return true;
}

} // namespace

Path Path::key(Str name) const
{
    Path next = *this;
    if (quiet)
        return next;
    if (next.m_len > 1)
        append(next.m_text, &next.m_len, ",");
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
    append(next.m_text, &next.m_len, {buffer, n});
    return next;
}

Path Path::index(size_t i) const
{
    Path next = *this;
    if (quiet)
        return next;
    if (next.m_len > 1)
        append(next.m_text, &next.m_len, ",");
    char buffer[32];
    int n = snprintf(buffer, sizeof buffer, "%zu", i);
    append(next.m_text, &next.m_len, {buffer, static_cast<size_t>(n)});
    return next;
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
    : name(name_), types(types_), function(function_), next(g_first)
{
    g_first = this;
}

} // namespace dump

namespace {

dump::Register* find(const char* name)
{
    dump::Register* r = dump::g_first;
    while (r && strcmp(r->name, name) != 0)
        r = r->next;
    if (!r)
        fprintf(stderr, "events-dump: no dumper named %s\n", name);
    return r;
}

bool read_file(const char* path, char* text, size_t capacity, size_t* len)
{
    FILE* f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return false;
    }
    *len = fread(text, 1, capacity, f);
    fclose(f);
    return true;
}

long long now_ns()
{
    timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000ll + t.tv_nsec;
}

// --bench REPEAT NAME FILE...: parses each file and reads every field
// REPEAT times with nothing printed, then prints one line per file:
// {"sample":PATH,"reads":REPEAT,"fields":N,"ns":TOTAL}.
int bench(int argc, char** argv)
{
    long repeat = atol(argv[2]);
    dump::Register* r = find(argv[3]);
    if (!r || repeat < 1)
        return 2;
    dump::quiet = true;
    size_t capacity = 64u << 20;
    void* memory = malloc(capacity);
    static char text[8 << 20];
    for (int i = 4; i < argc; ++i) {
        size_t len = 0;
        if (!read_file(argv[i], text, sizeof text, &len))
            return 2;
        dump::g_fields = 0;
        long long start = now_ns();
        for (long n = 0; n < repeat; ++n) {
            wisp::Arena arena(memory, capacity);
            wisp::json::Document doc = wisp::json::Document::parse({text, len}, arena);
            if (!doc.ok() || !r->function(doc.root(), arena)) {
                fprintf(stderr, "events-dump: %s does not read through %s\n", argv[i], r->name);
                return 1;
            }
        }
        long long elapsed = now_ns() - start;
        printf("{\"sample\":");
        dump::print_string(wisp::Str::from_cstr(argv[i]));
        printf(",\"reads\":%ld,\"fields\":%llu,\"ns\":%lld}\n", repeat,
            dump::g_fields / static_cast<unsigned long long>(repeat), elapsed);
    }
    free(memory);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (dump::Register* r = dump::g_first; r; r = r->next) {
            printf("%s", r->name);
            for (const char* const* type = r->types; *type; ++type)
                printf("\t%s", *type);
            putchar('\n');
        }
        return 0;
    }
    if (argc > 4 && strcmp(argv[1], "--bench") == 0)
        return bench(argc, argv);
    if (argc < 3) {
        fprintf(
            stderr, "usage: events-dump --list | events-dump NAME FILE... | events-dump --bench REPEAT NAME FILE...\n");
        return 2;
    }
    dump::Register* r = find(argv[1]);
    if (!r)
        return 2;
    size_t capacity = 64u << 20;
    void* memory = malloc(capacity);
    static char text[8 << 20];
    int status = 0;
    for (int i = 2; i < argc; ++i) {
        // Each file's lines follow a {"sample":...} line of their own.
        printf("{\"sample\":");
        dump::print_string(wisp::Str::from_cstr(argv[i]));
        puts("}");
        size_t len = 0;
        if (!read_file(argv[i], text, sizeof text, &len))
            return 2;
        wisp::Arena arena(memory, capacity);
        wisp::json::Document doc = wisp::json::Document::parse({text, len}, arena);
        if (!doc.ok()) {
            wisp::Str why = wisp::json::describe(doc.error());
            fprintf(stderr, "events-dump: %s: %.*s\n", argv[i], static_cast<int>(why.len), why.ptr);
            status = 1;
        } else if (!r->function(doc.root(), arena)) {
            fprintf(stderr, "events-dump: the %s view rejected %s\n", r->name, argv[i]);
            status = 1;
        }
        fflush(stdout);
    }
    free(memory);
    return status;
}
