// Fuzz target: json::Document over arbitrary bytes. Every check traps
// (__builtin_trap) when it fails:
// - parse accepts exactly the texts a reference validator written here
//   accepts (RFC 8259; bytes >= 0x80 in strings are not checked as UTF-8);
// - parsing into a small arena fails only with too_large, and a failed parse
//   leaves the arena where it was;
// - every value is visited once through members() and elements(), as many
//   as the validator read: the number of children equals size(), number
//   tokens are whole JSON numbers, children's text lies inside their
//   parent's in order, [i] and lookups by key agree with the walk (the first
//   member of a key wins), get_string agrees with a reference unescape and is
//   never longer than the raw text, get_int and get_bool agree with
//   references, and wrong-type reads and missing values give nothing.
#include <wisp/json.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

using wisp::Arena;
using wisp::Str;
using wisp::json::Document;
using wisp::json::Error;
using wisp::json::Member;
using wisp::json::Type;
using wisp::json::Value;

using fuzz::I128;
using fuzz::require;
using fuzz::U128;

namespace {

// The reference validator: a recursive descent over the RFC 8259 grammar.
struct Reader {
    Str text;
    size_t at = 0;
    int depth = 0;
    bool too_deep = false;
    size_t values = 0; // every value read, keys apart

    bool more() const { return at < text.len; }
    unsigned char peek() const { return text.byte(at); }
    void skip_space()
    {
        while (more() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r'))
            ++at;
    }
    bool take(char c)
    {
        if (!more() || peek() != static_cast<unsigned char>(c))
            return false;
        ++at;
        return true;
    }
    bool digits()
    {
        size_t from = at;
        while (more() && peek() >= '0' && peek() <= '9')
            ++at;
        return at > from;
    }
};

bool is_hex(unsigned char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool read_value(Reader& r);

bool read_string(Reader& r)
{
    if (!r.take('"'))
        return false;
    while (r.more()) {
        unsigned char c = r.text.byte(r.at++);
        if (c == '"')
            return true;
        if (c < 0x20)
            return false;
        if (c != '\\')
            continue;
        if (!r.more())
            return false;
        c = r.text.byte(r.at++);
        if (c == 'u') {
            for (int i = 0; i < 4; ++i) {
                if (!r.more() || !is_hex(r.text.byte(r.at++)))
                    return false;
            }
        } else if (memchr("\"\\/bfnrt", c, 8) == nullptr) {
            return false;
        }
    }
    return false;
}

bool read_literal(Reader& r, Str word)
{
    if (r.text.len - r.at < word.len || r.text.sub(r.at, word.len) != word)
        return false;
    r.at += word.len;
    return true;
}

bool read_number(Reader& r)
{
    r.take('-');
    if (r.take('0')) {
        if (r.more() && r.peek() >= '0' && r.peek() <= '9')
            return false;
    } else if (!r.digits()) {
        return false;
    }
    if (r.take('.') && !r.digits())
        return false;
    if (r.take('e') || r.take('E')) {
        if (!r.take('+'))
            r.take('-');
        if (!r.digits())
            return false;
    }
    return true;
}

// [ value, ... ] or { "key": value, ... }
bool read_container(Reader& r, char close, bool object)
{
    ++r.at;
    r.skip_space();
    if (r.take(close))
        return true;
    for (;;) {
        r.skip_space();
        if (object) {
            if (!read_string(r))
                return false;
            r.skip_space();
            if (!r.take(':'))
                return false;
            r.skip_space();
        }
        if (!read_value(r))
            return false;
        r.skip_space();
        if (r.take(close))
            return true;
        if (!r.take(','))
            return false;
    }
}

bool read_value(Reader& r)
{
    if (!r.more())
        return false;
    ++r.values;
    switch (r.peek()) {
    case '"': return read_string(r);
    case 't': return read_literal(r, "true");
    case 'f': return read_literal(r, "false");
    case 'n': return read_literal(r, "null");
    case '[':
    case '{': {
        if (++r.depth > 5000) {
            r.too_deep = true;
            return false;
        }
        bool ok = read_container(r, r.peek() == '[' ? ']' : '}', r.peek() == '{');
        --r.depth;
        return ok;
    }
    default: return read_number(r);
    }
}

enum class Verdict : unsigned char { valid, invalid, too_deep };

Verdict reference_verdict(Str text, size_t* values)
{
    Reader r{text};
    r.skip_space();
    bool ok = read_value(r);
    r.skip_space();
    *values = r.values;
    return r.too_deep ? Verdict::too_deep : ok && !r.more() ? Verdict::valid : Verdict::invalid;
}

// A number token's text is exactly one JSON number.
bool is_number(Str raw)
{
    Reader r{raw};
    return read_number(r) && !r.more();
}

unsigned hex_value(unsigned c) { return c <= '9' ? c - '0' : (c | 0x20u) - 'a' + 10; }

unsigned read_hex4(Str s, size_t at)
{
    unsigned v = 0;
    for (size_t i = 0; i < 4; ++i)
        v = v * 16 + hex_value(s.byte(at + i));
    return v;
}

size_t put_utf8(unsigned code, char* out)
{
    if (code < 0x80) {
        out[0] = static_cast<char>(code);
        return 1;
    }
    if (code < 0x800) {
        out[0] = static_cast<char>(0xc0 | code >> 6);
        out[1] = static_cast<char>(0x80 | (code & 0x3f));
        return 2;
    }
    if (code < 0x10000) {
        out[0] = static_cast<char>(0xe0 | code >> 12);
        out[1] = static_cast<char>(0x80 | (code >> 6 & 0x3f));
        out[2] = static_cast<char>(0x80 | (code & 0x3f));
        return 3;
    }
    out[0] = static_cast<char>(0xf0 | code >> 18);
    out[1] = static_cast<char>(0x80 | (code >> 12 & 0x3f));
    out[2] = static_cast<char>(0x80 | (code >> 6 & 0x3f));
    out[3] = static_cast<char>(0x80 | (code & 0x3f));
    return 4;
}

// The reference unescape of a string's raw text (escapes already checked by
// the validator) into out, which has room for raw.len bytes; false for a
// lone or mismatched surrogate.
bool reference_unescape(Str raw, char* out, size_t* len)
{
    size_t n = 0;
    for (size_t i = 0; i < raw.len;) {
        char c = raw.ptr[i++];
        if (c != '\\') {
            out[n++] = c;
            continue;
        }
        c = raw.ptr[i++];
        const char* from = "\"\\/bfnrt";
        const char* to = "\"\\/\b\f\n\r\t";
        if (c != 'u') {
            out[n++] = to[static_cast<const char*>(memchr(from, c, 8)) - from];
            continue;
        }
        unsigned code = read_hex4(raw, i);
        i += 4;
        if (code >= 0xdc00 && code <= 0xdfff)
            return false;
        if (code >= 0xd800 && code <= 0xdbff) {
            if (raw.len - i < 6 || raw.ptr[i] != '\\' || raw.ptr[i + 1] != 'u')
                return false;
            unsigned low = read_hex4(raw, i + 2);
            if (low < 0xdc00 || low > 0xdfff)
                return false;
            i += 6;
            code = 0x10000 + (code - 0xd800) * 0x400 + (low - 0xdc00);
        }
        n += put_utf8(code, out + n);
    }
    *len = n;
    return true;
}

// A key decoded by the reference, in its own heap block (nullptr when the
// key has a lone surrogate); free() it.
char* decoded_key(Value key, size_t* len)
{
    Str raw = key.raw();
    char* bytes = static_cast<char*>(malloc(raw.len + 1));
    if (!reference_unescape(raw, bytes, len)) {
        free(bytes);
        return nullptr;
    }
    return bytes;
}

bool same(Value a, Value b) { return a.type() == b.type() && a.raw().ptr == b.raw().ptr && a.raw().len == b.raw().len; }

// What object[key] must give: the first member whose decoded key is key.
Value reference_lookup(Value object, Str key)
{
    for (Member member : object.members()) {
        Str raw = member.key.raw();
        if (raw.find('\\') == raw.len) {
            if (raw == key)
                return member.value;
            continue;
        }
        size_t len = 0;
        char* bytes = decoded_key(member.key, &len);
        bool match = bytes && Str(bytes, len) == key;
        free(bytes);
        if (match)
            return member.value;
    }
    return {};
}

bool all_digits(Str s, size_t from)
{
    if (from >= s.len)
        return false;
    for (size_t i = from; i < s.len; ++i) {
        if (s.byte(i) < '0' || s.byte(i) > '9')
            return false;
    }
    return true;
}

struct Walk {
    Str text;
    Arena* arena;
    size_t scans = 0; // members compared by reference lookups: a budget, so that big objects stay fast
};

void check_missing(Value v, Arena& arena)
{
    require(v.type() == Type::missing && !v.exists() && !v.is_null());
    require(v.size() == 0 && v.raw().ptr == nullptr && v.raw().len == 0);
    require(!v["a"].exists() && !v[Str()].exists() && !v[0].exists() && !v[size_t{1} << 40].exists());
    Str s{"x", 1};
    long long i = 7;
    bool b = true;
    require(!v.get_string(arena, &s) && s.ptr[0] == 'x' && !v.get_int(&i) && i == 7 && !v.get_bool(&b) && b);
    require(!(v.elements().begin() != v.elements().end()));
    require(!(v.members().begin() != v.members().end()));
}

// The checks of one value that do not look at its children.
void check_scalar(Walk& walk, Value v)
{
    Str raw = v.raw();
    Type type = v.type();
    require(type != Type::missing && v.exists() && raw.ptr != nullptr);
    require(raw.ptr >= walk.text.ptr && raw.len <= walk.text.len &&
        static_cast<size_t>(raw.ptr - walk.text.ptr) <= walk.text.len - raw.len);
    require(v.is_null() == (type == Type::null));
    Arena& arena = *walk.arena;
    size_t mark = arena.mark();

    Str s{"x", 1};
    bool got = v.get_string(arena, &s);
    if (type != Type::string) {
        require(!got && s.ptr[0] == 'x' && arena.mark() == mark);
    } else {
        size_t offset = static_cast<size_t>(raw.ptr - walk.text.ptr);
        require(offset > 0 && walk.text.ptr[offset - 1] == '"' && offset + raw.len < walk.text.len &&
            walk.text.ptr[offset + raw.len] == '"');
        char* expected = static_cast<char*>(malloc(raw.len + 1));
        size_t expected_len = 0;
        bool ok = reference_unescape(raw, expected, &expected_len);
        require(got == ok);
        if (got) {
            require(s.len <= raw.len && s == Str(expected, expected_len));
            if (raw.find('\\') == raw.len)
                require(s.ptr == raw.ptr);
        } else {
            require(arena.mark() == mark && s.ptr[0] == 'x');
        }
        free(expected);
        arena.release(mark);
    }

    long long i = 7;
    got = v.get_int(&i);
    if (type == Type::number && all_digits(raw, raw.ptr[0] == '-' ? 1 : 0)) {
        bool negative = raw.ptr[0] == '-';
        U128 magnitude = 0;
        for (size_t k = negative ? 1 : 0; k < raw.len && magnitude <= (static_cast<U128>(1) << 64); ++k)
            magnitude = magnitude * 10 + static_cast<unsigned>(raw.byte(k) - '0');
        U128 limit = (static_cast<U128>(1) << 63) - (negative ? 0 : 1);
        require(got == (magnitude <= limit));
        if (got) {
            I128 value = negative ? -static_cast<I128>(magnitude) : static_cast<I128>(magnitude);
            require(static_cast<I128>(i) == value);
        }
    } else {
        require(!got && i == 7);
    }

    bool b = false;
    got = v.get_bool(&b);
    require(got == (type == Type::boolean));
    if (type == Type::boolean)
        require(raw == Str("true") ? b : (raw == Str("false") && !b));
    if (type == Type::null)
        require(raw == Str("null"));
    if (type == Type::number)
        require(is_number(raw));
    if (type == Type::object || type == Type::array) {
        require(raw.ptr[0] == (type == Type::object ? '{' : '['));
        require(raw.ptr[raw.len - 1] == (type == Type::object ? '}' : ']'));
    } else {
        require(v.size() == 0 && !v[0].exists() && !v["a"].exists());
        require(!(v.elements().begin() != v.elements().end()) && !(v.members().begin() != v.members().end()));
    }
}

// A child's text must lie inside its parent's, after the previous child's.
void check_inside(Value parent, Value child, const char** previous_end)
{
    Str outer = parent.raw(), inner = child.raw();
    require(inner.ptr > outer.ptr && inner.ptr + inner.len < outer.ptr + outer.len);
    require(inner.ptr >= *previous_end);
    *previous_end = inner.ptr + inner.len;
}

void check_lookup(Walk& walk, Value object, Str key)
{
    if (walk.scans > 4000)
        return;
    walk.scans += object.size();
    Value found = object[key];
    Value expected = reference_lookup(object, key);
    require(same(found, expected) && found.exists() == expected.exists());
}

// Pushes the children of v on the stack after checking them against v.
void check_children(Walk& walk, Value v, Value* stack, size_t* depth)
{
    const char* previous_end = v.raw().ptr;
    size_t count = 0;
    if (v.type() == Type::array) {
        for (Value element : v.elements()) {
            check_inside(v, element, &previous_end);
            if (count < 16 || count + 1 == v.size())
                require(same(v[count], element));
            stack[(*depth)++] = element;
            ++count;
        }
        require(!v[count].exists() && !v[~size_t{0}].exists() && !v[-1].exists() && !v["0"].exists());
        require(!(v.members().begin() != v.members().end()));
    } else {
        for (Member member : v.members()) {
            require(member.key.type() == Type::string && member.value.exists());
            check_inside(v, member.key, &previous_end);
            check_inside(v, member.value, &previous_end);
            check_scalar(walk, member.key);
            size_t len = 0;
            char* key = decoded_key(member.key, &len);
            if (key) {
                check_lookup(walk, v, Str(key, len));
                if (len > 0)
                    check_lookup(walk, v, Str(key, len - 1));
            } else {
                check_lookup(walk, v, member.key.raw());
            }
            free(key);
            stack[(*depth)++] = member.value;
            ++count;
        }
        check_lookup(walk, v, Str());
        require(!v[0].exists() && !(v.elements().begin() != v.elements().end()));
    }
    require(count == v.size());
}

// Every value, each visited once, with an explicit stack: nesting may be as
// deep as the input is long.
void check_document(const Document& doc, Arena& arena, size_t tokens_max, size_t values)
{
    Walk walk{doc.text(), &arena};
    Value* stack = static_cast<Value*>(malloc(sizeof(Value) * (tokens_max + 1)));
    size_t depth = 0;
    stack[depth++] = doc.root();
    size_t visited = 0;
    while (depth) {
        Value v = stack[--depth];
        ++visited;
        require(visited <= tokens_max);
        check_scalar(walk, v);
        if (v.type() == Type::object || v.type() == Type::array)
            check_children(walk, v, stack, &depth);
    }
    free(stack);
    require(values == 0 || visited == values);

    // The root's text is the document without surrounding whitespace (and
    // quotes, for a string).
    Str text = doc.text(), raw = doc.root().raw();
    size_t first = 0, last = text.len;
    while (first < last && memchr(" \t\r\n", text.ptr[first], 4))
        ++first;
    while (last > first && memchr(" \t\r\n", text.ptr[last - 1], 4))
        --last;
    if (doc.root().type() == Type::string)
        require(raw.ptr == text.ptr + first + 1 && raw.len + 2 == last - first);
    else
        require(raw.ptr == text.ptr + first && raw.len == last - first);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    Str text(reinterpret_cast<const char*>(data), size);
    // A token is 20 bytes and covers at least one byte of text.
    size_t capacity = 24 * size + 256;
    void* memory = malloc(capacity);
    Arena arena(memory, capacity);

    Document doc = Document::parse(text, arena);
    size_t values = 0;
    Verdict verdict = reference_verdict(text, &values);
    if (verdict != Verdict::too_deep)
        require(doc.ok() == (verdict == Verdict::valid));
    require(doc.error() != Error::too_large);
    require(doc.text().ptr == text.ptr && doc.text().len == text.len);
    require(!wisp::json::describe(doc.error()).empty());
    if (doc.ok())
        check_document(doc, arena, size, verdict == Verdict::valid ? values : 0);
    else
        require(arena.used() == 0 && !doc.root().exists());
    require(!arena.exhausted());
    check_missing(Value(), arena);
    check_missing(Value()["a"][3]["b"], arena);

    // Again into a small arena: the same outcome, or too_large; a failure
    // leaves the arena at its mark.
    size_t small = 20 * (size / 8) + 8;
    void* little_memory = malloc(small);
    Arena little(little_memory, small);
    little.alloc(3, 1);
    Document again = Document::parse(text, little);
    if (again.ok())
        require(doc.ok() && again.root().raw().ptr == doc.root().raw().ptr &&
            again.root().raw().len == doc.root().raw().len);
    else
        require(little.used() == 3 && (again.error() == doc.error() || again.error() == Error::too_large));
    free(little_memory);
    free(memory);
    return 0;
}
