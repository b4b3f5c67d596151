#include <wisp/json.h>

#include "kit.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>

using wisp::Arena;
using wisp::Str;
using wisp::json::Document;
using wisp::json::Error;
using wisp::json::Member;
using wisp::json::Type;
using wisp::json::Value;

namespace {

alignas(16) char g_memory[1 << 20];

Arena fresh_arena() { return Arena(g_memory, sizeof g_memory); }

Document parse(const char* text, Arena& arena) { return Document::parse(Str::from_cstr(text), arena); }

Error error_of(const char* text)
{
    Arena arena = fresh_arena();
    return parse(text, arena).error();
}

Str bytes(const char* s) { return Str::from_cstr(s); }

} // namespace

TEST(object_lookups_and_types)
{
    Arena arena = fresh_arena();
    const char* text = R"( {"s":"text","i":-12,"f":2.5,"t":true,"n":null,"o":{"a":{"b":[10,20]}},"a":[]} )";
    Document doc = parse(text, arena);
    REQUIRE(doc.ok());
    CHECK_EQ(doc.error(), Error::none);
    Value root = doc.root();
    CHECK_EQ(root.type(), Type::object);
    CHECK_EQ(root.size(), size_t(7));
    CHECK_EQ(root["s"].type(), Type::string);
    CHECK_EQ(root["i"].type(), Type::number);
    CHECK_EQ(root["f"].type(), Type::number);
    CHECK_EQ(root["t"].type(), Type::boolean);
    CHECK_EQ(root["n"].type(), Type::null);
    CHECK(root["n"].is_null());
    CHECK(root["n"].exists());
    CHECK_EQ(root["o"].type(), Type::object);
    CHECK_EQ(root["a"].type(), Type::array);
    CHECK_EQ(root["o"]["a"]["b"][1].raw(), Str("20"));
    CHECK_EQ(root["o"]["a"]["b"][size_t(0)].raw(), Str("10"));
    CHECK_EQ(root["o"]["a"]["b"].size(), size_t(2));
    CHECK_EQ(root["s"].raw(), Str("text"));
    CHECK_EQ(root["f"].raw(), Str("2.5"));
    CHECK_EQ(root["o"].raw(), Str(R"({"a":{"b":[10,20]}})"));
    CHECK_EQ(root["a"].raw(), Str("[]"));
    CHECK_EQ(root["a"].size(), size_t(0));
    CHECK_EQ(root["s"].size(), size_t(0));
    CHECK_EQ(doc.text().ptr, text);
    CHECK_EQ(doc.text().len, strlen(text));
}

TEST(missing_chains)
{
    Arena arena = fresh_arena();
    Document doc = parse(R"({"a":{"b":[1,{"c":true}]},"n":5})", arena);
    REQUIRE(doc.ok());
    Value root = doc.root();
    CHECK_EQ(root["a"]["b"][1]["c"].type(), Type::boolean);
    CHECK_EQ(root["x"].type(), Type::missing);
    CHECK(!root["x"].exists());
    CHECK(!root["x"]["y"][3]["z"].exists());
    CHECK(!root["a"]["b"][2].exists());
    CHECK(!root["a"]["b"][-1].exists());
    CHECK(!root["a"]["b"]["c"].exists()); // a key on an array
    CHECK(!root["a"][0].exists());        // an index on an object
    CHECK(!root["n"]["x"].exists());
    CHECK(!root["n"][0].exists());
    CHECK(!root["A"].exists()); // keys are case-sensitive
    CHECK(!root[""].exists());
    Value missing = root["x"]["y"];
    CHECK_EQ(missing.raw().len, size_t(0));
    CHECK_EQ(missing.size(), size_t(0));
    CHECK(!missing.is_null());
    Str s;
    long long i = 0;
    bool b = false;
    CHECK(!missing.get_string(arena, &s));
    CHECK(!missing.get_int(&i));
    CHECK(!missing.get_bool(&b));
    CHECK(!Value().exists());
    CHECK(!Value()["a"][0].exists());
}

