// The stream views: DynamoDB Streams (records and typed attribute values) and
// Kinesis (records, data decoded on demand), tumbling windows, and events that
// are malformed, truncated or of the wrong shape.
#include <wisp/events/dynamodb.h>
#include <wisp/events/kinesis.h>

#include <initializer_list>

#include "kit.h"

using wisp::Arena;
using wisp::Str;
using wisp::events::AttributeMap;
using wisp::events::AttributeType;
using wisp::events::AttributeValue;
using wisp::events::Dynamodb;
using wisp::events::DynamodbEventKind;
using wisp::events::DynamodbRecord;
using wisp::events::Kinesis;
using wisp::events::KinesisRecord;
using wisp::events::Number;
using wisp::events::SetBinary;
using wisp::json::Document;

namespace {

alignas(16) char g_memory[1 << 20];

Arena fresh_arena() { return Arena(g_memory, sizeof g_memory); }

Str bytes(const char* s) { return Str::from_cstr(s); }

// Every attribute type once, some nested, names with dots, colons and spaces.
const char* const item = R"({
  "s": {"S": "a\"b\u00e9"},
  "n": {"N": "12345678901234567890123456789012345678"},
  "b": {"B": "AAEqQQ=="},
  "t": {"BOOL": true},
  "f": {"BOOL": false},
  "z": {"NULL": true},
  "m": {"M": {"inner": {"L": [{"S": "x"}, {"N": "-1.5e3"}, {"M": {}}, {"L": [{"BOOL": false}]}]}}},
  "l": {"L": []},
  "ss": {"SS": ["Giraffe", "Ze\nbra"]},
  "ns": {"NS": ["1", "2.5", "-3e2"]},
  "bs": {"BS": ["AAE=", "/w==", ""]},
  "a.b": {"S": "dot"}, "c:d": {"S": "colon"}, "e f": {"S": "space"},
  "\u0053": {"\u0053": "escaped key and descriptor"}
})";

} // namespace

TEST(attribute_scalars)
{
    Arena arena = fresh_arena();
    Document doc = Document::parse(bytes(item), arena);
    REQUIRE(doc.ok());
    AttributeMap map(doc.root(), arena);
    CHECK_EQ(map.size(), size_t{15});

    AttributeValue s = map.get("s");
    CHECK(s.type() == AttributeType::string);
    CHECK(s.string() == bytes("a\"b\xc3\xa9"));
    CHECK(s.number().text.ptr == nullptr); // each accessor reads its own type only
    CHECK(s.binary().ptr == nullptr);
    CHECK(!s.boolean());
    CHECK(!s.is_null());
    CHECK_EQ(s.map().size(), size_t{0});
    CHECK(s.list().empty());
    CHECK(s.string_set().empty());

    // 38 digits, DynamoDB's most: kept as text, and too big for 64 bits.
    AttributeValue n = map.get("n");
    CHECK(n.type() == AttributeType::number);
    CHECK(n.number().text == bytes("12345678901234567890123456789012345678"));
    CHECK(n.number().integer());
    unsigned long long u = 0;
    long long i = 0;
    CHECK(!n.number().get_uint(&u));
    CHECK(!n.number().get_int(&i));
    CHECK(n.string().ptr == nullptr);

    AttributeValue b = map.get("b");
    CHECK(b.type() == AttributeType::binary);
    CHECK(b.binary_base64() == bytes("AAEqQQ=="));
    CHECK(b.binary() == Str("\x00\x01*A", 4));

    CHECK(map.get("t").type() == AttributeType::boolean);
    CHECK(map.get("t").boolean());
    CHECK(map.get("f").type() == AttributeType::boolean);
    CHECK(!map.get("f").boolean());
    CHECK(map.get("z").type() == AttributeType::null);
    CHECK(map.get("z").is_null());
    CHECK(!map.get("z").boolean());

    CHECK(map.get("a.b").string() == bytes("dot"));
    CHECK(map.get("c:d").string() == bytes("colon"));
    CHECK(map.get("e f").string() == bytes("space"));
    CHECK(map.get("S").string() == bytes("escaped key and descriptor"));
    CHECK(map.get("absent").type() == AttributeType::missing);
    CHECK(map.get("absent").string().ptr == nullptr);
}

