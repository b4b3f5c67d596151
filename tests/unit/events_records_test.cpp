// The SQS, SNS and S3 views on events written for the cases the samples lack:
// escapes, absent and null fields, numbers beyond 2^64, keys needing
// percent-decoding, malformed events and events of another source.
#include <wisp/events/s3.h>
#include <wisp/events/sns.h>
#include <wisp/events/sqs.h>

#include "kit.h"

using wisp::Arena;
using wisp::Str;
using wisp::events::S3;
using wisp::events::S3Object;
using wisp::events::S3Record;
using wisp::events::Sns;
using wisp::events::SnsMessage;
using wisp::events::Sqs;
using wisp::events::SqsMessage;
using wisp::events::SqsMessageAttribute;
using wisp::json::Document;
using wisp::json::Error;

namespace {

alignas(16) char g_memory[1 << 20];

Arena fresh_arena() { return Arena(g_memory, sizeof g_memory); }

Str bytes(const char* s) { return Str::from_cstr(s); }

bool inside(Str part, Str whole) { return part.ptr >= whole.ptr && part.ptr + part.len <= whole.ptr + whole.len; }

// An S3 event with one record whose object key is `key` (JSON string text).
Str s3_event_with_key(const char* key, char* buffer, size_t size)
{
    int n = snprintf(buffer, size,
        R"({"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},)"
        R"("object":{"key":"%s","size":5}}}]})",
        key);
    return {buffer, static_cast<size_t>(n)};
}

Str decoded_key(const char* key, Arena& arena)
{
    static char buffer[1024];
    Document doc = Document::parse(s3_event_with_key(key, buffer, sizeof buffer), arena);
    if (!doc.ok())
        return bytes("(malformed)");
    S3 s3(doc.root(), arena);
    return s3.records()[0].s3().object().decoded_key();
}

} // namespace

TEST(sqs_message_fields_and_escaped_body)
{
    Arena arena = fresh_arena();
    Str text = bytes(R"({"Records":[{"messageId":"m-1","receiptHandle":"r\/1","body":)"
                     R"("{\"ok\":true,\"note\":\"tab\\there \\\"q\\\" caf\u00e9 \ud83d\ude00\"}",)"
                     R"("md5OfBody":"abc","md5OfMessageAttributes":null,"eventSource":"aws:sqs",)"
                     R"("eventSourceARN":"arn:aws:sqs:eu-west-1:1:q","awsRegion":"eu-west-1"}]})");
    Document doc = Document::parse(text, arena);
    REQUIRE(doc.ok());
    Sqs sqs(doc.root(), arena);
    REQUIRE(sqs.matches());
    REQUIRE(sqs.records().size() == 1);
    SqsMessage m = sqs.records()[0];
    CHECK(m.message_id() == bytes("m-1"));
    CHECK(inside(m.message_id(), text)); // no escape: no copy
    CHECK(m.receipt_handle() == bytes("r/1"));
    CHECK(!inside(m.receipt_handle(), text)); // unescaped into the arena
    Str body = m.body();
    CHECK(body == bytes("{\"ok\":true,\"note\":\"tab\\there \\\"q\\\" caf\xc3\xa9 \xf0\x9f\x98\x80\"}"));
    // The body is JSON itself: parsed, and its own escapes undone in turn.
    Document inner = m.body_json();
    REQUIRE(inner.ok());
    bool ok = false;
    CHECK(inner.root()["ok"].get_bool(&ok) && ok);
    Str note;
    CHECK(inner.root()["note"].get_string(arena, &note));
    CHECK(note == bytes("tab\there \"q\" caf\xc3\xa9 \xf0\x9f\x98\x80"));
    CHECK(m.md5_of_body() == bytes("abc"));
    CHECK(m.md5_of_message_attributes().ptr == nullptr); // null reads as absent
    CHECK(m.event_source_arn() == bytes("arn:aws:sqs:eu-west-1:1:q"));
    CHECK(m.aws_region() == bytes("eu-west-1"));
}