TEST(nested_values_are_skipped_whole)
{
    Arena arena = fresh_arena();
    Document doc = parse(R"({"a":{"k":{"k":[{"k":1}]}},"b":[[["k"]],{"k":2}],"k":3})", arena);
    REQUIRE(doc.ok());
    long long k = 0;
    CHECK(doc.root()["k"].get_int(&k));
    CHECK_EQ(k, 3ll);
    CHECK(doc.root()["b"][1]["k"].get_int(&k));
    CHECK_EQ(k, 2ll);
    CHECK(doc.root()["a"]["k"]["k"][0]["k"].get_int(&k));
    CHECK_EQ(k, 1ll);
    CHECK_EQ(doc.root()["b"][0][0][0].raw(), Str("k"));
}

TEST(first_of_duplicate_keys)
{
    Arena arena = fresh_arena();
    Document doc = parse(R"({"a":1,"a":2})", arena);
    REQUIRE(doc.ok());
    CHECK_EQ(doc.root()["a"].raw(), Str("1"));
    CHECK_EQ(doc.root().size(), size_t(2));
}

TEST(keys_with_dots_colons_and_spaces)
{
    Arena arena = fresh_arena();
    Document doc =
        parse(R"({"CodePipeline.job":{"id":"x"},"cognito:username":"u","Availability Zone":"az","":0})", arena);
    REQUIRE(doc.ok());
    CHECK_EQ(doc.root()["CodePipeline.job"]["id"].raw(), Str("x"));
    CHECK_EQ(doc.root()["cognito:username"].raw(), Str("u"));
    CHECK_EQ(doc.root()["Availability Zone"].raw(), Str("az"));
    CHECK_EQ(doc.root()[""].raw(), Str("0"));
    CHECK(!doc.root()["CodePipeline"].exists());
}

TEST(top_level_values)
{
    Arena arena = fresh_arena();
    Document doc = parse(R"([{"id":1},{"id":2}])", arena);
    REQUIRE(doc.ok());
    CHECK_EQ(doc.root().type(), Type::array);
    CHECK_EQ(doc.root().size(), size_t(2));
    CHECK_EQ(doc.root()[1]["id"].raw(), Str("2"));

    long long i = 0;
    doc = parse("42", arena);
    REQUIRE(doc.ok());
    CHECK(doc.root().get_int(&i));
    CHECK_EQ(i, 42ll);
    doc = parse(" \t\r\n-7 \n", arena);
    REQUIRE(doc.ok());
    CHECK(doc.root().get_int(&i));
    CHECK_EQ(i, -7ll);
    CHECK_EQ(doc.root().raw(), Str("-7"));
    doc = parse("-1.5e3", arena);
    REQUIRE(doc.ok());
    CHECK_EQ(doc.root().type(), Type::number);
    CHECK(!doc.root().get_int(&i));

    doc = parse("\"hi\"", arena);
    REQUIRE(doc.ok());
    CHECK_EQ(doc.root().type(), Type::string);
    CHECK_EQ(doc.root().raw(), Str("hi"));
    doc = parse("true", arena);
    REQUIRE(doc.ok());
    CHECK_EQ(doc.root().type(), Type::boolean);
    doc = parse(" null ", arena);
    REQUIRE(doc.ok());
    CHECK(doc.root().is_null());
    doc = parse("{}", arena);
    REQUIRE(doc.ok());
    CHECK_EQ(doc.root().type(), Type::object);
    CHECK_EQ(doc.root().size(), size_t(0));
}

TEST(array_iteration)
{
    Arena arena = fresh_arena();
    Document doc = parse(R"([1,[2,3],{"a":[4]},"s",[],{},null])", arena);
    REQUIRE(doc.ok());
    const char* expected[] = {"1", "[2,3]", R"({"a":[4]})", "s", "[]", "{}", "null"};
    size_t n = 0;
    for (Value v : doc.root().elements()) {
        REQUIRE(n < 7);
        CHECK_EQ(v.raw(), bytes(expected[n]));
        CHECK_EQ(v.raw(), doc.root()[n].raw());
        ++n;
    }
    CHECK_EQ(n, size_t(7));
    CHECK_EQ(doc.root().size(), size_t(7));

    long long sum = 0;
    for (Value v : doc.root()[1].elements()) {
        long long i = 0;
        CHECK(v.get_int(&i));
        sum += i;
    }
    CHECK_EQ(sum, 5ll);
}

