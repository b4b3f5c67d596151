// The base every event view is built on: numbers kept as text, strings and
// maps read through the arena, lists, and the shared decoders.
#include <wisp/events/batch.h>
#include <wisp/events/view.h>

#include "kit.h"

using wisp::Arena;
using wisp::Builder;
using wisp::Str;
using wisp::events::List;
using wisp::events::Number;
using wisp::events::Plus;
using wisp::events::StringMap;
using wisp::events::View;
using wisp::json::Document;

namespace {

alignas(16) char g_memory[1 << 20];

Arena fresh_arena() { return Arena(g_memory, sizeof g_memory); }

Str bytes(const char* s) { return Str::from_cstr(s); }

Number number(const char* text) { return Number{bytes(text)}; }

} // namespace

TEST(number_grammar)
{
    const char* good[] = {"0", "-0", "12", "-12.5", "1e9", "1.5E-3", "6.02e+23"};
    for (const char* text : good)
        CHECK(number(text).valid());
    const char* bad[] = {"", "-", "01", "1.", ".5", "1e", "1e+", "+1", "0x10", "1 ", " 1", "NaN", "1.2.3"};
    for (const char* text : bad)
        CHECK(!number(text).valid());
    CHECK(number("-12").integer());
    CHECK(!number("12.0").integer());
    CHECK(!number("1e3").integer());
}

TEST(number_conversions_never_round)
{
    long long i = 0;
    unsigned long long u = 0;
    CHECK(number("9223372036854775807").get_int(&i));
    CHECK_EQ(i, 9223372036854775807ll);
    CHECK(number("-9223372036854775808").get_int(&i));
    CHECK_EQ(i, -9223372036854775807ll - 1);
    CHECK(!number("9223372036854775808").get_int(&i));
    CHECK(number("18446744073709551615").get_uint(&u));
    CHECK_EQ(u, 18446744073709551615ull);
    // A Kinesis sequence number: 56 digits, far beyond 2^64. The text stays exact.
    Number sequence = number("49590338271490256608559692538361571095921575989136588898");
    CHECK(sequence.valid());
    CHECK(sequence.integer());
    CHECK(!sequence.get_uint(&u));
    CHECK(!sequence.get_int(&i));
    CHECK(!number("-1").get_uint(&u));
    CHECK(!number("1.5").get_int(&i));
    CHECK(!number("1e3").get_int(&i));
}

TEST(number_scaled_decimal)
{
    long long v = 0;
    CHECK(number("12.5").get_scaled(2, &v));
    CHECK_EQ(v, 1250ll);
    CHECK(number("-0.07").get_scaled(2, &v));
    CHECK_EQ(v, -7ll);
    CHECK(number("3").get_scaled(3, &v));
    CHECK_EQ(v, 3000ll);
    // An approximateArrivalTimestamp, exactly, in microseconds.
    CHECK(number("1545084650.987").get_scaled(6, &v));
    CHECK_EQ(v, 1545084650987000ll);
    CHECK(!number("1.234").get_scaled(2, &v)); // would round
    CHECK(!number("1e2").get_scaled(2, &v));
    CHECK(!number("92233720368547758.08").get_scaled(3, &v)); // overflows once scaled
}

TEST(view_fields_absent_empty_and_typed)
{
    Arena arena = fresh_arena();
    Document doc = Document::parse(
        bytes(R"({"s":"a\"b","e":"","n":12,"ns":"-3.5","t":true,"x":null,"CodePipeline.job":{"id":"j"},)"
              R"("cognito:username":"u","Availability Zone":"az"})"),
        arena);
    REQUIRE(doc.ok());
    View view(doc.root(), arena);
    CHECK(view.string("s") == bytes("a\"b"));
    CHECK(view.string("e").ptr != nullptr);
    CHECK(view.string("e").empty());
    CHECK(view.string("absent").ptr == nullptr);
    CHECK(view.string("n").ptr == nullptr); // a number is not a string
    CHECK(view.string("x").ptr == nullptr);
    CHECK(view.number("n").text == bytes("12"));
    CHECK(view.number("ns").text == bytes("-3.5"));
    CHECK(view.number("s").text.ptr == nullptr); // a string that is no number
    CHECK(view.number("t").text.ptr == nullptr);
    CHECK(view.boolean("t"));
    CHECK(!view.boolean("absent"));
    CHECK(view.boolean("absent", true));
    CHECK(view.boolean("s", true)); // wrong type: the fallback
    // Keys with dots, colons and spaces are plain keys: no path syntax.
    CHECK(view.child("CodePipeline.job").string("id") == bytes("j"));
    CHECK(view.string("cognito:username") == bytes("u"));
    CHECK(view.string("Availability Zone") == bytes("az"));
    CHECK(!view.child("absent").exists());
    CHECK(view.child("absent").string("id").ptr == nullptr);
}