TEST(sqs_missing_attributes_and_fields)
{
    Arena arena = fresh_arena();
    Document doc = Document::parse(bytes(R"({"Records":[{"eventSource":"aws:sqs","body":""}]})"), arena);
    REQUIRE(doc.ok());
    SqsMessage m = Sqs(doc.root(), arena).records()[0];
    CHECK(m.message_id().ptr == nullptr);
    CHECK(m.body().ptr != nullptr); // present and empty, unlike absent
    CHECK(m.body().empty());
    CHECK(!m.body_json().ok());
    CHECK(!m.attributes().exists());
    CHECK(m.attributes().approximate_receive_count().text.ptr == nullptr);
    CHECK(m.attributes().sequence_number().text.ptr == nullptr);
    CHECK(m.attributes().sender_id().ptr == nullptr);
    CHECK_EQ(m.attributes().size(), size_t{0});
    CHECK_EQ(m.message_attributes().size(), size_t{0});
    CHECK(!(m.message_attributes().begin() != m.message_attributes().end()));
    CHECK(!m.message_attributes().get("x").exists());
    CHECK(m.message_attributes().get("x").string_value().ptr == nullptr);
    CHECK(m.message_attributes().get("x").binary_value().ptr == nullptr);
    CHECK(m.message_attributes().get("x").string_list_values().empty());
}

TEST(sqs_fifo_attributes_keep_big_numbers_as_text)
{
    Arena arena = fresh_arena();
    Document doc = Document::parse(
        bytes(R"({"Records":[{"eventSource":"aws:sqs","attributes":{"ApproximateReceiveCount":"3",)"
              R"("SentTimestamp":"1520621625029","SequenceNumber":"18849496460467696128",)"
              R"("MessageGroupId":"group.1:a b","MessageDeduplicationId":"d-1","AWSTraceHeader":"Root=1-x",)"
              R"("SenderId":"AIDA","ApproximateFirstReceiveTimestamp":"bad"}}]})"),
        arena);
    REQUIRE(doc.ok());
    wisp::events::SqsAttributes a = Sqs(doc.root(), arena).records()[0].attributes();
    long long count = 0;
    CHECK(a.approximate_receive_count().get_int(&count));
    CHECK_EQ(count, 3ll);
    unsigned long long sent = 0;
    CHECK(a.sent_timestamp().get_uint(&sent));
    CHECK_EQ(sent, 1520621625029ull);
    // 18849496460467696128 > 2^64: never converted, never rounded.
    wisp::events::Number sequence = a.sequence_number();
    CHECK(sequence.text == bytes("18849496460467696128"));
    CHECK(sequence.integer());
    unsigned long long u = 0;
    CHECK(!sequence.get_uint(&u));
    CHECK(a.message_group_id() == bytes("group.1:a b"));
    CHECK(a.message_deduplication_id() == bytes("d-1"));
    CHECK(a.aws_trace_header() == bytes("Root=1-x"));
    CHECK(a.sender_id() == bytes("AIDA"));
    CHECK(a.approximate_first_receive_timestamp().text.ptr == nullptr); // not a number
    CHECK(a.dead_letter_queue_source_arn().ptr == nullptr);
    CHECK(a.get("SequenceNumber") == bytes("18849496460467696128")); // by name, as a StringMap
    CHECK_EQ(a.size(), size_t{8});
}

