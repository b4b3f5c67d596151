// The C++ half of the field-by-field agreement test (test_agreement.py is
// the other): a dumper per event source reads a sample through wisp's views
// and prints what every accessor returned, one JSON line per field:
//
//   {"path":["Records",0,"messageId"],"as":"string","value":"059f..."}
//
// The Python side reads the same file with the json module, follows the path
// and compares. Path segments starting with '#' are decodings the view did:
// "#base64", "#gunzip" (base64, then gzip, then JSON), "#json" (a string that
// holds JSON), "#unquote_plus" (percent-decoding with '+' as a space), "#ci"
// followed by a name (an object member found ASCII case-insensitively).
#pragma once

#include <wisp/events/view.h>
#include <wisp/events/window.h>

namespace dump {

using wisp::Str;

// A JSON array text, built by appending segments; copied by value (only
// the bytes in use). In the benchmark's quiet mode nothing is appended or
// printed, so what is timed is the views' work.
class Path {
public:
    Path() { m_text[0] = '['; }
    Path(const Path& other) : m_len(other.m_len) { __builtin_memcpy(m_text, other.m_text, m_len); }
    Path& operator=(const Path&) = delete;
    Path key(Str name) const;
    Path index(size_t i) const;
    Str text() const { return {m_text, m_len}; }

private:
    Path then(Str segment) const; // this path and one more segment (JSON text)
    char m_text[1024];
    size_t m_len = 1;
};

inline Path root() { return Path(); }

// A string (bytes, compared as bytes); Str{} prints null: absent.
void string(const Path& path, Str value);
// A number's text (Number{} prints null): compared by value when the JSON
// holds a number, as text when it holds a string.
void number(const Path& path, wisp::events::Number value);
// A boolean; absent prints null.
void boolean(const Path& path, bool present, bool value);
// The length of an array or object (0 when absent).
void length(const Path& path, size_t n);
// A value whose JSON is compared whole (parsed on both sides).
void json(const Path& path, wisp::json::Value value);
// Raw bytes: the view decoded them (base64, gzip): compared as bytes.
void bytes(const Path& path, Str value);
// Every leaf under path counts as covered without a typed accessor: the view
// exposes it through json() only. Use sparingly; the test lists them.
void opaque(const Path& path);

// Every member of an object read through a StringMap: each key's value, and
// the member count.
void string_map(const Path& path, const wisp::events::StringMap& map);

// A tumbling window's top-level fields (Kinesis, DynamoDB Streams).
void window(const wisp::events::TumblingWindow& event);

// s as a JSON string (bytes >= 0x80 as \u00XX, read back with latin-1).
void print_string(Str s);

// Set by --bench: emit nothing, build no paths.
extern bool quiet;
// Fields emitted (or skipped when quiet) so far.
extern unsigned long long fields;

using Function = bool (*)(wisp::json::Value root, wisp::Arena& arena);

struct Register {
    // name: what the test calls the dumper; types: INDEX.tsv event types (tab
    // separated column 4) of the samples it reads. The function returns
    // false when the view rejects the sample (the test then fails).
    Register(const char* name, const char* const* types, Function function);
    const char* name;
    const char* const* types;
    Function function;
    Register* next;
};

// Every dumper, most recently registered first.
extern Register* registered;

} // namespace dump
