// CloudWatch Logs subscription events (type cloudwatch-logs). The event is
// {"awslogs":{"data":"<base64 of gzip of a JSON document>"}}; decode() turns
// data into a view of that document, in the arena:
//
//   events::CloudWatchLogs event(doc.root(), arena);
//   events::CloudWatchLogs::Decoded logs = event.decode(arena);
//   if (!logs.ok())
//       return failure("Function.InvalidInput", describe(logs.error));
//   for (events::CloudWatchLogEvent e : logs.data.log_events())
//       use(e.id(), e.timestamp(), e.message());
//
// The arena then holds the compressed bytes (at most 4.5 MiB: the event is
// at most 6 MiB), the decompressed document (at most `limit`), its tokens
// and any string unescaped when read. Only handlers that call decode() link
// it, with base64 and inflate: about 4 KB of code.
#pragma once

#include <wisp/events/view.h>

namespace wisp::events {

// One element of subscriptionFilters: a filter's name. Converts to Str, so
// `for (Str name : logs.subscription_filters())` works.
using CloudWatchLogsFilter = StringElement;

// One entry of logEvents.
class CloudWatchLogEvent : public View {
public:
    using View::View;
    Str id() const { return string("id"); }                  // 56 digits: keep it as text
    Number timestamp() const { return number("timestamp"); } // Unix epoch ms
    Str message() const { return string("message"); }
    // The fields a space-delimited or JSON filter pattern extracted, by name
    // (only when the subscription filter has such a pattern).
    StringMap extracted_fields() const { return child("extractedFields"); }
};

// The decompressed document.
class CloudWatchLogsData : public View {
public:
    using View::View;
    // "DATA_MESSAGE", or "CONTROL_MESSAGE" when CloudWatch Logs checks that the
    // destination is reachable.
    Str message_type() const { return string("messageType"); }
    Str owner() const { return string("owner"); } // the account id of the log group
    Str log_group() const { return string("logGroup"); }
    Str log_stream() const { return string("logStream"); }
    List<CloudWatchLogsFilter> subscription_filters() const
    {
        return List<CloudWatchLogsFilter>(child("subscriptionFilters"));
    }
    List<CloudWatchLogEvent> log_events() const { return List<CloudWatchLogEvent>(child("logEvents")); }
    // "ACCOUNT_LEVEL_POLICY" for an account-level subscription; absent otherwise.
    Str policy_level() const { return string("policyLevel"); }
};

class CloudWatchLogs : public View {
public:
    using View::View;

    // What decode() met, step by step.
    enum class Error : unsigned char {
        none,
        no_data,        // awslogs.data is absent or not a string
        base64,         // awslogs.data is not canonical base64
        gzip_malformed, // not gzip, or corrupt
        gzip_truncated,
        gzip_too_large, // decompresses to more than the limit (or the arena's free space)
        gzip_checksum,  // CRC-32 or length mismatch
        json_malformed, // the decompressed document is not a JSON object
        json_truncated,
        json_too_large, // no room for its tokens in the arena
        arena,          // no room for the compressed bytes in the arena
    };

    struct Decoded {
        CloudWatchLogsData data; // missing unless ok()
        Error error = Error::none;
        bool ok() const { return error == Error::none; }
    };

    // The arena is 64 MiB; 16 MiB of JSON leaves room for the compressed
    // bytes, the tokens (about 1.5 bytes per byte of JSON for log events) and
    // unescaped messages. A PutLogEvents batch is at most 1 MiB.
    static constexpr size_t default_limit = 16u << 20;

    // The event's shape: awslogs.data is a string.
    bool matches() const { return m_value["awslogs"]["data"].type() == json::Type::string; }
    // The base64 text as sent.
    Str data() const { return child("awslogs").string("data"); }

    // Base64, then gunzip (at most limit bytes), then JSON, all into arena.
    // On failure the arena is back where it was.
    Decoded decode(Arena& arena, size_t limit = default_limit) const;
};

// Which step failed and why, for failure() messages: "awslogs.data: truncated gzip".
Str describe(CloudWatchLogs::Error error);

} // namespace wisp::events