TEST(sqs_message_attributes_typed_and_iterated)
{
    Arena arena = fresh_arena();
    Document doc = Document::parse(
        bytes(R"({"Records":[{"eventSource":"aws:sqs","messageAttributes":{)"
              R"("bin":{"binaryValue":"AP8=","stringListValues":[],"binaryListValues":["MQ==","!!"],)"
              R"("dataType":"Binary"},)"
              R"("my.attr:with space":{"stringValue":"1e3","dataType":"Number.float"},)"
              R"("s\u00e9":{"stringValue":"line\nbreak","stringListValues":["a","b\"c"],"dataType":"String"}}}]})"),
        arena);
    REQUIRE(doc.ok());
    wisp::events::SqsMessageAttributes attributes = Sqs(doc.root(), arena).records()[0].message_attributes();
    CHECK_EQ(attributes.size(), size_t{3});
    SqsMessageAttribute bin = attributes.get("bin");
    CHECK(bin.data_type() == bytes("Binary"));
    CHECK(bin.binary_value_base64() == bytes("AP8="));
    CHECK(bin.binary_value() == Str("\x00\xff", 2));
    CHECK(bin.string_value().ptr == nullptr);
    REQUIRE(bin.binary_list_values().size() == 2);
    CHECK(bin.binary_list_values()[0].bytes() == bytes("1"));
    CHECK(bin.binary_list_values()[1].text() == bytes("!!"));
    CHECK(bin.binary_list_values()[1].bytes().ptr == nullptr); // not base64
    CHECK(bin.string_list_values().empty());
    CHECK(attributes.get("my.attr:with space").string_value() == bytes("1e3"));
    CHECK(attributes.get("my.attr:with space").data_type() == bytes("Number.float"));

    Str names[3];
    Str values[3];
    size_t n = 0;
    for (wisp::events::SqsMessageAttributes::Entry entry : attributes) {
        names[n] = entry.name;
        values[n] = entry.value.string_value();
        ++n;
    }
    REQUIRE(n == 3);
    CHECK(names[0] == bytes("bin"));
    CHECK(names[2] == bytes("s\xc3\xa9")); // the name unescaped
    CHECK(values[2] == bytes("line\nbreak"));
    CHECK(attributes.get("s\xc3\xa9").string_list_values()[1].text() == bytes("b\"c"));
    size_t items = 0;
    for (wisp::events::SqsListItem item : attributes.get("s\xc3\xa9").string_list_values())
        items += item.text().len;
    CHECK_EQ(items, size_t{4});
}

TEST(sqs_shape_check)
{
    struct Case {
        const char* text;
        bool matches;
    };
    const Case cases[] = {
        {R"({"Records":[]})", true}, // an empty batch
        {R"({"Records":[{"eventSource":"aws:sqs"},{"eventSource":"aws:sqs"}]})", true},
        {R"({"Records":[{"eventSource":"aws:sqs"},{"eventSource":"aws:kinesis"}]})", false},
        {R"({"Records":[{"EventSource":"aws:sns","Sns":{}}]})", false},
        {R"({"Records":[{"eventSource":"aws:s3"}]})", false},
        {R"({"Records":[{"eventSource":"AWS:SQS"}]})", false},
        {R"({"Records":{"eventSource":"aws:sqs"}})", false},
        {R"({"Records":"aws:sqs"})", false},
        {R"({"records":[]})", false},
        {R"({})", false},
        {R"([{"eventSource":"aws:sqs"}])", false},
        {R"("aws:sqs")", false},
        {R"({"Records":[1,null,"x"]})", false},
    };
    for (const Case& c : cases) {
        Arena arena = fresh_arena();
        Document doc = Document::parse(bytes(c.text), arena);
        REQUIRE(doc.ok());
        if (!CHECK_EQ(Sqs(doc.root(), arena).matches(), c.matches))
            fprintf(stderr, "    for %s\n", c.text);
    }
}

TEST(malformed_and_truncated_events_fail_cleanly)
{
    const char* full = R"({"Records":[{"messageId":"a","eventSource":"aws:sqs","body":"x"}]})";
    size_t len = strlen(full);
    // Every proper prefix is an error, and the views over the failed
    // document read nothing and never crash.
    for (size_t n = 0; n < len; ++n) {
        Arena arena = fresh_arena();
        Document doc = Document::parse(Str(full, n), arena);
        CHECK(!doc.ok());
        CHECK_EQ(arena.used(), size_t{0});
        Sqs sqs(doc.root(), arena);
        CHECK(!sqs.matches());
        CHECK(sqs.records().empty());
        CHECK(sqs.records()[0].message_id().ptr == nullptr);
        CHECK(!Sns(doc.root(), arena).matches());
        CHECK(!S3(doc.root(), arena).matches());
    }
    Arena arena = fresh_arena();
    CHECK(Document::parse(bytes(R"({"Records":[{"eventSource":"aws:sqs",}]})"), arena).error() == Error::malformed);
    CHECK(Document::parse(bytes(R"({"Records":[{"eventSource":"aws:sqs"}])"), arena).error() == Error::truncated);
    CHECK(Document::parse(bytes(R"({"Records":[]} {})"), arena).error() == Error::malformed);
}