TEST(member_iteration)
{
    Arena arena = fresh_arena();
    Document doc = parse(R"({"a":{"x":[1,2]},"b":[{"y":1}],"c":"z","d":{}})", arena);
    REQUIRE(doc.ok());
    const char* keys[] = {"a", "b", "c", "d"};
    const char* values[] = {R"({"x":[1,2]})", R"([{"y":1}])", "z", "{}"};
    size_t n = 0;
    for (Member m : doc.root().members()) {
        REQUIRE(n < 4);
        CHECK_EQ(m.key.type(), Type::string);
        CHECK_EQ(m.key.raw(), bytes(keys[n]));
        CHECK_EQ(m.value.raw(), bytes(values[n]));
        ++n;
    }
    CHECK_EQ(n, size_t(4));
}

TEST(iterating_anything_else_is_empty)
{
    Arena arena = fresh_arena();
    Document doc = parse(R"({"n":1,"s":"x","a":[1,2],"o":{"k":1},"e":[],"eo":{}})", arena);
    REQUIRE(doc.ok());
    Value root = doc.root();
    int n = 0;
    for (Value v : root["n"].elements())
        n += v.exists() ? 1 : 100;
    for (Value v : root["s"].elements())
        n += v.exists() ? 1 : 100;
    for (Value v : root["o"].elements()) // members only through members()
        n += v.exists() ? 1 : 100;
    for (Value v : root["e"].elements())
        n += v.exists() ? 1 : 100;
    for (Value v : root["missing"].elements())
        n += v.exists() ? 1 : 100;
    for (Value v : Value().elements())
        n += v.exists() ? 1 : 100;
    for (Member m : root["a"].members())
        n += m.key.exists() ? 1 : 100;
    for (Member m : root["eo"].members())
        n += m.key.exists() ? 1 : 100;
    for (Member m : root["missing"].members())
        n += m.key.exists() ? 1 : 100;
    CHECK_EQ(n, 0);
}

TEST(unescaped_strings_are_views)
{
    Arena arena = fresh_arena();
    const char* text = R"({"plain":"caf\u00e9 is not here","utf8":"café ☃"})";
    Document doc = parse(text, arena);
    REQUIRE(doc.ok());
    size_t used = arena.used();
    Str s;
    CHECK(doc.root()["utf8"].get_string(arena, &s));
    CHECK_EQ(s, Str("caf\xc3\xa9 \xe2\x98\x83"));
    CHECK(s.ptr > text && s.ptr < text + strlen(text)); // no copy
    CHECK_EQ(arena.used(), used);
    CHECK(doc.root()["plain"].get_string(arena, &s));
    CHECK_EQ(s, Str("caf\xc3\xa9 is not here"));
    CHECK(arena.used() > used);
}

TEST(escapes)
{
    Arena arena = fresh_arena();
    Document doc = parse(R"(["\"\\\/\b\f\n\r\t", "\u0041", "\u00e9", "\u20ac", "\ud83d\ude00",
        "x\uD83D\uDE00y", "\u0000", "\u007f\u0080\u07ff\u0800\uffff", "a\u00E9b\n", "\udbff\udfff",
        "\ud800\udc00"])",
        arena);
    REQUIRE(doc.ok());
    // The unescaped UTF-8 of each element, in order.
    const Str expected[] = {
        "\"\\/\b\f\n\r\t", "A", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "x\xf0\x9f\x98\x80y", Str("\0", 1),
        "\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf",
        "a\xc3\xa9"
        "b\n",
        "\xf4\x8f\xbf\xbf", // U+10FFFF
        "\xf0\x90\x80\x80", // U+10000
    };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; ++i) {
        Str s;
        bool ok = CHECK(doc.root()[i].get_string(arena, &s));
        ok = CHECK_EQ(s, expected[i]) && ok;
        if (!ok)
            fprintf(stderr, "    element %zu\n", i);
    }
}

