// The request id guard: only [A-Za-z0-9-]{1,128} may reach a request line;
// and the header value guard: 1..max bytes of 0x20..0x7e.
#include "runtime.h"

#include <wisp/handler.h>

#include "kit.h"

using wisp::is_header_value;
using wisp::is_safe_request_id;
using wisp::Str;

// runtime.cpp's loop calls the handler; these tests never run the loop.
wisp::Outcome wisp::handle(const Invocation&, Arena&, Builder&) { return failure("Test.NoHandler", "not used"); }

TEST(accepts_uuids_and_the_allowed_alphabet)
{
    CHECK(is_safe_request_id("8476a536-e9f4-11e8-9739-2dfe598c3fcd"));
    CHECK(is_safe_request_id("8476A536-E9F4-11E8-9739-2DFE598C3FCD"));
    CHECK(is_safe_request_id("a"));
    CHECK(is_safe_request_id("Z"));
    CHECK(is_safe_request_id("0"));
    CHECK(is_safe_request_id("-"));
    CHECK(is_safe_request_id("--"));
    CHECK(is_safe_request_id("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"));
    char id[128];
    memset(id, 'f', sizeof id);
    CHECK(is_safe_request_id({id, 128}));
    CHECK(is_safe_request_id({id, 1}));
}

TEST(every_byte_outside_the_alphabet_is_rejected)
{
    for (unsigned c = 0; c < 256; ++c) {
        bool allowed = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
        // Alone, first, in the middle and last in an otherwise good id.
        char id[5] = {'a', 'b', 'c', 'd', 'e'};
        char alone = char(c);
        bool ok = CHECK_EQ(is_safe_request_id({&alone, 1}), allowed);
        id[0] = char(c);
        ok = CHECK_EQ(is_safe_request_id({id, 5}), allowed) && ok;
        id[0] = 'a';
        id[2] = char(c);
        ok = CHECK_EQ(is_safe_request_id({id, 5}), allowed) && ok;
        id[2] = 'c';
        id[4] = char(c);
        ok = CHECK_EQ(is_safe_request_id({id, 5}), allowed) && ok;
        if (!ok)
            fprintf(stderr, "    byte 0x%02x\n", c);
    }
}

TEST(rejects_empty_long_and_unsafe_ids)
{
    CHECK(!is_safe_request_id(""));
    CHECK(!is_safe_request_id(Str()));
    char id[200];
    memset(id, 'a', sizeof id);
    CHECK(!is_safe_request_id({id, 129}));
    CHECK(!is_safe_request_id({id, 200}));
    CHECK(!is_safe_request_id("../next"));
    CHECK(!is_safe_request_id("a/b"));
    CHECK(!is_safe_request_id("a.b"));
    CHECK(!is_safe_request_id(".."));
    CHECK(!is_safe_request_id("a b"));
    CHECK(!is_safe_request_id("abc\r\nHost: evil"));
    CHECK(!is_safe_request_id("abc\r"));
    CHECK(!is_safe_request_id("abc\n"));
    CHECK(!is_safe_request_id(Str("ab\0c", 4)));
    CHECK(!is_safe_request_id(Str("\0", 1)));
    CHECK(!is_safe_request_id("caf\xc3\xa9"));
    CHECK(!is_safe_request_id("\x80"));
    CHECK(!is_safe_request_id("a\xff"));
    CHECK(!is_safe_request_id("a?b=c"));
    CHECK(!is_safe_request_id("a%2Fb"));
    CHECK(!is_safe_request_id("a_b"));
}

TEST(header_values_are_printable_ascii_within_bounds)
{
    for (unsigned c = 0; c < 256; ++c) {
        bool allowed = c >= 0x20 && c <= 0x7e;
        // Alone, first, in the middle and last in an otherwise good value.
        char value[5] = {'a', ' ', 'c', '~', 'e'};
        char alone = char(c);
        bool ok = CHECK_EQ(is_header_value({&alone, 1}, 256), allowed);
        for (int at = 0; at < 5; at += 2) {
            char saved = value[at];
            value[at] = char(c);
            ok = CHECK_EQ(is_header_value({value, 5}, 256), allowed) && ok;
            value[at] = saved;
        }
        if (!ok)
            fprintf(stderr, "    byte 0x%02x\n", c);
    }
    char value[300];
    memset(value, 'x', sizeof value);
    CHECK(is_header_value({value, 256}, 256));
    CHECK(!is_header_value({value, 257}, 256));
    CHECK(is_header_value({value, 128}, 128));
    CHECK(!is_header_value({value, 129}, 128));
    CHECK(!is_header_value("", 256));
    CHECK(!is_header_value(Str(), 256));
}
