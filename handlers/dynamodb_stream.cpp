// A DynamoDB Streams consumer with partial batch responses (the event source
// mapping's ReportBatchItemFailures). For each record it logs one INFO line,
// a JSON summary of the change (cut after 16 KiB, as every log line is):
//
//   {"sequenceNumber":"222","event":"MODIFY","keys":{"Id":101},"changed":["Message"]}
//
// - sequenceNumber: as sent, every digit (they go far beyond 2^64).
// - keys: the item's key attributes as plain JSON: S as a string, N as a
//   number written exactly as DynamoDB sent it (up to 38 digits), B as its
//   base64 text. It logs keys: mind that with personal data.
// - changed: the attributes of NewImage whose value differs from OldImage's
//   (or that OldImage lacks), then those only OldImage has: all of NewImage
//   for an INSERT, all of OldImage for a REMOVE, none when the stream's view
//   type carries no images. Values are compared as written: DynamoDB writes
//   both images alike, so equal values have equal text.
//
// A record it cannot process (an eventName other than INSERT, MODIFY or
// REMOVE, no Keys, a key attribute that is not a valid S, N or B) gets a WARN
// line and its SequenceNumber in the answer, so that Lambda retries from it:
//
//   {"batchItemFailures":[{"itemIdentifier":"4421584500000000017450439092"}]}
//
// ({"batchItemFailures":[]} when every record was processed). The whole
// invocation fails, and Lambda retries the whole batch, when the event is not
// JSON (Function.InvalidInput), is not a DynamoDB Streams batch (a Records
// array whose records all say eventSource aws:dynamodb), or has a record
// without a SequenceNumber to name it by (Function.InvalidEvent). Tumbling
// window fields are not used: no state is returned.
#include <wisp/events/batch.h>
#include <wisp/events/dynamodb.h>
#include <wisp/wisp.h>

namespace {

using namespace wisp;
using events::AttributeMap;
using events::AttributeType;
using events::AttributeValue;

// Appends ,"name" for each attribute of `from` that `against` holds a
// different value for (or lacks); with Only::missing for those it lacks.
enum class Only : unsigned char { different, missing };
void append_changed(Builder& out, const AttributeMap& from, const AttributeMap& against, Only only, bool* comma)
{
    for (AttributeMap::Entry entry : from) {
        json::Value other = against.get(entry.name).json();
        if (only == Only::missing ? other.exists() : entry.value.json().raw() == other.raw())
            continue;
        if (*comma)
            out.append(',');
        out.append_json_string(entry.name);
        *comma = true;
    }
}

// Writes the summary of a record into out; returns why it cannot, or Str{}.
Str summarise(const events::DynamodbRecord& record, Str sequence, Builder& out)
{
    if (record.event_kind() == events::DynamodbEventKind::other)
        return "eventName is not INSERT, MODIFY or REMOVE";
    events::DynamodbStreamRecord change = record.dynamodb();
    AttributeMap keys = change.keys();
    if (keys.size() == 0)
        return "no Keys";
    out.append(Str("{\"sequenceNumber\":"))
        .append_json_string(sequence)
        .append(Str(",\"event\":"))
        .append_json_string(record.event_name())
        .append(Str(",\"keys\":{"));
    bool comma = false;
    for (AttributeMap::Entry key : keys) {
        // Key attributes are scalars: S, N or B, the only types held in a string.
        AttributeType type = key.value.type();
        Str text = key.value.string_of(key.value.payload(type));
        bool number = type == AttributeType::number;
        if (number ? !events::Number{text}.valid() : !text.ptr)
            return "a key attribute is not a valid S, N or B";
        if (comma)
            out.append(',');
        comma = true;
        out.append_json_string(key.name).append(':');
        if (number)
            out.append(text); // a JSON number as DynamoDB wrote it, every digit kept
        else
            out.append_json_string(text); // B stays base64
    }
    out.append(Str("},\"changed\":["));
    comma = false;
    AttributeMap new_image = change.new_image(), old_image = change.old_image();
    append_changed(out, new_image, old_image, Only::different, &comma);
    append_changed(out, old_image, new_image, Only::missing, &comma);
    out.append(Str("]}"));
    return {};
}

} // namespace

wisp::Outcome wisp::handle(const wisp::Invocation& invocation, wisp::Arena& arena, wisp::Builder& out)
{
    json::Document document = json::Document::parse(invocation.body, arena);
    if (!document.ok())
        return failure("Function.InvalidInput", json::describe(document.error()));
    events::Dynamodb event(document.root(), arena);
    if (!event.matches())
        return failure("Function.InvalidEvent", "not a DynamoDB Streams event: no Records from aws:dynamodb");

    // The log cuts a record after 16 KiB: a longer summary is cut here.
    static char text[16 * 1024];
    events::BatchResponse batch(out);
    for (events::DynamodbRecord record : event.records()) {
        Str sequence = record.dynamodb().sequence_number().text;
        if (!sequence.ptr)
            return failure("Function.InvalidEvent", "a record has no dynamodb.SequenceNumber to report it by");
        Builder line(text, sizeof text);
        Str why = summarise(record, sequence, line);
        if (why.ptr) {
            Str parts[] = {"record ", sequence, " not processed: ", why};
            log_parts(Level::warn, parts, 4);
            batch.fail(sequence);
        } else {
            log(Level::info, line.view());
        }
    }
    return batch.finish();
}