TEST(attribute_containers_and_sets)
{
    Arena arena = fresh_arena();
    Document doc = Document::parse(bytes(item), arena);
    REQUIRE(doc.ok());
    AttributeMap map(doc.root(), arena);

    AttributeValue m = map.get("m");
    CHECK(m.type() == AttributeType::map);
    CHECK_EQ(m.map().size(), size_t{1});
    AttributeValue inner = m.map().get("inner");
    CHECK(inner.type() == AttributeType::list);
    CHECK_EQ(inner.list().size(), size_t{4});
    CHECK(inner.list()[0].string() == bytes("x"));
    CHECK(inner.list()[1].number().text == bytes("-1.5e3"));
    CHECK(inner.list()[2].type() == AttributeType::map);
    CHECK_EQ(inner.list()[2].map().size(), size_t{0});
    CHECK(inner.list()[2].map().exists());
    CHECK(inner.list()[3].list()[0].type() == AttributeType::boolean);
    AttributeType types[4] = {};
    size_t count = 0;
    for (AttributeValue element : inner.list())
        types[count++] = element.type();
    CHECK_EQ(count, size_t{4});
    CHECK(types[0] == AttributeType::string && types[3] == AttributeType::list);

    CHECK(map.get("l").type() == AttributeType::list);
    CHECK(map.get("l").list().empty());

    Str strings[2];
    count = 0;
    for (Str s : map.get("ss").string_set())
        strings[count++] = s;
    CHECK_EQ(count, size_t{2});
    CHECK(strings[0] == bytes("Giraffe"));
    CHECK(strings[1] == bytes("Ze\nbra"));

    Number numbers[3];
    count = 0;
    for (Number number : map.get("ns").number_set())
        numbers[count++] = number;
    CHECK_EQ(count, size_t{3});
    CHECK(numbers[1].text == bytes("2.5"));
    long long scaled = 0;
    CHECK(numbers[1].get_scaled(1, &scaled));
    CHECK_EQ(scaled, 25ll);
    CHECK(numbers[2].text == bytes("-3e2"));

    Str decoded[3];
    Str encoded[3];
    count = 0;
    for (SetBinary element : map.get("bs").binary_set()) {
        encoded[count] = element.base64();
        decoded[count++] = element;
    }
    CHECK_EQ(count, size_t{3});
    CHECK(encoded[1] == bytes("/w=="));
    CHECK(decoded[0] == Str("\x00\x01", 2));
    CHECK(decoded[1] == Str("\xff", 1));
    CHECK(decoded[2].ptr != nullptr && decoded[2].empty());
    CHECK(map.get("bs").string_set().empty()); // a BS is no SS

    // Iteration gives every name in order, with values equal to a lookup.
    Str names[15];
    count = 0;
    for (AttributeMap::Entry entry : map) {
        names[count++] = entry.name;
        CHECK(entry.value.json().raw().ptr == map.get(entry.name).json().raw().ptr);
    }
    CHECK_EQ(count, size_t{15});
    CHECK(names[0] == bytes("s"));
    CHECK(names[13] == bytes("e f"));
    CHECK(names[14] == bytes("S")); // unescaped
}

