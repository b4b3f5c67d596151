// DEFLATE and gzip against Python's zlib: inflate_vectors.py (beside this
// file) writes the streams at test time, each with the output or the error
// zlib gives for it. Every output buffer is exactly the bound, from malloc,
// so AddressSanitizer sees any write past it.
#include <wisp/inflate.h>

#include "kit.h"

#include <stdlib.h>

using wisp::Arena;
using wisp::Str;
using wisp::inflate::Error;
using wisp::inflate::Result;

namespace {

constexpr unsigned exact = 0xffffffffu; // the capacity is the expected output's size
constexpr unsigned no_data = 0xffffffffu;

struct Vector {
    unsigned char kind; // 0 raw, 1 gzip
    Error error;
    Str data; // expected output; ptr == nullptr when none
    unsigned capacity;
    Str name;
    Str stream;
};

struct Vectors {
    char* bytes = nullptr;
    Vector* items = nullptr;
    size_t count = 0;
    bool ok = false;
};

unsigned u32(const char* p)
{
    unsigned v = 0;
    for (int i = 3; i >= 0; --i)
        v = v << 8 | static_cast<unsigned char>(p[i]);
    return v;
}

// The directory of this source file as the compiler saw it (relative to the
// build directory, where meson runs the tests).
void script_path(char* path, size_t size)
{
    const char* file = __FILE__;
    const char* slash = strrchr(file, '/');
    int dir = slash ? static_cast<int>(slash - file) : 1;
    snprintf(path, size, "%.*s/inflate_vectors.py", dir, slash ? file : ".");
}

Vectors load()
{
    Vectors v;
    char path[4096], command[4200];
    script_path(path, sizeof path);
    snprintf(command, sizeof command, "python3 '%s'", path);
    FILE* pipe = popen(command, "r");
    if (!pipe) {
        fprintf(stderr, "  cannot run %s\n", command);
        return v;
    }
    size_t len = 0, capacity = 64u << 20;
    v.bytes = static_cast<char*>(malloc(capacity));
    for (size_t n; (n = fread(v.bytes + len, 1, capacity - len, pipe)) > 0;) {
        len += n;
        if (len == capacity) {
            capacity *= 2;
            v.bytes = static_cast<char*>(realloc(v.bytes, capacity));
        }
    }
    if (pclose(pipe) != 0) {
        fprintf(stderr, "  %s failed (the tests run from the build directory)\n", command);
        return v;
    }
    Str datasets[64];
    size_t datasets_count = 0;
    v.items = static_cast<Vector*>(malloc(1024 * sizeof(Vector)));
    auto str = [&](size_t* at) {
        Str s(v.bytes + *at + 4, u32(v.bytes + *at));
        *at += 4 + s.len;
        return s;
    };
    for (size_t at = 0; at < len;) {
        char tag = v.bytes[at++];
        if (tag == 'D') {
            unsigned id = u32(v.bytes + at);
            at += 4;
            if (id != datasets_count || id >= 64)
                return v;
            datasets[datasets_count++] = str(&at);
        } else if (tag == 'V' && v.count < 1024) {
            Vector& item = v.items[v.count++];
            item.kind = static_cast<unsigned char>(v.bytes[at]);
            item.error = static_cast<Error>(v.bytes[at + 1]);
            unsigned data = u32(v.bytes + at + 2);
            item.data = data == no_data ? Str() : datasets[data];
            item.capacity = u32(v.bytes + at + 6);
            at += 10;
            item.name = str(&at);
            item.stream = str(&at);
        } else {
            return v;
        }
    }
    v.ok = true;
    return v;
}

const Vectors& vectors()
{
    static Vectors v = load();
    return v;
}

const Vector* find(const char* name)
{
    const Vectors& v = vectors();
    for (size_t i = 0; i < v.count; ++i) {
        if (v.items[i].name == Str::from_cstr(name))
            return &v.items[i];
    }
    fprintf(stderr, "  no vector named %s\n", name);
    return nullptr;
}

Result run(const Vector& v, Str stream, char* out, size_t capacity)
{
    return v.kind ? wisp::inflate::gzip(stream, out, capacity) : wisp::inflate::raw(stream, out, capacity);
}

bool same(Str a, Str b) { return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0); }

} // namespace

TEST(vectors_decode_as_zlib_says)
{
    const Vectors& v = vectors();
    REQUIRE(v.ok);
    CHECK(v.count > 250);
    size_t outputs = 0, errors = 0;
    for (size_t i = 0; i < v.count; ++i) {
        const Vector& vector = v.items[i];
        size_t capacity = vector.capacity != exact ? vector.capacity : vector.data.ptr ? vector.data.len : 1u << 20;
        char* out = static_cast<char*>(malloc(capacity + !capacity));
        Result r = run(vector, vector.stream, out, capacity);
        bool ok = CHECK_EQ(r.error, vector.error) && r.len <= capacity;
        if (ok && vector.error == Error::none) {
            ok = CHECK(same(Str(out, r.len), vector.data)) && CHECK_EQ(r.used, vector.stream.len);
            ++outputs;
        } else {
            ++errors;
        }
        if (!ok)
            fprintf(stderr, "    in vector \"%.*s\"\n", static_cast<int>(vector.name.len), vector.name.ptr);
        free(out);
    }
    fprintf(stderr, "  %zu streams decoded, %zu errors found\n", outputs, errors);
}

