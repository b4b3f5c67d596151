#include <wisp/base64.h>

#include "kit.h"

namespace base64 = wisp::base64;
using wisp::Builder;
using wisp::Str;

// RFC 4648 section 10, both ways.
static const Str vectors[][2] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

TEST(rfc4648_vectors_encode)
{
    for (const auto& v : vectors) {
        char buf[16];
        Builder out(buf, sizeof buf);
        base64::encode(out, v[0]);
        CHECK_EQ(out.view(), v[1]);
        CHECK_EQ(out.size(), base64::encoded_size(v[0].len));
    }
}

TEST(rfc4648_vectors_decode)
{
    for (const auto& v : vectors) {
        char buf[16];
        size_t len = 99;
        REQUIRE(base64::decode(v[1], buf, &len));
        CHECK_EQ(Str(buf, len), v[0]);
        CHECK(len <= base64::decoded_max(v[1].len));
    }
}

TEST(every_byte_value_round_trips)
{
    char bytes[256];
    for (int i = 0; i < 256; ++i)
        bytes[i] = static_cast<char>(255 - i);
    for (size_t len = 250; len <= 256; ++len) { // each padding case, every byte
        char text[344];
        Builder out(text, sizeof text);
        base64::encode(out, Str(bytes, len));
        REQUIRE(!out.overflowed());
        char back[258];
        size_t decoded = 0;
        REQUIRE(base64::decode(out.view(), back, &decoded));
        CHECK_EQ(Str(back, decoded), Str(bytes, len));
    }
}

TEST(alphabet_ends_with_plus_and_slash)
{
    char buf[8];
    Builder out(buf, sizeof buf);
    base64::encode(out, Str("\xfb\xff\xbf", 3));
    CHECK_EQ(out.view(), Str("+/+/"));
}

TEST(decodes_in_place)
{
    char text[] = "aGVsbG8sIHdvcmxk";
    size_t len = 0;
    REQUIRE(base64::decode(Str(text, 16), text, &len));
    CHECK_EQ(Str(text, len), Str("hello, world"));
}

TEST(rejects_what_is_not_canonical)
{
    const Str bad[] = {// not a multiple of four
        "Zg", "Zg=", "Zm9vY",
        // padding before the end, or in the wrong place
        "Zg==Zg==", "Z===", "====", "Zm=v", "Z=9v",
        // bits set under the padding
        "Zh==", "Zm9=",
        // outside the alphabet (the URL-safe one included)
        "Zm9\n", "Zm 9", "Zm-_", "Zm9\x80"};
    for (Str text : bad) {
        char buf[16];
        size_t len = 77;
        CHECK(!base64::decode(text, buf, &len));
        CHECK_EQ(len, 77u);
    }
}

TEST(encoding_overflow_is_sticky)
{
    char buf[6];
    Builder out(buf, sizeof buf);
    base64::encode(out, "foobar");
    CHECK(out.overflowed());
    CHECK_EQ(out.view(), Str("Zm9v"));
}
