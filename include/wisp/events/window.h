// Tumbling windows (Kinesis and DynamoDB Streams event source mappings with
// a window): the fields a windowed invocation's event has at its top level.
#pragma once

#include <wisp/events/view.h>

namespace wisp::events {

class TumblingWindow : public View {
public:
    using View::View;
    TumblingWindow(View view) : View(view) { }

    Str window_start() const { return child("window").string("start"); }
    Str window_end() const { return child("window").string("end"); }
    StringMap state() const { return child("state"); } // what the last invocation of the window returned
    Str shard_id() const { return string("shardId"); }
    Str event_source_arn() const { return string("eventSourceARN"); }
    bool is_final_invoke_for_window() const { return boolean("isFinalInvokeForWindow"); }
    bool is_window_terminated_early() const { return boolean("isWindowTerminatedEarly"); }
};

} // namespace wisp::events
