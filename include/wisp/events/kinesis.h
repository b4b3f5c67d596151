// Kinesis Data Streams: a batch of records from one shard, each with its
// partition key, sequence number and data (base64 in the event, decoded on
// demand into the arena).
//
//   events::Kinesis event(doc.root(), arena);
//   for (events::KinesisRecord record : event.records()) {
//       Str bytes = record.kinesis().data(); // Str{} when data is not base64
//       ...
//   }
//
// Sequence numbers (56 digits and more) stay text: compare or echo them,
// never convert them. approximateArrivalTimestamp is a decimal number of
// seconds: Number::get_scaled(3, &ms) gives exact milliseconds.
#pragma once

#include <wisp/events/view.h>
#include <wisp/events/window.h>

namespace wisp::events {

// The "kinesis" member of a record: the data record itself.
class KinesisData : public View {
public:
    using View::View;
    KinesisData(View view) : View(view) { }

    Str kinesis_schema_version() const { return string("kinesisSchemaVersion"); }
    Str partition_key() const { return string("partitionKey"); }
    Number sequence_number() const { return number("sequenceNumber"); } // the batch item identifier
    // The data as sent, and the bytes it stands for, decoded into the arena at
    // each call (Str{} when the text is not base64).
    Str data_base64() const { return string("data"); }
    Str data() const { return base64_decode(data_base64(), arena()); }
    Number approximate_arrival_timestamp() const { return number("approximateArrivalTimestamp"); }
    Str encryption_type() const { return string("encryptionType"); } // NONE or KMS; absent in older events
};

class KinesisRecord : public View {
public:
    using View::View;
    KinesisRecord(View view) : View(view) { }

    KinesisData kinesis() const { return child("kinesis"); }
    Str event_source() const { return string("eventSource"); } // aws:kinesis
    Str event_version() const { return string("eventVersion"); }
    Str event_id() const { return string("eventID"); }     // shardId-...:<sequence number>
    Str event_name() const { return string("eventName"); } // aws:kinesis:record
    Str invoke_identity_arn() const { return string("invokeIdentityArn"); }
    Str aws_region() const { return string("awsRegion"); }
    Str event_source_arn() const { return string("eventSourceARN"); }
};

// With a tumbling window, the window's fields too (window_start(), state(), ...).
class Kinesis : public TumblingWindow {
public:
    using TumblingWindow::TumblingWindow;
    Kinesis(View view) : TumblingWindow(view) { }

    List<KinesisRecord> records() const { return List<KinesisRecord>(child("Records")); }
    // A Records array (maybe empty) whose records all say eventSource aws:kinesis.
    bool matches() const;
};

} // namespace wisp::events