TEST(lone_surrogates_are_refused)
{
    // A lone or mismatched surrogate makes get_string return false (rather
    // than substitute U+FFFD) and gives the arena back.
    Arena arena = fresh_arena();
    Document doc = parse(R"(["\ud83d", "\ud83dx", "\ude00", "\ud83d\ud83d", "\ud83d\u0041", "\ud83d\n",
        "x\ude00\ud83d", "\ud83d\\ude00", "ok\n"])",
        arena);
    REQUIRE(doc.ok());
    size_t used = arena.used();
    for (size_t i = 0; i < 8; ++i) {
        Str s = "unchanged";
        CHECK(!doc.root()[i].get_string(arena, &s));
        CHECK_EQ(s, Str("unchanged"));
        CHECK_EQ(arena.used(), used);
    }
    Str s;
    CHECK(doc.root()[8].get_string(arena, &s));
    CHECK_EQ(s, Str("ok\n"));
}

TEST(get_string_needs_room_in_the_arena)
{
    Arena big = fresh_arena();
    Document doc = parse(R"(["a\nb", "plain"])", big);
    REQUIRE(doc.ok());
    char tiny[2];
    Arena small(tiny, sizeof tiny);
    Str s;
    CHECK(!doc.root()[0].get_string(small, &s));
    CHECK(doc.root()[1].get_string(small, &s)); // a view needs no room
    CHECK_EQ(s, Str("plain"));
}

TEST(get_string_wants_a_string)
{
    Arena arena = fresh_arena();
    Document doc = parse(R"([1, true, null, [], {}])", arena);
    REQUIRE(doc.ok());
    for (Value v : doc.root().elements()) {
        Str s = "unchanged";
        CHECK(!v.get_string(arena, &s));
        CHECK_EQ(s, Str("unchanged"));
    }
}

TEST(escaped_keys_match_their_unescaped_form)
{
    Arena arena = fresh_arena();
    Document doc =
        parse(R"({"a\"b":1,"\u0041":2,"caf\u00e9":3,"\ud83d\ude00":4,"t\tab":5,"\ud83d":6,"x\/y":7})", arena);
    REQUIRE(doc.ok());
    size_t used = arena.used();
    Value root = doc.root();
    CHECK_EQ(root["a\"b"].raw(), Str("1"));
    CHECK_EQ(root["A"].raw(), Str("2"));
    CHECK_EQ(root["caf\xc3\xa9"].raw(), Str("3"));
    CHECK_EQ(root["\xf0\x9f\x98\x80"].raw(), Str("4"));
    CHECK_EQ(root["t\tab"].raw(), Str("5"));
    CHECK_EQ(root["x/y"].raw(), Str("7"));
    CHECK(!root["a\\\"b"].exists()); // the raw spelling does not match
    CHECK(!root["\\u0041"].exists());
    CHECK(!root["a\""].exists()); // prefixes and extensions do not match
    CHECK(!root["a\"bc"].exists());
    CHECK(!root["caf"].exists());
    CHECK(!root["caf\xc3"].exists());
    CHECK(!root["\xed\xa0\xbd"].exists()); // a lone surrogate matches nothing
    CHECK_EQ(arena.used(), used);          // lookups never allocate

    doc = parse(R"({"\u0041":1,"A":2})", arena);
    REQUIRE(doc.ok());
    CHECK_EQ(doc.root()["A"].raw(), Str("1")); // the first match, however it is spelled
}

TEST(raw_utf8_passes_through)
{
    Arena arena = fresh_arena();
    Document doc = parse("{\"caf\xc3\xa9\":\"\xe2\x82\xac\xff\x80\",\"k\":[\"\xf0\x9f\x98\x80\"]}", arena);
    REQUIRE(doc.ok());
    Str s;
    CHECK(doc.root()["caf\xc3\xa9"].get_string(arena, &s));
    CHECK_EQ(s, Str("\xe2\x82\xac\xff\x80")); // not validated as UTF-8, just passed on
    CHECK(doc.root()["k"][0].get_string(arena, &s));
    CHECK_EQ(s, Str("\xf0\x9f\x98\x80"));
}

