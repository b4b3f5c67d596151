// Amazon SQS messages, as an event source mapping delivers them (1 to 10
// messages, or up to 10,000 with a batching window):
//
//   json::Document doc = json::Document::parse(invocation.body, arena);
//   events::Sqs sqs(doc.root(), arena);
//   if (!doc.ok() || !sqs.matches())
//       return failure("Function.InvalidEvent", "not an SQS event");
//   for (events::SqsMessage message : sqs.records())
//       use(message.message_id(), message.body());
//
// Every accessor reads its field when called; strings are unescaped into the
// arena only when they hold a backslash. Absent fields read as Str{} or
// Number{}. Report the messages that failed with events::BatchResponse.
#pragma once

#include <wisp/events/view.h>

namespace wisp::events {

// One element of stringListValues or binaryListValues.
class SqsListItem : public View {
public:
    using View::View;
    Str text() const { return string_of(m_value); }
    // The base64 text decoded into the arena; Str{} when it is not base64.
    Str bytes() const { return base64_decode(text(), *m_arena); }
};

// A message attribute the sender set: {"dataType":"String"|"Number"|"Binary"
// (optionally with a ".custom" suffix), "stringValue" or "binaryValue", and
// the list forms, which SQS reserves for future use (usually empty)}.
class SqsMessageAttribute : public View {
public:
    using View::View;
    SqsMessageAttribute(View view) : View(view) { }

    Str data_type() const { return string("dataType"); }
    // Set for String and Number attributes; a Number stays text (as SQS sends it).
    Str string_value() const { return string("stringValue"); }
    // Binary attributes: the base64 text as sent, and its bytes decoded into
    // the arena on demand (Str{} when absent or not base64).
    Str binary_value_base64() const { return string("binaryValue"); }
    Str binary_value() const { return base64_decode(binary_value_base64(), *m_arena); }
    List<SqsListItem> string_list_values() const { return List<SqsListItem>(child("stringListValues")); }
    List<SqsListItem> binary_list_values() const { return List<SqsListItem>(child("binaryListValues")); }
};

// messageAttributes: attributes by name, and iteration over (name, attribute).
using SqsMessageAttributes = Map<SqsMessageAttribute>;

// attributes: the system attributes, all strings on the wire. The numeric
// ones read as Number (text kept whole: a FIFO SequenceNumber has 20 or more
// digits, beyond 2^64, and is never rounded). As a StringMap, it also gives
// any attribute by name and iterates over all of them.
class SqsAttributes : public StringMap {
public:
    using StringMap::StringMap;

    Number approximate_receive_count() const { return number("ApproximateReceiveCount"); }
    Number sent_timestamp() const { return number("SentTimestamp"); } // Unix epoch ms
    Str sender_id() const { return string("SenderId"); }
    Number approximate_first_receive_timestamp() const { return number("ApproximateFirstReceiveTimestamp"); }
    Str aws_trace_header() const { return string("AWSTraceHeader"); }
    Str dead_letter_queue_source_arn() const { return string("DeadLetterQueueSourceArn"); }
    // FIFO queues (and fair queues, for the group).
    Number sequence_number() const { return number("SequenceNumber"); }
    Str message_group_id() const { return string("MessageGroupId"); }
    Str message_deduplication_id() const { return string("MessageDeduplicationId"); }
};

class SqsMessage : public View {
public:
    using View::View;

    // The itemIdentifier of a partial batch failure.
    Str message_id() const { return string("messageId"); }
    Str receipt_handle() const { return string("receiptHandle"); }
    Str body() const { return string("body"); }
    // The body parsed as JSON, tokens in the arena; check ok(): a body that
    // is not JSON (an empty one too) gives an error.
    json::Document body_json() const { return json::Document::parse(body(), *m_arena); }
    SqsAttributes attributes() const { return child("attributes"); }
    SqsMessageAttributes message_attributes() const { return child("messageAttributes"); }
    Str md5_of_body() const { return string("md5OfBody"); }
    // Str{} when the message has no attributes (the field is then absent or null).
    Str md5_of_message_attributes() const { return string("md5OfMessageAttributes"); }
    Str event_source() const { return string("eventSource"); } // "aws:sqs"
    Str event_source_arn() const { return string("eventSourceARN"); }
    Str aws_region() const { return string("awsRegion"); }
};

// The event: {"Records":[message...]}.
class Sqs : public View {
public:
    using View::View;

    List<SqsMessage> records() const { return List<SqsMessage>(child("Records")); }

    // The shape check: Records is an array (possibly empty) and every
    // message in it says "eventSource":"aws:sqs".
    bool matches() const
    {
        if (m_value["Records"].type() != json::Type::array)
            return false;
        for (SqsMessage message : records()) {
            if (message.event_source() != Str("aws:sqs"))
                return false;
        }
        return true;
    }
};

} // namespace wisp::events
