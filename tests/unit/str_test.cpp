#include <wisp/str.h>

#include "kit.h"

using wisp::Str;

TEST(literal_excludes_nul) { CHECK_EQ(Str("abc").len, 3u); }

TEST(equality_compares_bytes)
{
    CHECK(Str("abc") == Str("abc"));
    CHECK(Str("abc") != Str("abd"));
    CHECK(Str("ab") != Str("abc"));
    CHECK(Str() == Str(""));
}

TEST(ignore_case_only_folds_ascii_letters)
{
    CHECK(wisp::equals_ignore_case("Content-Length", "content-length"));
    CHECK(!wisp::equals_ignore_case("a", "b"));
    CHECK(!wisp::equals_ignore_case("[", "{")); // '[' | 0x20 == '{': not a letter
    CHECK(!wisp::equals_ignore_case("\xc3\xa9", "\xe3\xa9"));
}

TEST(sub_clamps)
{
    Str s("hello");
    CHECK_EQ(s.sub(1, 3), Str("ell"));
    CHECK_EQ(s.sub(3), Str("lo"));
    CHECK_EQ(s.sub(9).len, 0u);
    CHECK_EQ(s.sub(2, 100), Str("llo"));
}

TEST(find_and_prefix)
{
    CHECK_EQ(Str("a:b").find(':'), 1u);
    CHECK_EQ(Str("ab").find(':'), 2u);
    CHECK(Str("http://x").starts_with("http://"));
    CHECK(!Str("http").starts_with("http://"));
}

TEST(from_cstr) { CHECK_EQ(Str::from_cstr("xyz"), Str("xyz")); }