TEST(integers)
{
    Arena arena = fresh_arena();
    Document doc = parse(R"([0, -0, 7, -42, 9223372036854775807, -9223372036854775808,
        9223372036854775808, -9223372036854775809, 18446744073709551616, 99999999999999999999999,
        1.0, 1e3, 1E3, -0.5, 0e0, "5", true, null, [1],
        10000000000000000000, -10000000000000000000, 922337203685477580, -922337203685477580])",
        arena);
    REQUIRE(doc.ok());
    struct Expect {
        bool ok;
        long long value;
    };
    const Expect expected[] = {
        {true, 0},
        {true, 0},
        {true, 7},
        {true, -42},
        {true, 9223372036854775807ll},
        {true, -9223372036854775807ll - 1},
        {false, 0},
        {false, 0},
        {false, 0},
        {false, 0},
        {false, 0},
        {false, 0},
        {false, 0},
        {false, 0},
        {false, 0},
        {false, 0},
        {false, 0},
        {false, 0},
        {false, 0},
        {false, 0},
        {false, 0},
        {true, 922337203685477580ll},
        {true, -922337203685477580ll},
    };
    size_t n = 0;
    for (Value v : doc.root().elements()) {
        REQUIRE(n < sizeof expected / sizeof expected[0]);
        long long i = 12345;
        bool ok = v.get_int(&i);
        if (!CHECK_EQ(ok, expected[n].ok))
            fprintf(stderr, "    element %zu\n", n);
        CHECK_EQ(i, expected[n].ok ? expected[n].value : 12345ll); // untouched on failure
        ++n;
    }
    CHECK_EQ(n, sizeof expected / sizeof expected[0]);
}

TEST(booleans)
{
    Arena arena = fresh_arena();
    Document doc = parse(R"({"t":true,"f":false,"n":null,"s":"true","i":1})", arena);
    REQUIRE(doc.ok());
    bool b = false;
    CHECK(doc.root()["t"].get_bool(&b));
    CHECK(b);
    CHECK(doc.root()["f"].get_bool(&b));
    CHECK(!b);
    b = true;
    CHECK(!doc.root()["n"].get_bool(&b));
    CHECK(!doc.root()["s"].get_bool(&b));
    CHECK(!doc.root()["i"].get_bool(&b));
    CHECK(b);
}

TEST(numbers_accepted)
{
    const char* good[] = {"0", "-0", "1", "-1", "10", "1.5", "-0.0", "0.25", "1e5", "1E5", "1e+5", "1e-5", "-1.5E-10",
        "0e0", "123456789012345678901234567890", "1.000000000000000000001"};
    for (const char* number : good) {
        char text[64];
        snprintf(text, sizeof text, "[%s]", number);
        Arena arena = fresh_arena();
        Document doc = parse(text, arena);
        if (!CHECK(doc.ok()))
            fprintf(stderr, "    %s\n", text);
        CHECK_EQ(doc.root()[0].type(), Type::number);
        CHECK_EQ(error_of(number), Error::none);
        snprintf(text, sizeof text, "{\"k\":%s}", number);
        CHECK_EQ(error_of(text), Error::none);
    }
}

TEST(bad_primitives_rejected)
{
    // jsmn's strict mode takes any printable run starting with [-0-9tfn]
    // up to a delimiter as a primitive; every one must be checked.
    const char* bad[] = {"tru", "truee", "t", "nul", "nulll", "fals", "falsey", "True", "01", "-01", "00", "1.", "-",
        "--1", "-.5", "1.e5", "1e", "1e+", "1E-", "1.2.3", "1e5e5", "0x10", "1-", "1+1", "1e5.5", "nan", "n1", "t1",
        "f\"x\"", "1\"x\"", "1:2", "1[2", "1{", "-Infinity", "0-"};
    const char* shapes[] = {"[%s]", "[1,%s]", "[%s,1]", "{\"k\":%s}", "{\"k\":%s,\"j\":1}", "%s", " %s "};
    for (const char* primitive : bad) {
        char text[64];
        for (const char* shape : shapes) {
            snprintf(text, sizeof text, shape, primitive);
            Error e = error_of(text);
            if (!CHECK(e == Error::malformed || e == Error::truncated))
                fprintf(stderr, "    accepted: %s\n", text);
        }
    }
    // Not primitives at all.
    const char* other[] = {"+1", ".5", "Infinity", "NaN", "undefined", "'a'", "x", "[x]", "{\"k\":x}", "[.5]", "[+1]"};
    for (const char* text : other)
        CHECK_EQ(error_of(text), Error::malformed);
}

