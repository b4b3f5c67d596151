#include "clock.h"

#include "kit.h"

#include <wisp/str.h>

using wisp::Str;

static Str timestamp(char (&out)[24], long long ms)
{
    wisp::format_timestamp(out, ms);
    return {out, sizeof out};
}

TEST(rfc3339_with_milliseconds)
{
    char out[24];
    CHECK_EQ(timestamp(out, 0), Str("1970-01-01T00:00:00.000Z"));
    CHECK_EQ(timestamp(out, 1700000000123), Str("2023-11-14T22:13:20.123Z"));
    CHECK_EQ(timestamp(out, 1795436996785), Str("2026-11-23T12:29:56.785Z"));
}

TEST(leap_days_and_year_ends)
{
    char out[24];
    CHECK_EQ(timestamp(out, 951782400000), Str("2000-02-29T00:00:00.000Z"));
    CHECK_EQ(timestamp(out, 951868800000), Str("2000-03-01T00:00:00.000Z"));
    CHECK_EQ(timestamp(out, 1709251199999), Str("2024-02-29T23:59:59.999Z"));
    CHECK_EQ(timestamp(out, 1735689599999), Str("2024-12-31T23:59:59.999Z"));
    CHECK_EQ(timestamp(out, 4102444799999), Str("2099-12-31T23:59:59.999Z")); // the last year the rule covers
}
