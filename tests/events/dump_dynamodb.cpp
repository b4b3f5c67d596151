// DynamoDB Streams through events::Dynamodb and events::DynamodbRecord: every
// field of every record, and every attribute value walked through its typed
// accessors (binary ones decoded, as '#base64').
#include <wisp/events/dynamodb.h>

#include "dump.h"

namespace {

using wisp::Str;
using namespace wisp::events;

bool walk_map(const dump::Path& path, const AttributeMap& map);

// An empty M, L or set has no leaf: the attribute value is compared whole.
void empty_container(const dump::Path& path, const AttributeValue& value, size_t n)
{
    if (n == 0)
        dump::json(path, value.json());
}

bool walk_value(const dump::Path& path, const AttributeValue& value)
{
    size_t n = 0;
    switch (value.type()) {
    case AttributeType::string: dump::string(path.key("S"), value.string()); return true;
    case AttributeType::number: dump::number(path.key("N"), value.number()); return value.number().valid();
    case AttributeType::binary:
        dump::string(path.key("B"), value.binary_base64());
        dump::bytes(path.key("B").key("#base64"), value.binary());
        return value.binary().ptr != nullptr;
    case AttributeType::boolean: dump::boolean(path.key("BOOL"), true, value.boolean()); return true;
    case AttributeType::null: dump::boolean(path.key("NULL"), true, value.is_null()); return true;
    case AttributeType::map: return walk_map(path.key("M"), value.map());
    case AttributeType::list:
        for (AttributeValue element : value.list()) {
            if (!walk_value(path.key("L").index(n++), element))
                return false;
        }
        dump::length(path.key("L"), n);
        empty_container(path, value, n);
        return n == value.list().size();
    case AttributeType::string_set:
        for (Str element : value.string_set())
            dump::string(path.key("SS").index(n++), element);
        dump::length(path.key("SS"), n);
        empty_container(path, value, n);
        return true;
    case AttributeType::number_set:
        for (Number element : value.number_set())
            dump::number(path.key("NS").index(n++), element);
        dump::length(path.key("NS"), n);
        empty_container(path, value, n);
        return true;
    case AttributeType::binary_set:
        for (SetBinary element : value.binary_set()) {
            dump::string(path.key("BS").index(n), element.base64());
            dump::bytes(path.key("BS").index(n++).key("#base64"), element);
        }
        dump::length(path.key("BS"), n);
        empty_container(path, value, n);
        return true;
    case AttributeType::missing:
    case AttributeType::invalid: return false;
    }
    return false;
}

// Each attribute through iteration, and found again by name.
bool walk_map(const dump::Path& path, const AttributeMap& map)
{
    size_t n = 0;
    for (AttributeMap::Entry entry : map) {
        if (map.get(entry.name).json().raw().ptr != entry.value.json().raw().ptr)
            return false;
        if (!walk_value(path.key(entry.name), entry.value))
            return false;
        ++n;
    }
    dump::length(path, n);
    if (n == 0 && map.exists())
        dump::json(path, map.json());
    return n == map.size();
}

bool check_kind(const DynamodbRecord& record)
{
    Str name = record.event_name();
    DynamodbEventKind kind = record.event_kind();
    if (name == Str("INSERT"))
        return kind == DynamodbEventKind::insert;
    if (name == Str("MODIFY"))
        return kind == DynamodbEventKind::modify;
    if (name == Str("REMOVE"))
        return kind == DynamodbEventKind::remove;
    return kind == DynamodbEventKind::other;
}

bool dump_record(const dump::Path& path, const DynamodbRecord& record)
{
    dump::string(path.key("eventID"), record.event_id());
    dump::string(path.key("eventName"), record.event_name());
    dump::string(path.key("eventVersion"), record.event_version());
    dump::string(path.key("eventSource"), record.event_source());
    dump::string(path.key("awsRegion"), record.aws_region());
    dump::string(path.key("eventSourceARN"), record.event_source_arn());
    dump::string(path.key("recordFormat"), record.record_format());
    dump::string(path.key("tableName"), record.table_name());
    DynamodbIdentity identity = record.user_identity();
    if (identity.json().is_null())
        dump::json(path.key("userIdentity"), identity.json()); // "userIdentity": null
    dump::string(path.key("userIdentity").key("type"), identity.type());
    dump::string(path.key("userIdentity").key("principalId"), identity.principal_id());

    dump::Path change = path.key("dynamodb");
    DynamodbStreamRecord stream = record.dynamodb();
    dump::number(change.key("ApproximateCreationDateTime"), stream.approximate_creation_date_time());
    dump::number(change.key("SequenceNumber"), stream.sequence_number());
    dump::number(change.key("SizeBytes"), stream.size_bytes());
    dump::string(change.key("StreamViewType"), stream.stream_view_type());
    return check_kind(record) && walk_map(change.key("Keys"), stream.keys()) &&
        walk_map(change.key("NewImage"), stream.new_image()) && walk_map(change.key("OldImage"), stream.old_image());
}

bool dump_event(wisp::json::Value root, wisp::Arena& arena)
{
    Dynamodb event(root, arena);
    dump::Path records = dump::root().key("Records");
    size_t n = 0;
    for (DynamodbRecord record : event.records()) {
        if (!dump_record(records.index(n++), record))
            return false;
    }
    dump::length(records, n);
    dump::window(event);
    return event.matches() && n == event.records().size() && n > 0;
}

bool dump_single_record(wisp::json::Value root, wisp::Arena& arena)
{
    return dump_record(dump::root(), DynamodbRecord(root, arena));
}

const char* const event_types[] = {"dynamodb-streams", "dynamodb-streams-tumbling-window", nullptr};
dump::Register event_dumper("dynamodb", event_types, dump_event);

const char* const record_types[] = {"dynamodb-streams-record (single record, no Records wrapper)", nullptr};
dump::Register record_dumper("dynamodb-record", record_types, dump_single_record);

} // namespace