TEST(structure_jsmn_lets_through_is_rejected)
{
    const char* bad[] = {
        "[1 2]",
        "[\"a\" \"b\"]",
        "[1,]",
        "[,1]",
        "[,]",
        "[1,,2]",
        "{,}",
        "{\"a\":1,}",
        "{,\"a\":1}",
        "{\"a\":1,,\"b\":2}",
        "{\"a\" 1}",
        "{\"a\":}",
        "{\"a\"}",
        "{\"a\",\"b\"}",
        "{\"a\" \"b\"}",
        "{\"a\":1 \"b\":2}",
        "{\"a\":{} \"b\":2}",
        "{\"a\":[1] \"b\":2}",
        "[\"a\":1]",
        "{\"a\"::1}",
        "{\"a\":1:2}",
        "{\"a\":\"b\":\"c\"}",
        "[1 :2]",
        "[[] :2]",
        "[{\"a\"}:1]",
        "{\"a\":{}:1}",
        "{1:2}",
        "{[]:2}",
        "{{}:2}",
        "\"a\":[]",
        "\"a\" \"b\"",
        "{} {}",
        "[] []",
        "{}}",
        "[]]",
        "{]",
        "[}",
        "{\"a\":1]",
        "[1}",
        "]",
        "}",
        ":",
        ",",
        "[] x",
        "[]1 ",
        "1 2",
        "[\"tab\there\"]",
        "[\"new\nline\"]",
        "[\"\x01\"]",
        "[\"\x1f\"]",
        "{\"k\ney\":1}",
        "[\"\\x\"]",
        "[\"\\u12\"]",
        "[\"\\u12G4\"]",
        "['a']",
        "[1]\x7f",
        "\xef\xbb\xbf[]", // a byte-order mark is not whitespace
        "[\v]",
        "[\f1]",
    };
    for (const char* text : bad) {
        Error e = error_of(text);
        if (!CHECK_EQ(e, Error::malformed))
            fprintf(stderr, "    input: %s\n", text);
    }
    // Text after a NUL byte is still text.
    Arena arena = fresh_arena();
    CHECK_EQ(Document::parse(Str("[1]\0", 4), arena).error(), Error::malformed);
    CHECK_EQ(Document::parse(Str("[1]\0[2]", 7), arena).error(), Error::malformed);
    CHECK_EQ(Document::parse(Str("1\0", 2), arena).error(), Error::malformed);
    CHECK(!Document::parse(Str("[\"a\0b\"]", 7), arena).ok());
}

TEST(valid_structure_accepted)
{
    const char* good[] = {
        "[]",
        "{}",
        " [ ] ",
        "[[]]",
        "[{}]",
        "[[],[[]],{}]",
        "{\"a\":{}}",
        "{\"a\":[]}",
        "{\"a\":{\"b\":{}},\"c\":[[],{}]}",
        "\t{\r\n \"a\" \t: \n1 , \"b\" :[ 1 , 2 ] }\n",
        "[\"\\\\\",\"\\\"\"]",
        "[\"]\",\"}\",\",\",\":\",\"[\",\"{\"]",
        "{\"}\":\"{\",\"]\":\"[\"}",
        "[\"\x7f\xff\"]",
        "\"\"",
        "[1,[2,[3,[4,[5]]]]]",
    };
    for (const char* text : good) {
        if (!CHECK_EQ(error_of(text), Error::none))
            fprintf(stderr, "    input: %s\n", text);
    }
}

TEST(empty_text_is_malformed)
{
    Arena arena = fresh_arena();
    CHECK_EQ(Document::parse(Str(), arena).error(), Error::malformed);
    CHECK_EQ(error_of(""), Error::malformed);
    CHECK_EQ(error_of(" \t\r\n "), Error::malformed);
    Document doc = parse("", arena);
    CHECK(!doc.ok());
    CHECK(!doc.root().exists());
    CHECK_EQ(doc.root().size(), size_t(0));
}

