// The CloudWatch Logs view: events built here (base64 of gzip of a JSON
// document; the gzip made of stored blocks by a small writer below, so the
// document is exactly what the test wrote), and the samples, whose data real
// gzip compressed.
#include <wisp/base64.h>
#include <wisp/events/cloudwatch_logs.h>

#include "kit.h"

#include <stdlib.h>

using wisp::Arena;
using wisp::Builder;
using wisp::Str;
using wisp::events::CloudWatchLogEvent;
using wisp::events::CloudWatchLogs;
using wisp::events::CloudWatchLogsData;
using wisp::events::StringMap;
using wisp::json::Document;
using Error = CloudWatchLogs::Error;

namespace {

alignas(16) char g_memory[8 << 20];
char g_gzip[3 << 20];
char g_event[4 << 20];

Str text(const char* s) { return Str::from_cstr(s); }

unsigned crc32(Str bytes)
{
    unsigned crc = ~0u;
    for (size_t i = 0; i < bytes.len; ++i) {
        crc ^= bytes.byte(i);
        for (int k = 0; k < 8; ++k)
            crc = crc & 1 ? crc >> 1 ^ 0xedb88320u : crc >> 1;
    }
    return ~crc;
}

void put32(Builder& out, unsigned v)
{
    for (int i = 0; i < 4; ++i)
        out.append(static_cast<char>(v >> (8 * i)));
}

// A gzip member of stored blocks (at most 65535 bytes each).
Str gzip(Str data)
{
    Builder out(g_gzip, sizeof g_gzip);
    out.append(Str("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10));
    size_t at = 0;
    do {
        size_t n = data.len - at < 65535 ? data.len - at : 65535;
        out.append(static_cast<char>(at + n == data.len)); // BFINAL, BTYPE 00
        out.append(static_cast<char>(n)).append(static_cast<char>(n >> 8));
        out.append(static_cast<char>(~n)).append(static_cast<char>(~n >> 8));
        out.append(data.sub(at, n));
        at += n;
    } while (at < data.len);
    put32(out, crc32(data));
    put32(out, static_cast<unsigned>(data.len));
    CHECK(!out.overflowed());
    return out.view();
}

// {"awslogs":{"data":"<base64 of compressed>"}}
Str event_of(Str compressed)
{
    Builder out(g_event, sizeof g_event);
    out.append(Str("{\"awslogs\":{\"data\":\""));
    wisp::base64::encode(out, compressed);
    out.append(Str("\"}}"));
    CHECK(!out.overflowed());
    return out.view();
}

struct Decoding {
    Document doc;
    CloudWatchLogs::Decoded decoded;
};

// Parses the event, decodes it; the arena must come back to its mark on failure.
Decoding decode(Arena& arena, Str event, size_t limit = CloudWatchLogs::default_limit)
{
    Decoding d;
    d.doc = Document::parse(event, arena);
    CHECK(d.doc.ok());
    size_t mark = arena.mark();
    d.decoded = CloudWatchLogs(d.doc.root(), arena).decode(arena, limit);
    if (!d.decoded.ok()) {
        CHECK_EQ(arena.used(), mark);
        CHECK(!d.decoded.data.exists());
    }
    return d;
}

Error error_of(Str event, size_t limit = CloudWatchLogs::default_limit)
{
    Arena arena(g_memory, sizeof g_memory);
    return decode(arena, event, limit).decoded.error;
}

Str read_sample(const char* name, char* buffer, size_t size)
{
    const char* dir = getenv("WISP_EVENTS_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "../shared/events", name);
    FILE* f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "  cannot open %s (set WISP_EVENTS_DIR)\n", path);
        return {};
    }
    size_t len = fread(buffer, 1, size, f);
    fclose(f);
    return {buffer, len};
}

} // namespace

TEST(samples)
{
    const char* samples[] = {"aws-lambda-go/cloudwatch-logs-event.json",
        "aws-lambda-java-libs/cloudwatchlogs_event.json", "aws-lambda-rust-runtime/example-cloudwatch_logs-event.json"};
    for (const char* sample : samples) {
        static char buffer[64 << 10];
        Str event = read_sample(sample, buffer, sizeof buffer);
        REQUIRE(event.ptr);
        Arena arena(g_memory, sizeof g_memory);
        Decoding d = decode(arena, event);
        REQUIRE(d.decoded.ok());
        const CloudWatchLogsData& logs = d.decoded.data;
        CHECK_EQ(logs.message_type(), Str("DATA_MESSAGE"));
        CHECK_EQ(logs.owner(), Str("123456789123"));
        CHECK_EQ(logs.log_group(), Str("testLogGroup"));
        CHECK_EQ(logs.log_stream(), Str("testLogStream"));
        CHECK(!logs.policy_level().ptr);
        REQUIRE(logs.subscription_filters().size() == 1);
        CHECK_EQ(logs.subscription_filters()[0].text(), Str("testFilter"));
        REQUIRE(logs.log_events().size() == 2);
        const char* messages[] = {"[ERROR] First test message", "[ERROR] Second test message"};
        long long i = 0;
        for (CloudWatchLogEvent e : logs.log_events()) {
            char id[16];
            snprintf(id, sizeof id, "eventId%lld", i + 1);
            CHECK_EQ(e.id(), text(id));
            long long timestamp = 0;
            CHECK(e.timestamp().get_int(&timestamp));
            CHECK_EQ(timestamp, 1440442987000 + i);
            CHECK_EQ(e.message(), text(messages[i]));
            CHECK(!e.extracted_fields().exists());
            CHECK_EQ(e.extracted_fields().size(), size_t{0});
            ++i;
        }
        CHECK_EQ(i, 2ll);
    }
}

TEST(every_field_with_escapes_and_odd_keys)
{
    Str json = text(R"({"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs",)"
                    R"("logGroup":"\/aws\/lambda\/caf\u00e9","logStream":"2024\/01\/01\/[$LATEST]0a1b",)"
                    R"("subscriptionFilters":["first","se\"co\\nd"],"policyLevel":"ACCOUNT_LEVEL_POLICY",)"
                    R"("logEvents":[{"id":"31953106606966983378809025079804211143289615424298221568",)"
                    R"("timestamp":1432826855000,"message":"line\n\t\"quoted\" \ud83d\ude00",)"
                    R"("extractedFields":{"@timestamp":"2024-01-01","user.name":"ada","a:b c":"x y"}},)"
                    R"({"id":"2","timestamp":123456789012345678901234567890,"message":""}]})");
    Arena arena(g_memory, sizeof g_memory);
    Decoding d = decode(arena, event_of(gzip(json)));
    REQUIRE(d.decoded.ok());
    const CloudWatchLogsData& logs = d.decoded.data;
    CHECK_EQ(logs.message_type(), Str("CONTROL_MESSAGE"));
    CHECK_EQ(logs.owner(), Str("CloudwatchLogs"));
    CHECK_EQ(logs.log_group(), Str("/aws/lambda/caf\xc3\xa9"));
    CHECK_EQ(logs.log_stream(), Str("2024/01/01/[$LATEST]0a1b"));
    CHECK_EQ(logs.policy_level(), Str("ACCOUNT_LEVEL_POLICY"));
    const char* filters[] = {"first", "se\"co\\nd"};
    size_t n = 0;
    for (Str filter : logs.subscription_filters())
        CHECK_EQ(filter, text(filters[n++]));
    CHECK_EQ(n, size_t{2});

    CloudWatchLogEvent first = logs.log_events()[0];
    CHECK_EQ(first.id(), Str("31953106606966983378809025079804211143289615424298221568"));
    CHECK_EQ(first.timestamp().text, Str("1432826855000"));
    CHECK_EQ(first.message(), Str("line\n\t\"quoted\" \xf0\x9f\x98\x80"));
    StringMap fields = first.extracted_fields();
    CHECK_EQ(fields.size(), size_t{3});
    CHECK_EQ(fields.get("@timestamp"), Str("2024-01-01"));
    CHECK_EQ(fields.get("user.name"), Str("ada"));
    CHECK_EQ(fields.get("a:b c"), Str("x y"));
    CHECK(!fields.get("user").ptr);

    // A number beyond 2^64 stays as written.
    CloudWatchLogEvent second = logs.log_events()[1];
    CHECK_EQ(second.timestamp().text, Str("123456789012345678901234567890"));
    long long value = 0;
    CHECK(!second.timestamp().get_int(&value));
    CHECK(second.message().ptr != nullptr);
    CHECK_EQ(second.message().len, size_t{0});
    CHECK_EQ(logs.log_events().size(), size_t{2});
}