TEST(invalid_attribute_values)
{
    Arena arena = fresh_arena();
    Document doc = Document::parse(bytes(R"({
      "wrong_json_type": {"S": 1}, "two": {"S": "a", "N": "1"}, "none": {}, "unknown": {"X": "a"},
      "bare": "a", "null": null, "bool_null": {"NULL": "true"}, "l_object": {"L": {}},
      "bad_n": {"N": "12abc"}, "plus_n": {"N": "+1"}, "bad_b": {"B": "not base64!"}, "short_b": {"B": "AAE"},
      "bad_bs": {"BS": ["AAE=", "%%%%"]}, "lower": {"s": "a"},
      "nul_first": {"\u0000S": "a"}, "long": {"BOOLS": true}
    })"),
        arena);
    REQUIRE(doc.ok());
    AttributeMap map(doc.root(), arena);
    for (const char* name : {"wrong_json_type", "two", "none", "unknown", "bare", "null", "bool_null", "l_object",
             "lower", "nul_first", "long"}) {
        if (!CHECK(map.get(bytes(name)).type() == AttributeType::invalid))
            fprintf(stderr, "    for %s\n", name);
    }
    CHECK(map.get("two").string().ptr == nullptr);
    CHECK(!map.get("two").payload(AttributeType::invalid).exists());
    CHECK(!map.get("bare").payload(AttributeType::invalid).exists());
    CHECK(!map.get("absent").payload(AttributeType::missing).exists());
    CHECK(map.get("nul_first").type() == AttributeType::invalid); // "\u0000S" is not "S"
    CHECK(map.get("l_object").list().empty());

    // The descriptor is right, the text is not a number: Number{}.
    CHECK(map.get("bad_n").type() == AttributeType::number);
    CHECK(map.get("bad_n").number().text.ptr == nullptr);
    CHECK(map.get("plus_n").number().text.ptr == nullptr);

    // Invalid base64: the text is kept, the bytes are Str{}, the arena is unchanged.
    size_t used = arena.used();
    CHECK(map.get("bad_b").binary_base64() == bytes("not base64!"));
    CHECK(map.get("bad_b").binary().ptr == nullptr);
    CHECK(map.get("short_b").binary().ptr == nullptr);
    CHECK_EQ(arena.used(), used);
    Str elements[2];
    size_t count = 0;
    for (Str element : map.get("bad_bs").binary_set())
        elements[count++] = element;
    CHECK_EQ(count, size_t{2});
    CHECK(elements[0] == Str("\x00\x01", 2));
    CHECK(elements[1].ptr == nullptr);
}

TEST(dynamodb_records)
{
    Arena arena = fresh_arena();
    // A sequence number of 2^64 exactly: one past what get_uint takes.
    Document doc = Document::parse(bytes(R"({"Records":[
      {"eventID":"1","eventName":"INSERT","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":"eu-west-1",
       "eventSourceARN":"arn:aws:dynamodb:eu-west-1:1:table/T/stream/S",
       "userIdentity":{"type":"Service","principalId":"dynamodb.amazonaws.com"},
       "dynamodb":{"ApproximateCreationDateTime":1.635734407123456789E9,"Keys":{"Id":{"N":"101"}},
         "NewImage":{"Id":{"N":"101"},"Message":{"S":"hi"}},"SequenceNumber":"18446744073709551616",
         "SizeBytes":26,"StreamViewType":"NEW_AND_OLD_IMAGES"}},
      {"eventName":"MOD\u0049FY","eventSource":"aws:dynamodb","dynamodb":{"SequenceNumber":"18446744073709551615"}},
      {"eventName":"REMOVE","eventSource":"aws:dynamodb","dynamodb":{}},
      {"eventName":"remove","eventSource":"aws:dynamodb"}
    ]})"),
        arena);
    REQUIRE(doc.ok());
    Dynamodb event(doc.root(), arena);
    CHECK(event.matches());
    REQUIRE(event.records().size() == 4);
    DynamodbRecord first = event.records()[0];
    CHECK(first.event_id() == bytes("1"));
    CHECK(first.event_kind() == DynamodbEventKind::insert);
    CHECK(first.event_version() == bytes("1.1"));
    CHECK(first.aws_region() == bytes("eu-west-1"));
    CHECK(first.event_source_arn() == bytes("arn:aws:dynamodb:eu-west-1:1:table/T/stream/S"));
    CHECK(first.user_identity().type() == bytes("Service"));
    CHECK(first.user_identity().principal_id() == bytes("dynamodb.amazonaws.com"));
    CHECK(first.record_format().ptr == nullptr);
    auto change = first.dynamodb();
    CHECK(change.approximate_creation_date_time().text == bytes("1.635734407123456789E9"));
    CHECK(!change.approximate_creation_date_time().integer());
    CHECK(change.keys().get("Id").number().text == bytes("101"));
    CHECK(change.new_image().get("Message").string() == bytes("hi"));
    CHECK(!change.old_image().exists());
    CHECK_EQ(change.old_image().size(), size_t{0});
    CHECK(change.sequence_number().text == bytes("18446744073709551616"));
    unsigned long long u = 0;
    CHECK(!change.sequence_number().get_uint(&u)); // 2^64: the text is all there is
    CHECK(change.sequence_number().integer());
    CHECK(change.size_bytes().get_uint(&u));
    CHECK_EQ(u, 26ull);
    CHECK(change.stream_view_type() == bytes("NEW_AND_OLD_IMAGES"));

    DynamodbRecord second = event.records()[1];
    CHECK(second.event_name() == bytes("MODIFY")); // unescaped into the arena
    CHECK(second.event_kind() == DynamodbEventKind::modify);
    CHECK(second.dynamodb().sequence_number().get_uint(&u));
    CHECK_EQ(u, 18446744073709551615ull);
    CHECK(second.dynamodb().keys().size() == 0);
    CHECK(!second.user_identity().exists());
    CHECK(second.user_identity().type().ptr == nullptr);
    CHECK(event.records()[2].event_kind() == DynamodbEventKind::remove);
    CHECK(event.records()[3].event_kind() == DynamodbEventKind::other); // names are case-sensitive
    CHECK(event.records()[3].dynamodb().sequence_number().text.ptr == nullptr);
    CHECK(event.window_start().ptr == nullptr);
    CHECK(!event.is_final_invoke_for_window());
}

