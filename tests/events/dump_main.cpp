// events-dump --list | NAME FILE... | --bench REPEAT NAME FILE...: see dump.h.
#include "dump.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// Under valgrind --tool=callgrind, --bench dumps the instruction counts of
// each sample's reads apart (tools/bench_events.py reads them); without the
// header (valgrind not installed) the requests are nothing.
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_ZERO_STATS
#define CALLGRIND_DUMP_STATS_AT(name) static_cast<void>(name)
#endif

namespace {

dump::Register* find(const char* name)
{
    dump::Register* r = dump::registered;
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
        dump::fields = 0;
        CALLGRIND_ZERO_STATS;
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
        CALLGRIND_DUMP_STATS_AT(argv[i]); // under callgrind: this sample's reads alone
        printf("{\"sample\":");
        dump::print_string(wisp::Str::from_cstr(argv[i]));
        printf(",\"reads\":%ld,\"fields\":%llu,\"ns\":%lld}\n", repeat,
            dump::fields / static_cast<unsigned long long>(repeat), elapsed);
    }
    free(memory);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (dump::Register* r = dump::registered; r; r = r->next) {
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
