// The cloudwatch-logs view: awslogs.data as sent, then every field of the
// document it decompresses to, under the "#gunzip" path segment.
#include "dump.h"

#include <wisp/events/cloudwatch_logs.h>

namespace {

using wisp::Str;
using wisp::events::CloudWatchLogEvent;
using wisp::events::CloudWatchLogs;
using wisp::events::CloudWatchLogsData;
using wisp::events::StringMap;

bool dump_cloudwatch_logs(wisp::json::Value root, wisp::Arena& arena)
{
    CloudWatchLogs event(root, arena);
    if (!event.matches())
        return false;
    dump::Path data = dump::root().key("awslogs").key("data");
    dump::string(data, event.data());
    CloudWatchLogs::Decoded decoded = event.decode(arena);
    if (!decoded.ok())
        return false;
    const CloudWatchLogsData& logs = decoded.data;
    dump::Path document = data.key("#gunzip");
    dump::string(document.key("messageType"), logs.message_type());
    dump::string(document.key("owner"), logs.owner());
    dump::string(document.key("logGroup"), logs.log_group());
    dump::string(document.key("logStream"), logs.log_stream());
    dump::string(document.key("policyLevel"), logs.policy_level());
    dump::Path filters = document.key("subscriptionFilters");
    size_t i = 0;
    for (Str filter : logs.subscription_filters())
        dump::string(filters.index(i++), filter);
    dump::length(filters, i);
    dump::Path events = document.key("logEvents");
    i = 0;
    for (CloudWatchLogEvent log_event : logs.log_events()) {
        dump::Path path = events.index(i++);
        dump::string(path.key("id"), log_event.id());
        dump::number(path.key("timestamp"), log_event.timestamp());
        dump::string(path.key("message"), log_event.message());
        StringMap fields = log_event.extracted_fields();
        dump::string_map(path.key("extractedFields"), fields);
        if (fields.exists() && fields.size() == 0)
            dump::json(path.key("extractedFields"), fields.json()); // {}: no member to read
    }
    dump::length(events, i);
    return true;
}

const char* const types[] = {"cloudwatch-logs", nullptr};
dump::Register registered("cloudwatch-logs", types, dump_cloudwatch_logs);

} // namespace