TEST(dynamodb_single_record_and_window)
{
    Arena arena = fresh_arena();
    // A record on its own, as delivered through Kinesis Data Streams for DynamoDB.
    Document doc = Document::parse(bytes(R"({"awsRegion":"eu-west-1","eventName":"INSERT","userIdentity":null,
      "recordFormat":"application/json","tableName":"examples","dynamodb":{"Keys":{"id":{"S":"k"}},"SizeBytes":292},
      "eventSource":"aws:dynamodb"})"),
        arena);
    REQUIRE(doc.ok());
    DynamodbRecord record(doc.root(), arena);
    CHECK(record.event_kind() == DynamodbEventKind::insert);
    CHECK(record.record_format() == bytes("application/json"));
    CHECK(record.table_name() == bytes("examples"));
    CHECK(record.user_identity().json().is_null());
    CHECK(record.user_identity().type().ptr == nullptr);
    CHECK(record.dynamodb().keys().get("id").string() == bytes("k"));
    CHECK(record.dynamodb().sequence_number().text.ptr == nullptr);
    CHECK(!Dynamodb(doc.root(), arena).matches()); // a record is not a batch

    Document window = Document::parse(bytes(R"({"Records":[],"window":{"start":"2020-07-30T17:00:00Z",
      "end":"2020-07-30T17:05:00Z"},"state":{"1":"state1","key:with.dots and spaces":"v\"q"},"shardId":"shard1",
      "eventSourceARN":"stream-ARN","isFinalInvokeForWindow":true,"isWindowTerminatedEarly":false})"),
        arena);
    REQUIRE(window.ok());
    Dynamodb event(window.root(), arena);
    CHECK(event.matches()); // an empty batch
    CHECK(event.records().empty());
    CHECK(event.window_start() == bytes("2020-07-30T17:00:00Z"));
    CHECK(event.window_end() == bytes("2020-07-30T17:05:00Z"));
    CHECK(event.state().get("1") == bytes("state1"));
    CHECK(event.state().get("key:with.dots and spaces") == bytes("v\"q"));
    CHECK_EQ(event.state().size(), size_t{2});
    CHECK(event.shard_id() == bytes("shard1"));
    CHECK(event.event_source_arn() == bytes("stream-ARN"));
    CHECK(event.is_final_invoke_for_window());
    CHECK(!event.is_window_terminated_early());
}