TEST(sns_record_message_and_attributes)
{
    Arena arena = fresh_arena();
    Document doc = Document::parse(
        bytes(R"({"Records":[{"EventSource":"aws:sns","EventVersion":"1.0","EventSubscriptionArn":"arn:s",)"
              R"("Sns":{"Type":"Notification","MessageId":"id","TopicArn":"arn:t","Subject":null,)"
              R"("Message":"{\"AlarmName\":\"cpu \\\"high\\\"\",\"Trigger\":{\"Threshold\":0.5}}",)"
              R"("Timestamp":"2015-06-03T17:43:27.123Z","SignatureVersion":"1","Signature":"c2ln",)"
              R"("SigningCertURL":"https://cert","UnsubscribeUrl":"https://unsub",)"
              R"("MessageAttributes":{"bin":{"Type":"Binary","Value":"aGk="},"s":{"Type":"String","Value":"v"}}}}]})"),
        arena);
    REQUIRE(doc.ok());
    Sns sns(doc.root(), arena);
    REQUIRE(sns.matches());
    wisp::events::SnsRecord record = sns.records()[0];
    CHECK(record.event_version() == bytes("1.0"));
    CHECK(record.event_subscription_arn() == bytes("arn:s"));
    SnsMessage m = record.sns();
    CHECK(m.type() == bytes("Notification"));
    CHECK(m.subject().ptr == nullptr);
    CHECK(m.message() == bytes(R"({"AlarmName":"cpu \"high\"","Trigger":{"Threshold":0.5}})"));
    Document alarm = m.message_json();
    REQUIRE(alarm.ok());
    Str name;
    CHECK(alarm.root()["AlarmName"].get_string(arena, &name));
    CHECK(name == bytes("cpu \"high\""));
    CHECK(alarm.root()["Trigger"]["Threshold"].raw() == bytes("0.5"));
    // Either spelling of the URL keys.
    CHECK(m.signing_cert_url() == bytes("https://cert"));
    CHECK(m.unsubscribe_url() == bytes("https://unsub"));
    CHECK(m.signature() == bytes("c2ln"));
    CHECK(m.message_attributes().get("bin").binary_value() == bytes("hi"));
    CHECK(m.message_attributes().get("s").value() == bytes("v"));
    CHECK(m.message_attributes().get("s").binary_value().ptr == nullptr); // "v" is no base64
    size_t n = 0;
    for (wisp::events::SnsMessageAttributes::Entry entry : m.message_attributes())
        n += entry.name.len + entry.value.type().len;
    CHECK_EQ(n, size_t{3 + 6 + 1 + 6});
}

TEST(sns_plain_text_message_and_wrong_sources)
{
    Arena arena = fresh_arena();
    Document doc =
        Document::parse(bytes(R"({"Records":[{"EventSource":"aws:sns","Sns":{"Message":"Hello\r\nworld!"}}]})"), arena);
    REQUIRE(doc.ok());
    Sns sns(doc.root(), arena);
    CHECK(sns.matches());
    SnsMessage m = sns.records()[0].sns();
    CHECK(m.message() == bytes("Hello\r\nworld!"));
    CHECK(!m.message_json().ok());
    CHECK(m.signing_cert_url().ptr == nullptr);
    CHECK(m.message_attributes().size() == 0);
    // An SQS or S3 event is not SNS, nor the other way round.
    CHECK(!Sqs(doc.root(), arena).matches());
    CHECK(!S3(doc.root(), arena).matches());
    Document sqs = Document::parse(bytes(R"({"Records":[{"eventSource":"aws:sqs"}]})"), arena);
    REQUIRE(sqs.ok());
    CHECK(!Sns(sqs.root(), arena).matches());
    Document lower = Document::parse(bytes(R"({"Records":[{"eventSource":"aws:sns"}]})"), arena);
    REQUIRE(lower.ok());
    CHECK(!Sns(lower.root(), arena).matches()); // SNS's keys are PascalCase
}