TEST(missing_fields_and_wrong_types_read_as_absent)
{
    Arena arena(g_memory, sizeof g_memory);
    Decoding d = decode(arena, event_of(gzip(text("{}"))));
    REQUIRE(d.decoded.ok());
    const CloudWatchLogsData& empty = d.decoded.data;
    CHECK(!empty.message_type().ptr);
    CHECK(!empty.owner().ptr);
    CHECK(!empty.log_group().ptr);
    CHECK(!empty.log_stream().ptr);
    CHECK(!empty.policy_level().ptr);
    CHECK(empty.subscription_filters().empty());
    CHECK(empty.log_events().empty());

    Str json = text(R"({"messageType":1,"owner":null,"logGroup":["g"],"logStream":{},"policyLevel":true,)"
                    R"("subscriptionFilters":[7,"b",null],"logEvents":[1,{"id":5,"timestamp":"soon",)"
                    R"("message":{},"extractedFields":{"k":1,"s":"v"}}]})");
    d = decode(arena, event_of(gzip(json)));
    REQUIRE(d.decoded.ok());
    const CloudWatchLogsData& odd = d.decoded.data;
    CHECK(!odd.message_type().ptr);
    CHECK(!odd.owner().ptr);
    CHECK(!odd.log_group().ptr);
    CHECK(!odd.log_stream().ptr);
    CHECK(!odd.policy_level().ptr);
    CHECK_EQ(odd.subscription_filters().size(), size_t{3});
    CHECK(!odd.subscription_filters()[0].text().ptr);
    CHECK_EQ(odd.subscription_filters()[1].text(), Str("b"));
    CHECK(!odd.subscription_filters()[2].text().ptr);
    CHECK(!odd.subscription_filters()[3].text().ptr); // past the end
    CHECK_EQ(odd.log_events().size(), size_t{2});
    CloudWatchLogEvent number = odd.log_events()[0];
    CHECK(!number.id().ptr);
    CHECK(!number.message().ptr);
    CHECK(!number.timestamp().text.ptr);
    CloudWatchLogEvent wrong = odd.log_events()[1];
    CHECK(!wrong.id().ptr);
    CHECK(!wrong.timestamp().text.ptr); // a string, but not a number
    CHECK(!wrong.message().ptr);
    CHECK(!wrong.extracted_fields().get("k").ptr);
    CHECK_EQ(wrong.extracted_fields().get("s"), Str("v"));

    // Fields of the event itself are not mistaken for the document's.
    CHECK(!CloudWatchLogs(d.doc.root(), arena).child("logGroup").exists());
}

