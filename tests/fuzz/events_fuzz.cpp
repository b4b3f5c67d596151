// Every event view over arbitrary JSON: the input is parsed and each of the
// agreement test's dumpers (tests/events/dump_*.cpp) reads every field its
// view has, quietly. So every typed accessor meets hostile shapes: members of
// the wrong type, absent or null, bad base64 and gzip, numbers of any length,
// attribute values that are not one descriptor, nesting where none belongs.
// Invariants: no crash or sanitizer report, and the arena is where it was
// after each view (everything a view decodes lives above the mark).
#include "dump.h"

#include <stdint.h>
#include <stdlib.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const size_t capacity = 32u << 20;
    static void* memory = malloc(capacity);
    dump::quiet = true;
    wisp::Arena arena(memory, capacity);
    wisp::json::Document doc = wisp::json::Document::parse({reinterpret_cast<const char*>(data), size}, arena);
    if (!doc.ok())
        return 0;
    size_t mark = arena.mark();
    for (dump::Register* r = dump::registered; r; r = r->next) {
        r->function(doc.root(), arena);
        arena.reset_to(mark);
    }
    return 0;
}