TEST(one_byte_short_of_the_output_is_too_large)
{
    const Vectors& v = vectors();
    REQUIRE(v.ok);
    for (size_t i = 0; i < v.count; ++i) {
        const Vector& vector = v.items[i];
        if (vector.error != Error::none || vector.data.len == 0 || vector.data.len > (256u << 10))
            continue;
        size_t capacity = vector.data.len - 1;
        char* out = static_cast<char*>(malloc(capacity + !capacity));
        Result r = run(vector, vector.stream, out, capacity);
        if (!CHECK_EQ(r.error, Error::too_large) || !CHECK(r.len <= capacity))
            fprintf(stderr, "    in vector \"%.*s\"\n", static_cast<int>(vector.name.len), vector.name.ptr);
        else
            CHECK(memcmp(out, vector.data.ptr, r.len) == 0); // what was written is right
        free(out);
    }
}

TEST(truncated_at_every_byte)
{
    const char* names[] = {"text_small level 6 default", "text_small level 0 default", "text_small level 6 fixed",
        "gzip with FEXTRA FNAME FCOMMENT FHCRC", "gzip one level 6", "gzip empty level 1",
        "stored: empty blocks, then one", "dynamic: lengths by repeats", "fixed: length 258 (code 285)"};
    for (const char* name : names) {
        const Vector* vector = find(name);
        REQUIRE(vector);
        size_t capacity = vector->data.len;
        char* out = static_cast<char*>(malloc(capacity + 1));
        for (size_t n = 0; n < vector->stream.len; ++n) {
            // A copy of exactly n bytes: reading past it is an ASan error.
            char* prefix = static_cast<char*>(malloc(n + 1));
            memcpy(prefix, vector->stream.ptr, n);
            Result r = run(*vector, Str(prefix, n), out, capacity);
            if (!CHECK_EQ(r.error, Error::truncated))
                fprintf(stderr, "    %s cut at %zu of %zu\n", name, n, vector->stream.len);
            free(prefix);
        }
        free(out);
    }
}

TEST(raw_leaves_what_follows_the_final_block)
{
    const Vector* vector = find("text_small level 6 default");
    REQUIRE(vector);
    size_t len = vector->stream.len;
    char* stream = static_cast<char*>(malloc(len + 3));
    memcpy(stream, vector->stream.ptr, len);
    memcpy(stream + len, "xyz", 3);
    char* out = static_cast<char*>(malloc(vector->data.len));
    Result r = wisp::inflate::raw(Str(stream, len + 3), out, vector->data.len);
    CHECK_EQ(r.error, Error::none);
    CHECK_EQ(r.used, len);
    CHECK(same(Str(out, r.len), vector->data));
    free(stream);
    free(out);
}

TEST(into_the_arena)
{
    const Vector* vector = find("gzip text_small level 9");
    REQUIRE(vector);
    size_t size = vector->data.len;
    alignas(16) static char memory[64 << 10];
    Arena arena(memory, sizeof memory);
    arena.alloc(3, 1);
    size_t mark = arena.mark();
    Str out;
    CHECK_EQ(wisp::inflate::gzip(vector->stream, arena, 1 << 20, &out), Error::none);
    CHECK(same(out, vector->data));
    CHECK(out.ptr == memory + mark);
    CHECK_EQ(arena.used(), mark + size); // the arena keeps the output, no more
    CHECK(!arena.exhausted());

    // Bounded by the limit, then by the arena's free space: the arena is left as it was.
    mark = arena.mark();
    Str untouched("x", 1);
    out = untouched;
    CHECK_EQ(wisp::inflate::gzip(vector->stream, arena, size - 1, &out), Error::too_large);
    CHECK_EQ(arena.used(), mark);
    CHECK(out.ptr == untouched.ptr);
    Arena small(memory, mark + size - 1);
    small.alloc(mark, 1);
    CHECK_EQ(wisp::inflate::gzip(vector->stream, small, 1 << 20, &out), Error::too_large);
    CHECK_EQ(small.used(), mark);
    Arena exact(memory, mark + size);
    exact.alloc(mark, 1);
    CHECK_EQ(wisp::inflate::gzip(vector->stream, exact, 1 << 20, &out), Error::none);
    CHECK_EQ(exact.used(), mark + size);

    // Other errors leave the arena as it was too.
    const Vector* bad = find("gzip bad CRC-32");
    REQUIRE(bad);
    CHECK_EQ(wisp::inflate::gzip(bad->stream, arena, 1 << 20, &out), Error::checksum);
    CHECK_EQ(arena.used(), mark);

    // An empty output is a non-null empty view.
    const Vector* empty = find("gzip empty level 6");
    REQUIRE(empty);
    out = {};
    CHECK_EQ(wisp::inflate::gzip(empty->stream, arena, 1 << 20, &out), Error::none);
    CHECK(out.ptr != nullptr);
    CHECK_EQ(out.len, size_t{0});
}

TEST(describe_names_each_error)
{
    Error errors[] = {Error::none, Error::malformed, Error::truncated, Error::too_large, Error::checksum};
    for (Error a : errors) {
        CHECK(wisp::inflate::describe(a).len > 0);
        for (Error b : errors)
            CHECK(a == b || wisp::inflate::describe(a) != wisp::inflate::describe(b));
    }
    CHECK_EQ(wisp::inflate::describe(Error::none), Str("no error"));
    CHECK_EQ(wisp::inflate::describe(Error::truncated), Str("truncated gzip data"));
    CHECK_EQ(wisp::inflate::describe(Error::checksum), Str("gzip checksum mismatch"));
    CHECK_EQ(wisp::inflate::describe(static_cast<Error>(9)), Str("unknown gzip error"));
}