TEST(dynamodb_wrong_shapes)
{
    Arena arena = fresh_arena();
    for (const char* text : {R"({"Records":[{"eventSource":"aws:kinesis"}]})",
             R"({"Records":[{"eventSource":"aws:dynamodb"},{"eventSource":"aws:sqs"}]})",
             R"({"Records":[{"eventSource":"aws:dynamodb"},{}]})", R"({"Records":{}})", R"({"records":[]})", "[]",
             R"("Records")", "{}"}) {
        Document doc = Document::parse(bytes(text), arena);
        REQUIRE(doc.ok());
        if (!CHECK(!Dynamodb(doc.root(), arena).matches()))
            fprintf(stderr, "    for %s\n", text);
    }
    Document doc = Document::parse(bytes(R"({"Records":{"eventSource":"aws:dynamodb"}})"), arena);
    REQUIRE(doc.ok());
    CHECK(Dynamodb(doc.root(), arena).records().empty());
}

TEST(kinesis_records)
{
    Arena arena = fresh_arena();
    Document doc = Document::parse(bytes(R"({"Records":[
      {"kinesis":{"kinesisSchemaVersion":"1.0","partitionKey":"p\/1",
         "sequenceNumber":"49590338271490256608559692538361571095921575989136588898",
         "data":"SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==","approximateArrivalTimestamp":1607497475.123,
         "encryptionType":"KMS"},
       "eventSource":"aws:kinesis","eventVersion":"1.0",
       "eventID":"shardId-000000000006:49590338271490256608559692538361571095921575989136588898",
       "eventName":"aws:kinesis:record","invokeIdentityArn":"arn:aws:iam::1:role/r","awsRegion":"us-east-1",
       "eventSourceARN":"arn:aws:kinesis:us-east-1:1:stream/s"},
      {"kinesis":{"data":"not base64","sequenceNumber":"18446744073709551616","approximateArrivalTimestamp":1.4285376E9},
       "eventSource":"aws:kinesis"},
      {"kinesis":{"data":""},"eventSource":"aws:kinesis"}
    ]})"),
        arena);
    REQUIRE(doc.ok());
    Kinesis event(doc.root(), arena);
    CHECK(event.matches());
    REQUIRE(event.records().size() == 3);
    KinesisRecord first = event.records()[0];
    auto data = first.kinesis();
    CHECK(data.kinesis_schema_version() == bytes("1.0"));
    CHECK(data.partition_key() == bytes("p/1"));
    CHECK(data.sequence_number().text == bytes("49590338271490256608559692538361571095921575989136588898"));
    unsigned long long u = 0;
    CHECK(!data.sequence_number().get_uint(&u));
    CHECK(data.data_base64() == bytes("SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg=="));
    CHECK(data.data() == bytes("Hello, this is a test."));
    long long ms = 0;
    CHECK(data.approximate_arrival_timestamp().get_scaled(3, &ms));
    CHECK_EQ(ms, 1607497475123ll);
    CHECK(data.encryption_type() == bytes("KMS"));
    CHECK(first.event_source() == bytes("aws:kinesis"));
    CHECK(first.event_version() == bytes("1.0"));
    CHECK(first.event_id() == bytes("shardId-000000000006:49590338271490256608559692538361571095921575989136588898"));
    CHECK(first.event_name() == bytes("aws:kinesis:record"));
    CHECK(first.invoke_identity_arn() == bytes("arn:aws:iam::1:role/r"));
    CHECK(first.aws_region() == bytes("us-east-1"));
    CHECK(first.event_source_arn() == bytes("arn:aws:kinesis:us-east-1:1:stream/s"));

    KinesisRecord second = event.records()[1];
    size_t used = arena.used();
    CHECK(second.kinesis().data_base64() == bytes("not base64"));
    CHECK(second.kinesis().data().ptr == nullptr); // invalid base64: Str{}
    CHECK_EQ(arena.used(), used);
    CHECK(second.kinesis().sequence_number().text == bytes("18446744073709551616"));
    CHECK(!second.kinesis().sequence_number().get_uint(&u));
    CHECK(second.kinesis().approximate_arrival_timestamp().text == bytes("1.4285376E9"));
    CHECK(!second.kinesis().approximate_arrival_timestamp().get_scaled(3, &ms)); // an exponent: no conversion
    CHECK(second.kinesis().encryption_type().ptr == nullptr);
    CHECK(second.kinesis().partition_key().ptr == nullptr);
    Str empty = event.records()[2].kinesis().data();
    CHECK(empty.ptr != nullptr && empty.empty());
}

