// Kinesis Data Streams through events::Kinesis: every field of every record,
// the data both as sent and decoded ('#base64'), and the tumbling window.
#include <wisp/events/kinesis.h>

#include "dump.h"

namespace {

using wisp::Str;
using namespace wisp::events;

bool dump_record(const dump::Path& path, const KinesisRecord& record)
{
    dump::Path data = path.key("kinesis");
    KinesisData kinesis = record.kinesis();
    dump::string(data.key("kinesisSchemaVersion"), kinesis.kinesis_schema_version());
    dump::string(data.key("partitionKey"), kinesis.partition_key());
    dump::number(data.key("sequenceNumber"), kinesis.sequence_number());
    dump::string(data.key("data"), kinesis.data_base64());
    dump::bytes(data.key("data").key("#base64"), kinesis.data());
    dump::number(data.key("approximateArrivalTimestamp"), kinesis.approximate_arrival_timestamp());
    dump::string(data.key("encryptionType"), kinesis.encryption_type());
    dump::string(path.key("eventSource"), record.event_source());
    dump::string(path.key("eventVersion"), record.event_version());
    dump::string(path.key("eventID"), record.event_id());
    dump::string(path.key("eventName"), record.event_name());
    dump::string(path.key("invokeIdentityArn"), record.invoke_identity_arn());
    dump::string(path.key("awsRegion"), record.aws_region());
    dump::string(path.key("eventSourceARN"), record.event_source_arn());
    // Every sample's data is base64 and its sequence number a big integer.
    return kinesis.data().ptr != nullptr && kinesis.sequence_number().integer();
}

bool dump_event(wisp::json::Value root, wisp::Arena& arena)
{
    Kinesis event(root, arena);
    dump::Path records = dump::root().key("Records");
    size_t n = 0;
    for (KinesisRecord record : event.records()) {
        if (!dump_record(records.index(n++), record))
            return false;
    }
    dump::length(records, n);
    dump::window(event);
    return event.matches() && n == event.records().size() && n > 0;
}

const char* const types[] = {"kinesis-streams", "kinesis-streams-tumbling-window", nullptr};
dump::Register registered("kinesis", types, dump_event);

} // namespace