TEST(string_map_lookup_and_iteration)
{
    Arena arena = fresh_arena();
    Document doc = Document::parse(bytes(R"({"Content-Type":"text/plain","X-A\u0042":"v\n","n":1})"), arena);
    REQUIRE(doc.ok());
    StringMap map(doc.root(), arena);
    CHECK(map.get("Content-Type") == bytes("text/plain"));
    CHECK(map.get("content-type").ptr == nullptr);
    CHECK(map.get_ignore_case("content-TYPE") == bytes("text/plain"));
    CHECK(map.get_ignore_case("x-ab") == bytes("v\n")); // the key is unescaped before comparing
    CHECK_EQ(map.size(), size_t{3});
    size_t n = 0;
    Str keys[3], values[3];
    for (StringMap::Entry entry : map) {
        keys[n] = entry.key;
        values[n] = entry.value;
        ++n;
    }
    REQUIRE(n == 3);
    CHECK(keys[1] == bytes("X-AB"));
    CHECK(values[2].ptr == nullptr); // 1 is no string
    StringMap none(doc.root()["absent"], arena);
    CHECK_EQ(none.size(), size_t{0});
    CHECK(!(none.begin() != none.end()));
}

TEST(list_of_views)
{
    Arena arena = fresh_arena();
    Document doc = Document::parse(bytes(R"({"Records":[{"id":"a"},{"id":"b"},{"id":"c"}],"o":{}})"), arena);
    REQUIRE(doc.ok());
    View root(doc.root(), arena);
    List<View> records(root.child("Records"));
    CHECK_EQ(records.size(), size_t{3});
    CHECK(records[2].string("id") == bytes("c"));
    CHECK(!records[3].exists());
    Str seen[3];
    size_t n = 0;
    for (View record : records)
        seen[n++] = record.string("id");
    CHECK_EQ(n, size_t{3});
    CHECK(seen[0] == bytes("a") && seen[1] == bytes("b"));
    CHECK(List<View>(root.child("o")).empty()); // an object is no list
    CHECK(List<View>(root.child("absent")).empty());
}

TEST(percent_decoding)
{
    Arena arena = fresh_arena();
    Str plain = bytes("photos/2024/cat.jpg");
    CHECK(wisp::events::percent_decode(plain, arena, Plus::space).ptr == plain.ptr); // no copy
    CHECK(wisp::events::percent_decode(bytes("a+b%2Bc"), arena, Plus::space) == bytes("a b+c"));
    CHECK(wisp::events::percent_decode(bytes("a+b%2Bc"), arena, Plus::literal) == bytes("a+b+c"));
    CHECK(wisp::events::percent_decode(bytes("caf%C3%A9"), arena, Plus::space) == bytes("caf\xc3\xa9"));
    CHECK(wisp::events::percent_decode(bytes("100%"), arena, Plus::space) == bytes("100%"));
    CHECK(wisp::events::percent_decode(bytes("%zz%4"), arena, Plus::space) == bytes("%zz%4"));
    CHECK(wisp::events::percent_decode(bytes("%00"), arena, Plus::space) == Str("\0", 1));
}

TEST(base64_decoding_into_the_arena)
{
    Arena arena = fresh_arena();
    CHECK(wisp::events::base64_decode(bytes("aGVsbG8="), arena) == bytes("hello"));
    Str empty = wisp::events::base64_decode(bytes(""), arena);
    CHECK(empty.ptr != nullptr && empty.empty());
    CHECK(wisp::events::base64_decode(Str(), arena).ptr == nullptr);
    size_t before = arena.used();
    CHECK(wisp::events::base64_decode(bytes("aGVsbG8"), arena).ptr == nullptr);
    CHECK(wisp::events::base64_decode(bytes("a!Vs"), arena).ptr == nullptr);
    CHECK_EQ(arena.used(), before); // a failed decode gives its memory back
}

TEST(batch_response)
{
    char buffer[128];
    Builder out(buffer, sizeof buffer);
    wisp::events::BatchResponse none(out);
    wisp::Outcome outcome = none.finish();
    CHECK(outcome.status == wisp::Status::success);
    CHECK(outcome.text == bytes(R"({"batchItemFailures":[]})"));

    Builder out2(buffer, sizeof buffer);
    wisp::events::BatchResponse batch(out2);
    batch.fail("id-1");
    batch.fail("q\"2");
    CHECK_EQ(batch.failures(), size_t{2});
    outcome = batch.finish();
    CHECK(outcome.text == bytes(R"({"batchItemFailures":[{"itemIdentifier":"id-1"},{"itemIdentifier":"q\"2"}]})"));

    char small[40];
    Builder out3(small, sizeof small);
    wisp::events::BatchResponse overflow(out3);
    overflow.fail("a-rather-long-identifier-that-does-not-fit");
    outcome = overflow.finish();
    CHECK(outcome.status == wisp::Status::failure);
    CHECK(outcome.type == bytes("Function.ResponseTooLarge"));
}
