#include <wisp/events/eventbridge.h>

#include "kit.h"
#include "parsed_event.h"

#include <stdlib.h>

using wisp::Arena;
using wisp::Str;
using wisp::events::EventBridgeEvent;
using wisp::events::View;
using wisp::json::Document;
using wisp::json::Error;

namespace {

alignas(16) char g_memory[1 << 20];

using Parsed = ParsedEvent<EventBridgeEvent>;

Parsed& parse(const char* text) { return parsed_event<EventBridgeEvent>(text); }

const char* const ec2_event = R"({
  "version": "0",
  "id": "7bf73129-1428-4cd3-a780-95db273d1602",
  "detail-type": "EC2 Instance State-change Notification",
  "source": "aws.ec2",
  "account": "123456789012",
  "time": "2021-11-11T21:29:54Z",
  "region": "us-east-1",
  "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111", "second"],
  "detail": {"instance-id": "i-abcd1111", "state": "pending", "Details": {"Availability Zone": "us-east-1a",
    "a.b": "dot", "x:y": "colon"}, "count": 12345678901234567890123, "on": true}
})";

} // namespace

TEST(envelope_fields_with_dashes)
{
    Parsed& p = parse(ec2_event);
    REQUIRE(p.doc.ok());
    EventBridgeEvent event = p.event();
    CHECK(event.matches());
    CHECK(!event.scheduled());
    CHECK_EQ(event.version(), Str("0"));
    CHECK_EQ(event.id(), Str("7bf73129-1428-4cd3-a780-95db273d1602"));
    CHECK_EQ(event.detail_type(), Str("EC2 Instance State-change Notification"));
    CHECK_EQ(event.source(), Str("aws.ec2"));
    CHECK_EQ(event.account(), Str("123456789012"));
    CHECK_EQ(event.time(), Str("2021-11-11T21:29:54Z"));
    CHECK_EQ(event.region(), Str("us-east-1"));
    CHECK(!event.replay_name().ptr);
    CHECK(!event.alarm_data().exists());
}

TEST(resources_iterate_as_strings)
{
    Parsed& p = parse(ec2_event);
    EventBridgeEvent event = p.event();
    CHECK_EQ(event.resources().size(), size_t(2));
    CHECK_EQ(event.resources()[0].text(), Str("arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"));
    CHECK_EQ(Str(event.resources()[1]), Str("second"));
    size_t n = 0;
    for (Str arn : event.resources())
        CHECK_EQ(arn, n++ ? Str("second") : Str("arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"));
    CHECK_EQ(n, size_t(2));
    CHECK(!event.resources()[2].text().ptr); // past the end: absent
}

TEST(detail_members_by_their_own_names)
{
    Parsed& p = parse(ec2_event);
    View detail = p.event().detail();
    CHECK_EQ(detail.string("instance-id"), Str("i-abcd1111"));
    CHECK_EQ(detail.string("state"), Str("pending"));
    CHECK_EQ(detail.child("Details").string("Availability Zone"), Str("us-east-1a"));
    CHECK_EQ(detail.child("Details").string("a.b"), Str("dot"));
    CHECK_EQ(detail.child("Details").string("x:y"), Str("colon"));
    CHECK(detail.boolean("on"));
    // Beyond 2^64: kept as text, never rounded; get_uint refuses it.
    CHECK_EQ(detail.number("count").text, Str("12345678901234567890123"));
    unsigned long long count = 0;
    CHECK(!detail.number("count").get_uint(&count));
    CHECK_EQ(detail.json().size(), size_t(5));
}

TEST(scheduled_event)
{
    Parsed& p = parse(R"({"version":"0","id":"53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa","detail-type":"Scheduled Event",
        "source":"aws.events","account":"123456789012","time":"2015-10-08T16:53:06Z","region":"us-east-1",
        "resources":["arn:aws:events:us-east-1:123456789012:rule/my-scheduled-rule"],"detail":{}})");
    EventBridgeEvent event = p.event();
    CHECK(event.matches());
    CHECK(event.scheduled());
    CHECK(event.detail().exists());
    CHECK_EQ(event.detail().json().size(), size_t(0));
    CHECK_EQ(event.detail().json().raw(), Str("{}"));
    CHECK_EQ(event.resources()[0].text(), Str("arn:aws:events:us-east-1:123456789012:rule/my-scheduled-rule"));
}

TEST(escapes_are_decoded)
{
    Parsed& p = parse(R"({"source":"my.\u0061pp","detail-type":"Order \"Placed\"","resources":["a\/b","\u00e9"],
        "replay-name":"replay\t1","detail":{"k\u0065y":"v\\w"}})");
    EventBridgeEvent event = p.event();
    CHECK(event.matches());
    CHECK_EQ(event.source(), Str("my.app"));
    CHECK_EQ(event.detail_type(), Str("Order \"Placed\""));
    CHECK_EQ(event.resources()[0].text(), Str("a/b"));
    CHECK_EQ(event.resources()[1].text(), Str("\xc3\xa9"));
    CHECK_EQ(event.replay_name(), Str("replay\t1"));
    CHECK_EQ(event.detail().string("key"), Str("v\\w")); // an escaped key is found by its decoded name
}