TEST(s3_key_percent_decoding)
{
    Arena arena = fresh_arena();
    CHECK(decoded_key("a+b", arena) == bytes("a b"));
    CHECK(decoded_key("a%2Bb", arena) == bytes("a+b"));
    CHECK(decoded_key("a%2bb", arena) == bytes("a+b")); // lower-case hex
    CHECK(decoded_key("Happy%20Face.jpg", arena) == bytes("Happy Face.jpg"));
    CHECK(decoded_key("100%", arena) == bytes("100%")); // '%' at the end
    CHECK(decoded_key("50%25+off", arena) == bytes("50% off"));
    CHECK(decoded_key("%zz%4", arena) == bytes("%zz%4")); // '%' not followed by two hex digits
    CHECK(decoded_key("%%41", arena) == bytes("%A"));
    CHECK(decoded_key("caf%C3%A9", arena) == bytes("caf\xc3\xa9"));
    CHECK(decoded_key("%E6%97%A5%E6%9C%AC/%F0%9F%98%80", arena) == bytes("\xe6\x97\xa5\xe6\x9c\xac/\xf0\x9f\x98\x80"));
    CHECK(decoded_key("dir%2Fa%3Ab%2Cc", arena) == bytes("dir/a:b,c"));
    // A JSON escape and a percent escape in one key: JSON first, then URL.
    CHECK(decoded_key("\\u0041%41+\\\"", arena) == bytes("AA \""));
    CHECK(decoded_key("", arena).ptr != nullptr);
    CHECK(decoded_key("", arena).empty());
}

TEST(s3_key_without_escapes_is_not_copied)
{
    Arena arena = fresh_arena();
    char buffer[256];
    Str text = s3_event_with_key("photos/2024/cat.jpg", buffer, sizeof buffer);
    Document doc = Document::parse(text, arena);
    REQUIRE(doc.ok());
    size_t used = arena.used();
    S3Object object = S3(doc.root(), arena).records()[0].s3().object();
    Str key = object.decoded_key();
    CHECK(key == bytes("photos/2024/cat.jpg"));
    CHECK(inside(key, text));
    CHECK_EQ(arena.used(), used);
}

TEST(s3_key_decoding_when_the_arena_is_full)
{
    alignas(16) static char small[4096];
    char buffer[256];
    Str text = s3_event_with_key("a%20b", buffer, sizeof buffer);
    Arena arena(small, sizeof small);
    Document doc = Document::parse(text, arena);
    REQUIRE(doc.ok());
    CHECK(arena.alloc(sizeof small - arena.used()) != nullptr); // fill it up
    S3Object object = S3(doc.root(), arena).records()[0].s3().object();
    CHECK(object.key() == bytes("a%20b"));
    CHECK(object.decoded_key().ptr == nullptr);
    CHECK(arena.exhausted());
}