TEST(kinesis_window_and_wrong_shapes)
{
    Arena arena = fresh_arena();
    Document doc = Document::parse(bytes(R"({"Records":[],"window":{"start":"2020-12-09T07:04:00Z",
      "end":"2020-12-09T07:06:00Z"},"state":{"1":"282","2":"715"},"shardId":"shardId-000000000006",
      "eventSourceARN":"arn:aws:kinesis:us-east-1:1:stream/s","isFinalInvokeForWindow":false,
      "isWindowTerminatedEarly":true})"),
        arena);
    REQUIRE(doc.ok());
    Kinesis event(doc.root(), arena);
    CHECK(event.matches());
    CHECK(event.window_start() == bytes("2020-12-09T07:04:00Z"));
    CHECK(event.window_end() == bytes("2020-12-09T07:06:00Z"));
    CHECK(event.state().get("2") == bytes("715"));
    CHECK(event.shard_id() == bytes("shardId-000000000006"));
    CHECK(event.event_source_arn() == bytes("arn:aws:kinesis:us-east-1:1:stream/s"));
    CHECK(!event.is_final_invoke_for_window());
    CHECK(event.is_window_terminated_early());

    for (const char* text : {R"({"Records":[{"eventSource":"aws:dynamodb"}]})", R"({"Records":[{"kinesis":{}}]})",
             R"({"Records":"aws:kinesis"})", "{}", "[{\"eventSource\":\"aws:kinesis\"}]", "null"}) {
        Document wrong = Document::parse(bytes(text), arena);
        REQUIRE(wrong.ok());
        if (!CHECK(!Kinesis(wrong.root(), arena).matches()))
            fprintf(stderr, "    for %s\n", text);
    }
}

TEST(malformed_and_truncated_events)
{
    Arena arena = fresh_arena();
    const char* whole = R"({"Records":[{"eventSource":"aws:dynamodb","dynamodb":{"Keys":{"Id":{"N":"1"}}}}]})";
    Str text = bytes(whole);
    // Every proper prefix is an error (never a crash), and leaves the arena as it was.
    for (size_t len = 0; len < text.len; ++len) {
        size_t used = arena.used();
        Document doc = Document::parse(text.sub(0, len), arena);
        if (!CHECK(!doc.ok()))
            fprintf(stderr, "    for the first %zu bytes\n", len);
        CHECK_EQ(arena.used(), used);
        Dynamodb event(doc.root(), arena);
        CHECK(!event.matches());
        CHECK(event.records().empty());
        CHECK(Kinesis(doc.root(), arena).records().empty());
    }
    Document truncated = Document::parse(text.sub(0, text.len - 3), arena);
    CHECK(truncated.error() == wisp::json::Error::truncated);
    for (const char* bad : {R"({"Records":[{"eventSource":"aws:dynamodb",}]})",
             R"({"Records":[{"dynamodb":{"Keys":{"Id":{"N":1.}}}}]})", R"({"Records":[]}})", R"({"Records":[] "x"})"}) {
        Document doc = Document::parse(bytes(bad), arena);
        if (!CHECK(doc.error() == wisp::json::Error::malformed))
            fprintf(stderr, "    for %s\n", bad);
        CHECK(!Dynamodb(doc.root(), arena).matches());
        CHECK(!Dynamodb(doc.root(), arena).records()[0].exists());
        CHECK(AttributeValue(doc.root(), arena).type() == AttributeType::missing);
    }
    CHECK(Document::parse(text, arena).ok());
}
