// EventBridge (formerly CloudWatch Events) events, scheduled rules included:
// the envelope every event bus delivers, with the service's own document in
// `detail`, left as JSON because its shape is the sender's.
//
//   json::Document doc = json::Document::parse(invocation.body, arena);
//   events::EventBridgeEvent event(doc.root(), arena);
//   if (!event.matches())
//       return failure("Function.InvalidInput", "not an EventBridge event");
//   if (event.scheduled()) { ... }                       // a rate() or cron() rule fired
//   Str state = event.detail().string("state");          // detail members by their own names
//   for (Str arn : event.resources()) { ... }
//
// Member names with a dash (`detail-type`, `replay-name`) are read as
// written; like every view, an absent field reads as Str{}.
#pragma once

#include <wisp/events/view.h>

namespace wisp::events {

// One element of `resources`: an ARN (or whatever string the sender put
// there). Converts to Str, so `for (Str arn : event.resources())` works.
using EventBridgeResource = StringElement;

class EventBridgeEvent : public View {
public:
    using View::View;

    // The envelope's shape: an object whose `source` and `detail-type` are
    // strings. Nothing else is required (`version` and `detail` are missing
    // from some real events).
    bool matches() const;
    // detail-type "Scheduled Event": a schedule rule fired; detail is {}.
    bool scheduled() const { return detail_type() == Str("Scheduled Event"); }

    Str version() const { return string("version"); } // "0"
    Str id() const { return string("id"); }
    Str detail_type() const { return string("detail-type"); }
    Str source() const { return string("source"); } // "aws.ec2", "aws.events" for schedules, or your own
    Str account() const { return string("account"); }
    Str time() const { return string("time"); } // RFC 3339, as sent: "2015-10-08T16:53:06Z"
    Str region() const { return string("region"); }
    List<EventBridgeResource> resources() const { return List<EventBridgeResource>(child("resources")); }
    // The event's own document, free-form per source: read its members
    // with string(), number(), child(), or its JSON with detail().json().
    View detail() const { return child("detail"); }
    // Set when an archive replay delivered the event: the replay's name.
    Str replay_name() const { return string("replay-name"); }
    // CloudWatch alarm state changes delivered straight to Lambda (an alarm
    // action) carry the alarm under `alarmData` instead of `detail`.
    View alarm_data() const { return child("alarmData"); }
};

} // namespace wisp::events
