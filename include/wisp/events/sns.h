// Amazon SNS notifications delivered to a subscribed function (one record per
// invocation today, in a Records array):
//
//   json::Document doc = json::Document::parse(invocation.body, arena);
//   events::Sns sns(doc.root(), arena);
//   if (!doc.ok() || !sns.matches())
//       return failure("Function.InvalidEvent", "not an SNS event");
//   for (events::SnsRecord record : sns.records()) {
//       events::SnsMessage message = record.sns();
//       json::Document alarm = message.message_json(); // when Message holds JSON
//   }
//
// Keys are PascalCase here, unlike SQS and S3.
#pragma once

#include <wisp/events/view.h>

namespace wisp::events {

// {"Type":"String"|"String.Array"|"Number"|"Binary","Value":...}
class SnsMessageAttribute : public View {
public:
    using View::View;
    SnsMessageAttribute(View view) : View(view) { }

    Str type() const { return string("Type"); }
    Str value() const { return string("Value"); }
    // A Binary attribute's Value decoded from base64 into the arena (Str{}
    // when the Value is not base64).
    Str binary_value() const { return base64_decode(value(), *m_arena); }
};

// MessageAttributes: attributes by name, and iteration over (name, attribute).
using SnsMessageAttributes = Map<SnsMessageAttribute>;

// The "Sns" object of a record.
class SnsMessage : public View {
public:
    using View::View;
    SnsMessage(View view) : View(view) { }

    Str type() const { return string("Type"); } // "Notification"
    Str message_id() const { return string("MessageId"); }
    Str topic_arn() const { return string("TopicArn"); }
    Str subject() const { return string("Subject"); } // Str{} when absent or null
    Str message() const { return string("Message"); }
    Str timestamp() const { return string("Timestamp"); } // ISO 8601
    Str signature_version() const { return string("SignatureVersion"); }
    Str signature() const { return string("Signature"); }
    // Lambda spells these SigningCertUrl and UnsubscribeUrl; SNS's HTTP
    // deliveries (and events relayed from them) SigningCertURL and
    // UnsubscribeURL. Either is found: the key is matched ignoring case.
    Str signing_cert_url() const { return StringMap(*this).get_ignore_case("SigningCertUrl"); }
    Str unsubscribe_url() const { return StringMap(*this).get_ignore_case("UnsubscribeUrl"); }
    SnsMessageAttributes message_attributes() const { return child("MessageAttributes"); }

    // Message parsed as JSON (a CloudWatch alarm, an S3 notification, your
    // own document) with its tokens in the arena; check ok() first: a plain
    // text message gives Error::malformed.
    json::Document message_json() const { return json::Document::parse(message(), *m_arena); }
};

class SnsRecord : public View {
public:
    using View::View;

    Str event_version() const { return string("EventVersion"); }
    Str event_subscription_arn() const { return string("EventSubscriptionArn"); }
    Str event_source() const { return string("EventSource"); } // "aws:sns"
    SnsMessage sns() const { return child("Sns"); }
};

// The event: {"Records":[record...]}.
class Sns : public View {
public:
    using View::View;

    List<SnsRecord> records() const { return List<SnsRecord>(child("Records")); }

    // The shape check: Records is an array (possibly empty) and every record
    // in it says "EventSource":"aws:sns".
    bool matches() const
    {
        if (m_value["Records"].type() != json::Type::array)
            return false;
        for (SnsRecord record : records()) {
            if (record.event_source() != Str("aws:sns"))
                return false;
        }
        return true;
    }
};

} // namespace wisp::events