TEST(escaped_data_string)
{
    // JSON may escape the '/' of base64 as "\/": the text is unescaped first.
    Str compressed = gzip(text(R"({"owner":"1"})"));
    Builder plain(g_event, sizeof g_event);
    wisp::base64::encode(plain, compressed);
    Str b64 = plain.view();
    static char escaped[1 << 16];
    Builder out(escaped, sizeof escaped);
    out.append(Str("{\"awslogs\":{\"data\":\""));
    bool slash = false;
    for (char c : b64) {
        if (c == '/') {
            out.append(Str("\\/"));
            slash = true;
        } else {
            out.append(c);
        }
    }
    out.append(Str("\"}}"));
    Arena arena(g_memory, sizeof g_memory);
    Decoding d = decode(arena, out.view());
    REQUIRE(d.decoded.ok());
    CHECK_EQ(d.decoded.data.owner(), Str("1"));
    CHECK(slash); // the header's OS byte, 0xff, gives one
}

TEST(matches_the_shape_only)
{
    Arena arena(g_memory, sizeof g_memory);
    auto matches = [&](const char* event) {
        Document doc = Document::parse(text(event), arena);
        return doc.ok() && CloudWatchLogs(doc.root(), arena).matches();
    };
    CHECK(matches(R"({"awslogs":{"data":"H4sI"}})"));
    CHECK(matches(R"({"awslogs":{"data":""}})"));
    CHECK(!matches(R"({"awslogs":{"data":1}})"));
    CHECK(!matches(R"({"awslogs":"x"})"));
    CHECK(!matches(R"({"Records":[]})"));
    CHECK(!matches(R"([{"awslogs":{"data":"x"}}])"));
}