TEST(failed_parse_gives_missing_root_and_arena_back)
{
    Arena arena = fresh_arena();
    Document doc = parse("[1,2,[3,", arena);
    CHECK_EQ(doc.error(), Error::truncated);
    CHECK(!doc.root().exists());
    CHECK(!doc.root()[0].exists());
    CHECK_EQ(arena.used(), size_t(0));
    doc = parse("[1 2]", arena); // fails after the tokens were filled
    CHECK_EQ(doc.error(), Error::malformed);
    CHECK_EQ(arena.used(), size_t(0));
}

// Every prefix of `full` is parsed from its own heap block of exactly its
// length, so AddressSanitizer sees any read past the end.
static void check_prefixes(const char* full, Error (*expect)(size_t len, size_t full_len))
{
    size_t len = strlen(full);
    for (size_t n = 0; n <= len; ++n) {
        char* copy = static_cast<char*>(malloc(n ? n : 1));
        memcpy(copy, full, n);
        Arena arena = fresh_arena();
        Document doc = Document::parse(Str(copy, n), arena);
        if (!CHECK_EQ(doc.error(), expect(n, len)))
            fprintf(stderr, "    prefix: %.*s\n", static_cast<int>(n), full);
        if (doc.ok())
            CHECK(doc.root().exists());
        free(copy);
    }
}

TEST(every_prefix_of_a_container_is_truncated)
{
    auto expect = [](size_t n, size_t len) {
        return n == 0 ? Error::malformed : n == len ? Error::none : Error::truncated;
    };
    check_prefixes(R"({"a":[1,-2.5e+3,true,false,null,0],"b\"\u00e9\ud83d\ude00":{"c":"x y","d":{},"e":[]},)"
                   R"("f":"\\\/\n\t","g":[[[-0.0E-7]]],"h":"caf)"
                   "\xc3\xa9"
                   R"(","":""})",
        expect);
    check_prefixes(R"([ {"k" : "v"} , [ 1 , 2 ] , "s" , 12 ])", expect);
    check_prefixes(R"("a string \" with \u0041 escapes")", expect);
}

TEST(every_prefix_of_a_scalar)
{
    check_prefixes("-12.5e+3", [](size_t n, size_t) {
        // "-12", "-12.5" and the whole are numbers themselves.
        return n == 2 || n == 3 || n == 5 || n == 8 ? Error::none : Error::malformed;
    });
    check_prefixes("false", [](size_t n, size_t) { return n == 5 ? Error::none : Error::malformed; });
}

TEST(arena_too_small_for_the_tokens)
{
    // A token is five ints with JSMN_PARENT_LINKS; the json module keeps
    // jsmn to itself, so the size is spelled out here.
    alignas(8) char one_token[5 * sizeof(int)];
    Arena arena(one_token, sizeof one_token);
    CHECK_EQ(parse("[1]", arena).error(), Error::too_large);
    CHECK_EQ(arena.used(), size_t(0));
    arena.reset_to(0);
    CHECK_EQ(parse("{\"a\":1}", arena).error(), Error::too_large);
    arena.reset_to(0);
    Document doc = parse("\"just one\"", arena);
    CHECK(doc.ok());
    CHECK_EQ(doc.root().raw(), Str("just one"));
    arena.reset_to(0);
    doc = parse("[]", arena);
    CHECK(doc.ok());
    arena.reset_to(0);
    doc = parse("12", arena);
    CHECK(doc.ok());
    arena.reset_to(0);
    CHECK_EQ(parse("[[]]", arena).error(), Error::too_large);

    Arena none(one_token, 0);
    CHECK_EQ(parse("7", none).error(), Error::too_large);
    CHECK_EQ(parse("[]", none).error(), Error::too_large);
    CHECK_EQ(parse("[", none).error(), Error::too_large); // the count pass cannot see it is incomplete
}

TEST(text_beyond_int_max_is_too_large)
{
    // jsmn's offsets are ints. The length is checked before any byte is read.
    char one = '[';
    Arena arena = fresh_arena();
    Document doc = Document::parse(Str(&one, size_t(__INT_MAX__) + 1), arena);
    CHECK_EQ(doc.error(), Error::too_large);
    CHECK_EQ(arena.used(), size_t(0));
}

