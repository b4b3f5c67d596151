// The SQS view over every SQS sample: each message's fields, its system
// attributes (typed, then every one by iteration), and each message
// attribute with its values and lists, binary ones decoded.
#include "dump.h"

#include <wisp/events/sqs.h>

namespace {

using wisp::Str;
using wisp::events::List;
using wisp::events::SqsAttributes;
using wisp::events::SqsListItem;
using wisp::events::SqsMessage;
using wisp::events::SqsMessageAttribute;

// An empty object or array is a leaf of its own: read it whole.
void empty(const dump::Path& path, wisp::json::Value value, size_t size)
{
    if (size == 0)
        dump::json(path, value);
}

void list(const dump::Path& path, List<SqsListItem> items, bool binary)
{
    size_t i = 0;
    for (SqsListItem item : items) {
        dump::string(path.index(i), item.text());
        if (binary)
            dump::bytes(path.index(i).key("#base64"), item.bytes());
        ++i;
    }
    dump::length(path, i);
}

void attributes(const dump::Path& path, SqsAttributes a)
{
    dump::number(path.key("ApproximateReceiveCount"), a.approximate_receive_count());
    dump::number(path.key("SentTimestamp"), a.sent_timestamp());
    dump::string(path.key("SenderId"), a.sender_id());
    dump::number(path.key("ApproximateFirstReceiveTimestamp"), a.approximate_first_receive_timestamp());
    dump::string(path.key("AWSTraceHeader"), a.aws_trace_header());
    dump::string(path.key("DeadLetterQueueSourceArn"), a.dead_letter_queue_source_arn());
    dump::number(path.key("SequenceNumber"), a.sequence_number());
    dump::string(path.key("MessageGroupId"), a.message_group_id());
    dump::string(path.key("MessageDeduplicationId"), a.message_deduplication_id());
    dump::string_map(path, a);
    empty(path, a.json(), a.size());
}

void message_attribute(const dump::Path& path, SqsMessageAttribute attribute)
{
    dump::string(path.key("dataType"), attribute.data_type());
    dump::string(path.key("stringValue"), attribute.string_value());
    dump::string(path.key("binaryValue"), attribute.binary_value_base64());
    if (attribute.binary_value_base64().ptr)
        dump::bytes(path.key("binaryValue").key("#base64"), attribute.binary_value());
    list(path.key("stringListValues"), attribute.string_list_values(), false);
    empty(path.key("stringListValues"), attribute.json()["stringListValues"], attribute.string_list_values().size());
    list(path.key("binaryListValues"), attribute.binary_list_values(), true);
    empty(path.key("binaryListValues"), attribute.json()["binaryListValues"], attribute.binary_list_values().size());
}

void message(const dump::Path& path, SqsMessage m)
{
    dump::string(path.key("messageId"), m.message_id());
    dump::string(path.key("receiptHandle"), m.receipt_handle());
    dump::string(path.key("body"), m.body());
    wisp::json::Document body = m.body_json();
    if (body.ok()) // a body holding JSON, read back whole
        dump::json(path.key("body").key("#json"), body.root());
    dump::string(path.key("md5OfBody"), m.md5_of_body());
    dump::string(path.key("md5OfMessageAttributes"), m.md5_of_message_attributes());
    dump::string(path.key("eventSource"), m.event_source());
    dump::string(path.key("eventSourceARN"), m.event_source_arn());
    dump::string(path.key("awsRegion"), m.aws_region());
    attributes(path.key("attributes"), m.attributes());

    dump::Path names = path.key("messageAttributes");
    size_t n = 0;
    for (wisp::events::SqsMessageAttributes::Entry entry : m.message_attributes()) {
        message_attribute(names.key(entry.name), entry.value);
        // Looked up by name too: the same attribute.
        if (m.message_attributes().get(entry.name).json().raw().ptr != entry.value.json().raw().ptr)
            dump::string(names.key(entry.name).key("dataType"), "lookup by name disagrees");
        ++n;
    }
    dump::length(names, n);
    empty(names, m.message_attributes().json(), m.message_attributes().size());
}

bool dump_sqs(wisp::json::Value root, wisp::Arena& arena)
{
    wisp::events::Sqs sqs(root, arena);
    if (!sqs.matches())
        return false;
    dump::Path records = dump::root().key("Records");
    size_t i = 0;
    for (SqsMessage m : sqs.records())
        message(records.index(i++), m);
    dump::length(records, i);
    return i == sqs.records().size();
}

const char* const types[] = {"sqs", nullptr};
dump::Register registered("sqs", types, dump_sqs);

} // namespace