TEST(each_step_reports_its_failure)
{
    CHECK_EQ(error_of(text(R"({})")), Error::no_data);
    CHECK_EQ(error_of(text(R"({"awslogs":{}})")), Error::no_data);
    CHECK_EQ(error_of(text(R"({"awslogs":{"data":5}})")), Error::no_data);
    CHECK_EQ(error_of(text(R"({"awslogs":"H4sI"})")), Error::no_data);
    CHECK_EQ(error_of(text(R"({"awslogs":{"data":"abc"}})")), Error::base64);
    CHECK_EQ(error_of(text(R"({"awslogs":{"data":"ab$="}})")), Error::base64);
    CHECK_EQ(error_of(text(R"({"awslogs":{"data":""}})")), Error::gzip_truncated);
    CHECK_EQ(error_of(text(R"({"awslogs":{"data":"aGVsbG8gd29ybGQ="}})")), Error::gzip_malformed); // "hello world"

    Str json = text(R"({"messageType":"DATA_MESSAGE","logEvents":[]})");
    Str good = gzip(json);
    static char copy[4096];
    memcpy(copy, good.ptr, good.len);
    CHECK_EQ(error_of(event_of(Str(copy, good.len - 1))), Error::gzip_truncated);
    copy[good.len - 6] ^= 1; // the CRC-32
    CHECK_EQ(error_of(event_of(Str(copy, good.len))), Error::gzip_checksum);
    copy[good.len - 6] ^= 1;
    copy[10] = 7; // block type 3
    CHECK_EQ(error_of(event_of(Str(copy, good.len))), Error::gzip_malformed);

    // The limit bounds the decompressed size: exactly enough passes.
    CHECK_EQ(error_of(event_of(good), json.len), Error::none);
    CHECK_EQ(error_of(event_of(good), json.len - 1), Error::gzip_too_large);

    CHECK_EQ(error_of(event_of(gzip(text("not json")))), Error::json_malformed);
    CHECK_EQ(error_of(event_of(gzip(text("[1,2]")))), Error::json_malformed);
    CHECK_EQ(error_of(event_of(gzip(text("\"DATA_MESSAGE\"")))), Error::json_malformed);
    CHECK_EQ(error_of(event_of(gzip(text(R"({"owner":"1","logEvents":[)")))), Error::json_truncated);
    CHECK_EQ(error_of(event_of(gzip(text("")))), Error::json_malformed);
}

