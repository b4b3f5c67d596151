#include <wisp/builder.h>

#include "kit.h"

using wisp::Builder;
using wisp::Str;

TEST(appends_integers)
{
    char buf[64];
    Builder b(buf, sizeof buf);
    b.append_int(0).append(' ').append_int(-42).append(' ').append_uint(18446744073709551615ull);
    b.append(' ').append_int(-9223372036854775807ll - 1);
    CHECK_EQ(b.view(), Str("0 -42 18446744073709551615 -9223372036854775808"));
}

TEST(overflow_is_sticky)
{
    char buf[4];
    Builder b(buf, sizeof buf);
    b.append("abc");
    b.append("de");
    CHECK(b.overflowed());
    b.append("f"); // would fit, but the builder already lost bytes
    CHECK_EQ(b.view(), Str("abc"));
    b.clear();
    CHECK(!b.overflowed());
}

TEST(appending_nothing_changes_nothing)
{
    char buf[8];
    Builder b(buf, sizeof buf);
    b.append("ab").append(Str()).append(Str("", 0)).append_json_string(Str());
    CHECK_EQ(b.view(), Str("ab\"\""));
    CHECK(!b.overflowed());
}

TEST(json_escaping)
{
    char buf[128];
    Builder b(buf, sizeof buf);
    b.append_json_string(Str("a\"b\\c\n\t\x01\x1f", 9));
    CHECK_EQ(b.view(), Str("\"a\\\"b\\\\c\\u000a\\u0009\\u0001\\u001f\""));
}

TEST(json_escaping_passes_utf8_through)
{
    char buf[64];
    Builder b(buf, sizeof buf);
    b.append_json_string("caf\xc3\xa9 \xf0\x9f\x8c\x8d \x80\xff");
    CHECK_EQ(b.view(), Str("\"caf\xc3\xa9 \xf0\x9f\x8c\x8d \x80\xff\""));
}

TEST(json_escaping_overflow_never_writes_past_capacity)
{
    char buf[8] = {};
    Builder b(buf, 6);
    b.append_json_string("\n\n\n\n");
    CHECK(b.overflowed());
    CHECK(b.size() <= 6);
    CHECK_EQ(buf[6], 0);
}