TEST(missing_and_empty_fields)
{
    Parsed& p = parse(R"({"source":"","detail-type":"x","resources":[]})");
    EventBridgeEvent event = p.event();
    CHECK(event.matches());
    CHECK(event.source().ptr); // present and empty
    CHECK_EQ(event.source().len, size_t(0));
    CHECK(!event.version().ptr); // absent
    CHECK(!event.id().ptr);
    CHECK(!event.account().ptr);
    CHECK(!event.time().ptr);
    CHECK(!event.region().ptr);
    CHECK(event.resources().empty());
    CHECK(!event.detail().exists());
    CHECK(!event.detail().string("anything").ptr);
}

TEST(wrong_types_read_as_absent)
{
    Parsed& p = parse(R"({"source":"aws.ec2","detail-type":7,"id":null,"time":1234,"resources":"arn:x",
        "detail":"text"})");
    EventBridgeEvent event = p.event();
    CHECK(!event.matches()); // detail-type must be a string
    CHECK(!event.detail_type().ptr);
    CHECK(!event.id().ptr);
    CHECK(!event.time().ptr);
    CHECK_EQ(event.resources().size(), size_t(0)); // not an array: empty
    size_t n = 0;
    for (Str arn : event.resources()) {
        (void)arn;
        ++n;
    }
    CHECK_EQ(n, size_t(0));
    CHECK(!event.detail().string("state").ptr);
    Parsed& q = parse(R"({"source":["aws.ec2"],"detail-type":"x"})");
    CHECK(!q.event().matches());
    Parsed& r = parse(R"([{"source":"aws.ec2","detail-type":"x"}])");
    CHECK(!r.event().matches());
    Parsed& s = parse(R"({"detail-type":"x"})");
    CHECK(!s.event().matches());
}

TEST(other_sources_do_not_match)
{
    Parsed& p = parse(R"({"version":"1","triggerSource":"PreSignUp_SignUp","userPoolId":"u","request":{}})");
    CHECK(!p.event().matches());
    Parsed& q = parse(R"({"Records":[{"eventSource":"aws:sqs"}]})");
    CHECK(!q.event().matches());
}

TEST(alarm_data_and_replay_name)
{
    Parsed& p = parse(R"({"source":"aws.cloudwatch","detail-type":"CloudWatch Alarm State Change",
        "alarmData":{"alarmName":"High","state":{"value":"ALARM"}},"replay-name":"nightly"})");
    EventBridgeEvent event = p.event();
    CHECK(event.matches());
    CHECK_EQ(event.alarm_data().string("alarmName"), Str("High"));
    CHECK_EQ(event.alarm_data().child("state").string("value"), Str("ALARM"));
    CHECK_EQ(event.replay_name(), Str("nightly"));
}

TEST(malformed_and_truncated_events)
{
    const char* bad[] = {
        R"({"source":"aws.ec2","detail-type":"x")",
        R"({"source":"aws.ec2","detail-type":)",
        R"({"source":"aws.ec2" "detail-type":"x"})",
        R"({"source":'aws.ec2',"detail-type":"x"})",
        "",
        "{} {}",
    };
    for (const char* text : bad) {
        Parsed& p = parse(text);
        CHECK(!p.doc.ok());
        EventBridgeEvent event = p.event();
        CHECK(!event.matches());
        CHECK(!event.source().ptr);
        CHECK(event.resources().empty());
        CHECK(!event.detail().exists());
    }
    CHECK_EQ(parse(R"({"source":"aws.ec2")").doc.error(), Error::truncated);
}

TEST(every_sample_matches)
{
    const char* dir = getenv("WISP_EVENTS_DIR");
    REQUIRE(dir);
    char path[4096];
    snprintf(path, sizeof path, "%s/INDEX.tsv", dir);
    FILE* index = fopen(path, "r");
    REQUIRE(index);
    static char line[8192], text[1 << 16];
    size_t samples = 0, scheduled = 0;
    while (fgets(line, sizeof line, index)) {
        char* fields[4] = {line};
        for (int i = 1; i < 4 && fields[i - 1]; ++i) {
            char* tab = strchr(fields[i - 1], '\t');
            fields[i] = tab ? (*tab = 0, tab + 1) : nullptr;
        }
        if (!fields[3] ||
            (strncmp(fields[3], "eventbridge (", 13) != 0 && strncmp(fields[3], "eventbridge-scheduled\t", 22) != 0))
            continue;
        bool is_scheduled = fields[3][11] == '-';
        snprintf(path, sizeof path, "%s/%s", dir, fields[0]);
        FILE* f = fopen(path, "rb");
        REQUIRE(f);
        size_t len = fread(text, 1, sizeof text, f);
        fclose(f);
        Arena arena(g_memory, sizeof g_memory);
        Document doc = Document::parse({text, len}, arena);
        REQUIRE(doc.ok());
        EventBridgeEvent event(doc.root(), arena);
        if (!CHECK(event.matches()))
            fprintf(stderr, "    %s\n", fields[0]);
        CHECK_EQ(event.scheduled(), is_scheduled);
        CHECK(event.id().len > 0);
        ++samples;
        scheduled += is_scheduled;
    }
    fclose(index);
    CHECK_EQ(samples, size_t(35));
    CHECK_EQ(scheduled, size_t(2));
}