TEST(arena_too_small_for_each_step)
{
    Str json =
        text(R"({"messageType":"DATA_MESSAGE","owner":"1","logEvents":[{"id":"1","timestamp":1,"message":"m"}]})");
    Str event = event_of(gzip(json));
    static char memory[4096];
    // Every arena size up to the smallest that works: a clear error from the
    // step that ran out, the arena left as it was, never a crash.
    size_t smallest = 0;
    bool seen[static_cast<unsigned>(Error::arena) + 1] = {};
    for (size_t size = 0; size <= sizeof memory && !smallest; ++size) {
        Arena arena(memory, size);
        Document doc = Document::parse(event, arena);
        if (!doc.ok())
            continue;
        size_t mark = arena.mark();
        CloudWatchLogs::Decoded decoded = CloudWatchLogs(doc.root(), arena).decode(arena);
        if (decoded.ok()) {
            smallest = size;
            CHECK_EQ(decoded.data.owner(), Str("1"));
        } else {
            CHECK(decoded.error == Error::arena || decoded.error == Error::gzip_too_large ||
                decoded.error == Error::json_too_large);
            CHECK_EQ(arena.used(), mark);
            seen[static_cast<unsigned>(decoded.error)] = true;
        }
    }
    CHECK(smallest > 0);
    // Short of room for the compressed bytes, the document, then its tokens.
    CHECK(seen[static_cast<unsigned>(Error::arena)]);
    CHECK(seen[static_cast<unsigned>(Error::gzip_too_large)]);
    CHECK(seen[static_cast<unsigned>(Error::json_too_large)]);
}

TEST(a_megabyte_of_log_events)
{
    static char json[2 << 20];
    Builder out(json, sizeof json);
    out.append(Str(R"({"messageType":"DATA_MESSAGE","owner":"1","logGroup":"g","logStream":"s",)"
                   R"("subscriptionFilters":["f"],"logEvents":[)"));
    const size_t count = 10000;
    Str dots = "............................................................";
    for (size_t i = 0; i < count; ++i) {
        out.append(i ? Str(",{\"id\":\"") : Str("{\"id\":\"")).append_uint(i);
        out.append(Str("\",\"timestamp\":")).append_uint(1700000000000 + i);
        out.append(Str(",\"message\":\"request ")).append_uint(i);
        out.append(Str(" took 12 ms; \\\"ok\\\" ")).append(dots).append(Str("\"}"));
    }
    out.append(Str("]}"));
    REQUIRE(!out.overflowed());
    REQUIRE(out.size() > (1u << 20));
    Arena arena(g_memory, sizeof g_memory);
    Decoding d = decode(arena, event_of(gzip(out.view())));
    REQUIRE(d.decoded.ok());
    size_t i = 0;
    for (CloudWatchLogEvent e : d.decoded.data.log_events()) {
        unsigned long long v = 0;
        if (!CHECK(e.id().ptr && e.timestamp().get_uint(&v) && v == 1700000000000 + i))
            break;
        Str message = e.message();
        CHECK(message.starts_with("request ") && message.sub(message.len - dots.len - 5, 5) == Str("\"ok\" "));
        ++i;
    }
    CHECK_EQ(i, count);
    // A lower limit stops it.
    CHECK_EQ(error_of(event_of(gzip(out.view())), 1u << 20), Error::gzip_too_large);
}

TEST(describe_says_which_step)
{
    CHECK_EQ(describe(Error::none), Str("no error"));
    CHECK_EQ(describe(Error::gzip_truncated), Str("awslogs.data: truncated gzip"));
    CHECK_EQ(describe(Error::arena), Str("awslogs.data: no room in the arena"));
    CHECK_EQ(describe(static_cast<Error>(200)), Str("awslogs.data: unknown error"));
    for (unsigned a = 1; a <= static_cast<unsigned>(Error::arena); ++a) {
        Str message = describe(static_cast<Error>(a));
        CHECK(message.starts_with("awslogs.data"));
        for (unsigned b = 1; b < a; ++b)
            CHECK(message != describe(static_cast<Error>(b)));
    }
}