TEST(deep_nesting)
{
    const size_t depth = 20000;
    char* text = static_cast<char*>(malloc(2 * depth));
    memset(text, '[', depth);
    memset(text + depth, ']', depth);
    Arena arena = fresh_arena();
    Document doc = Document::parse(Str(text, 2 * depth), arena);
    CHECK(doc.ok());
    Value v = doc.root();
    for (size_t i = 1; i < depth; ++i)
        v = v[0];
    CHECK_EQ(v.raw(), Str("[]"));
    CHECK(!v[0].exists());
    arena = fresh_arena();
    CHECK_EQ(Document::parse(Str(text, 2 * depth - 1), arena).error(), Error::truncated);
    free(text);
}

TEST(describe_errors)
{
    CHECK_EQ(wisp::json::describe(Error::malformed), Str("malformed JSON"));
    CHECK_EQ(wisp::json::describe(Error::truncated), Str("truncated JSON"));
    CHECK_EQ(wisp::json::describe(Error::too_large), Str("JSON too large for the arena"));
    CHECK(!wisp::json::describe(Error::none).empty());
}

// Walks a value: sizes agree with iteration, every member is found again by
// its key (events have no duplicate keys), every string unescapes.
static size_t walk(Value v, Arena& arena)
{
    size_t visited = 1;
    Str s;
    long long i = 0;
    bool b = false;
    switch (v.type()) {
    case Type::object: {
        size_t n = 0;
        for (Member m : v.members()) {
            ++n;
            Str key;
            CHECK(m.key.get_string(arena, &key));
            CHECK_EQ(v[key].raw().ptr, m.value.raw().ptr);
            visited += walk(m.value, arena);
        }
        CHECK_EQ(n, v.size());
        break;
    }
    case Type::array: {
        size_t n = 0;
        for (Value e : v.elements()) {
            CHECK_EQ(v[n].raw().ptr, e.raw().ptr);
            visited += walk(e, arena);
            ++n;
        }
        CHECK_EQ(n, v.size());
        break;
    }
    case Type::string: CHECK(v.get_string(arena, &s)); break;
    case Type::number: {
        Str raw = v.raw();
        bool integer = raw.find('.') == raw.len && raw.find('e') == raw.len && raw.find('E') == raw.len;
        if (integer && raw.len < 19)
            CHECK(v.get_int(&i));
        break;
    }
    case Type::boolean: CHECK(v.get_bool(&b)); break;
    case Type::null: break;
    case Type::missing: CHECK(false); break;
    }
    return visited;
}

static bool ends_with_json(const char* name)
{
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".json") == 0;
}

static void parse_events_under(const char* dir, int* files)
{
    DIR* d = opendir(dir);
    if (!CHECK(d != nullptr)) {
        fprintf(stderr, "    cannot open %s (set WISP_EVENTS_DIR)\n", dir);
        return;
    }
    while (dirent* entry = readdir(d)) {
        if (entry->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, entry->d_name);
        struct stat info;
        if (stat(path, &info) != 0)
            continue;
        if (S_ISDIR(info.st_mode)) {
            parse_events_under(path, files);
            continue;
        }
        if (!ends_with_json(entry->d_name))
            continue;
        FILE* f = fopen(path, "rb");
        REQUIRE(f);
        size_t size = static_cast<size_t>(info.st_size);
        char* text = static_cast<char*>(malloc(size ? size : 1));
        size_t got = fread(text, 1, size, f);
        fclose(f);
        CHECK_EQ(got, size);
        Arena arena = fresh_arena();
        Document doc = Document::parse(Str(text, got), arena);
        if (CHECK(doc.ok()))
            CHECK(walk(doc.root(), arena) > 0);
        else
            fprintf(stderr, "    %s: %.*s\n", path, static_cast<int>(wisp::json::describe(doc.error()).len),
                wisp::json::describe(doc.error()).ptr);
        free(text);
        ++*files;
    }
    closedir(d);
}

TEST(real_events_parse)
{
    const char* dir = getenv("WISP_EVENTS_DIR");
    if (!dir || !*dir)
        dir = "../shared/events";
    int files = 0;
    parse_events_under(dir, &files);
    printf("  parsed %d event files under %s\n", files, dir);
    CHECK(files > 0);
}
