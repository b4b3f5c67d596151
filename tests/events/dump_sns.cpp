// The SNS view over every SNS sample (CloudWatch alarm notifications too):
// each record, its message with the Message parsed when it holds JSON, and
// every message attribute.
#include "dump.h"

#include <wisp/events/sns.h>

namespace {

using wisp::events::SnsMessage;
using wisp::events::SnsMessageAttributes;
using wisp::events::SnsRecord;

void message(const dump::Path& path, SnsMessage m)
{
    dump::string(path.key("Type"), m.type());
    dump::string(path.key("MessageId"), m.message_id());
    dump::string(path.key("TopicArn"), m.topic_arn());
    dump::string(path.key("Subject"), m.subject());
    dump::string(path.key("Message"), m.message());
    wisp::json::Document parsed = m.message_json();
    if (parsed.ok()) // "Hello from SNS!" is no JSON; an alarm is
        dump::json(path.key("Message").key("#json"), parsed.root());
    dump::string(path.key("Timestamp"), m.timestamp());
    dump::string(path.key("SignatureVersion"), m.signature_version());
    dump::string(path.key("Signature"), m.signature());
    // Found whatever the case of "Url": the samples have both spellings.
    dump::string(path.key("#ci").key("SigningCertUrl"), m.signing_cert_url());
    dump::string(path.key("#ci").key("UnsubscribeUrl"), m.unsubscribe_url());

    dump::Path names = path.key("MessageAttributes");
    SnsMessageAttributes attributes = m.message_attributes();
    size_t n = 0;
    for (SnsMessageAttributes::Entry entry : attributes) {
        dump::Path at = names.key(entry.name);
        dump::string(at.key("Type"), entry.value.type());
        dump::string(at.key("Value"), entry.value.value());
        // Only a Value that is base64 decodes: the Go sample's "TestBinary" is not.
        wisp::Str bytes = entry.value.binary_value();
        if (entry.value.type() == wisp::Str("Binary") && bytes.ptr)
            dump::bytes(at.key("Value").key("#base64"), bytes);
        if (attributes.get(entry.name).value() != entry.value.value())
            dump::string(at.key("Value"), "lookup by name disagrees");
        ++n;
    }
    dump::length(names, n);
    if (n == 0)
        dump::json(names, attributes.json());
}

bool dump_sns(wisp::json::Value root, wisp::Arena& arena)
{
    wisp::events::Sns sns(root, arena);
    if (!sns.matches())
        return false;
    dump::Path records = dump::root().key("Records");
    size_t i = 0;
    for (SnsRecord record : sns.records()) {
        dump::Path path = records.index(i++);
        dump::string(path.key("EventVersion"), record.event_version());
        dump::string(path.key("EventSubscriptionArn"), record.event_subscription_arn());
        dump::string(path.key("EventSource"), record.event_source());
        message(path.key("Sns"), record.sns());
    }
    dump::length(records, i);
    return i > 0;
}

const char* const types[] = {"sns", "sns (message: cloudwatch alarm)", nullptr};
dump::Register registered("sns", types, dump_sns);

} // namespace