TEST(s3_record_fields_sizes_and_event_data)
{
    Arena arena = fresh_arena();
    Document doc = Document::parse(
        bytes(R"({"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-west-2",)"
              R"("eventTime":"2023-05-10T15:00:00.123Z","eventName":"s3:ObjectRestore:Completed",)"
              R"("userIdentity":{"principalId":"P"},"requestParameters":{"sourceIPAddress":"10.0.0.1"},)"
              R"("responseElements":{"x-amz-request-id":"R","x-amz-id-2":"H"},)"
              R"("s3":{"s3SchemaVersion":"1.0","configurationId":"cfg","bucket":{"name":"bk",)"
              R"("ownerIdentity":{"principalId":"O"},"arn":"arn:aws:s3:::bk"},)"
              R"("object":{"key":"k","size":9007199254740993,"eTag":"e","versionId":null,"sequencer":"0A"}},)"
              R"("glacierEventData":{"restoreEventData":{"lifecycleRestorationExpiryTime":"T",)"
              R"("lifecycleRestoreStorageClass":"STANDARD"}}},)"
              R"({"eventSource":"aws:s3","eventName":"ObjectRemoved:Delete","s3":{"object":{"key":"gone"}},)"
              R"("replicationEventData":{"replicationRuleId":"r","s3Operation":"OBJECT_PUT"},)"
              R"("lifecycleEventData":{"transitionEventData":{"destinationStorageClass":"GLACIER"}},)"
              R"("intelligentTieringEventData":{"destinationAccessTier":"ARCHIVE_ACCESS"}}]})"),
        arena);
    REQUIRE(doc.ok());
    S3 s3(doc.root(), arena);
    REQUIRE(s3.matches());
    REQUIRE(s3.records().size() == 2);
    S3Record r = s3.records()[0];
    CHECK(r.event_version() == bytes("2.1"));
    CHECK(r.aws_region() == bytes("us-west-2"));
    CHECK(r.event_time() == bytes("2023-05-10T15:00:00.123Z"));
    CHECK(r.event_name() == bytes("s3:ObjectRestore:Completed"));
    CHECK(r.principal_id() == bytes("P"));
    CHECK(r.source_ip_address() == bytes("10.0.0.1"));
    CHECK(r.request_id() == bytes("R"));
    CHECK(r.host_id() == bytes("H"));
    CHECK(r.response_elements().get("x-amz-id-2") == bytes("H"));
    CHECK(r.s3().schema_version() == bytes("1.0"));
    CHECK(r.s3().configuration_id() == bytes("cfg"));
    CHECK(r.s3().bucket().name() == bytes("bk"));
    CHECK(r.s3().bucket().owner_principal_id() == bytes("O"));
    CHECK(r.s3().bucket().arn() == bytes("arn:aws:s3:::bk"));
    // 2^53 + 1: a double would make it ...992.
    CHECK(r.s3().object().size().text == bytes("9007199254740993"));
    unsigned long long size = 0;
    CHECK(r.s3().object().size().get_uint(&size));
    CHECK_EQ(size, 9007199254740993ull);
    CHECK(r.s3().object().etag() == bytes("e"));
    CHECK(r.s3().object().version_id().ptr == nullptr);
    CHECK(r.s3().object().sequencer() == bytes("0A"));
    CHECK(r.glacier_restore().exists());
    CHECK(r.glacier_restore().lifecycle_restoration_expiry_time() == bytes("T"));
    CHECK(r.glacier_restore().lifecycle_restore_storage_class() == bytes("STANDARD"));
    CHECK(!r.restore_event_data().exists());
    CHECK(!r.replication().exists());
    CHECK(r.intelligent_tiering_access_tier().ptr == nullptr);

    S3Record removed = s3.records()[1];
    CHECK(removed.s3().object().size().text.ptr == nullptr); // deletions have no size
    CHECK(removed.s3().bucket().name().ptr == nullptr);
    CHECK(removed.principal_id().ptr == nullptr);
    CHECK(removed.replication().replication_rule_id() == bytes("r"));
    CHECK(removed.replication().s3_operation() == bytes("OBJECT_PUT"));
    CHECK(removed.replication().failure_reason().ptr == nullptr);
    CHECK(removed.lifecycle_transition_storage_class() == bytes("GLACIER"));
    CHECK(removed.intelligent_tiering_access_tier() == bytes("ARCHIVE_ACCESS"));
    CHECK(!removed.glacier_restore().exists());
}

TEST(s3_wrong_types_read_as_absent)
{
    Arena arena = fresh_arena();
    Document doc = Document::parse(
        bytes(R"({"Records":[{"eventSource":"aws:s3","s3":{"bucket":"b","object":{"key":7,"size":"12x"}}}]})"), arena);
    REQUIRE(doc.ok());
    S3Object object = S3(doc.root(), arena).records()[0].s3().object();
    CHECK(object.key().ptr == nullptr);
    CHECK(object.decoded_key().ptr == nullptr);
    CHECK(object.size().text.ptr == nullptr);
    CHECK(S3(doc.root(), arena).records()[0].s3().bucket().name().ptr == nullptr);
    // Another source's event: no match, whatever else it holds.
    Document sqs = Document::parse(bytes(R"({"Records":[{"eventSource":"aws:sqs","s3":{}}]})"), arena);
    REQUIRE(sqs.ok());
    CHECK(!S3(sqs.root(), arena).matches());
    Document none = Document::parse(bytes(R"({"Service":"Amazon S3","Event":"s3:TestEvent"})"), arena);
    REQUIRE(none.ok());
    CHECK(!S3(none.root(), arena).matches());
    CHECK(S3(none.root(), arena).records().empty());
}
