// EventBridge and scheduled events through EventBridgeEvent: the envelope
// field by field, `detail` whole (its shape is the sender's) and walked
// through the View lookups, so keys with dashes and spaces are looked up too.
#include "dump.h"

#include <wisp/events/eventbridge.h>

namespace {

using wisp::Str;
using wisp::events::View;
using wisp::json::Type;

// Every member of a free-form object through View::string/number/boolean/child.
void walk(const dump::Path& path, const View& object)
{
    for (wisp::json::Member member : object.json().members()) {
        Str key = object.string_of(member.key);
        dump::Path at = path.key(key);
        switch (member.value.type()) {
        case Type::string: dump::string(at, object.string(key)); break;
        case Type::number: dump::number(at, object.number(key)); break;
        case Type::boolean: dump::boolean(at, true, object.boolean(key)); break;
        case Type::object: walk(at, object.child(key)); break;
        default: dump::json(at, member.value); break; // arrays and null: compared whole
        }
    }
}

bool dump_eventbridge(wisp::json::Value root, wisp::Arena& arena)
{
    wisp::events::EventBridgeEvent event(root, arena);
    if (!event.matches())
        return false;
    dump::Path path = dump::root();
    dump::string(path.key("version"), event.version());
    dump::string(path.key("id"), event.id());
    dump::string(path.key("detail-type"), event.detail_type());
    dump::string(path.key("source"), event.source());
    dump::string(path.key("account"), event.account());
    dump::string(path.key("time"), event.time());
    dump::string(path.key("region"), event.region());
    dump::string(path.key("replay-name"), event.replay_name());

    size_t i = 0;
    for (Str arn : event.resources())
        dump::string(path.key("resources").index(i++), arn);
    dump::length(path.key("resources"), event.resources().size());
    if (i == 0) // [] compared whole, so that the empty array counts as read
        dump::json(path.key("resources"), root["resources"]);

    dump::json(path.key("detail"), event.detail().json());
    walk(path.key("detail"), event.detail());
    dump::json(path.key("alarmData"), event.alarm_data().json());
    return true;
}

const char* const types[] = {
    "eventbridge (aws.autoscaling)",
    "eventbridge (aws.cloudwatch)",
    "eventbridge (aws.codebuild)",
    "eventbridge (aws.codedeploy)",
    "eventbridge (aws.codepipeline)",
    "eventbridge (aws.ec2)",
    "eventbridge (aws.ecr)",
    "eventbridge (aws.ecs)",
    "eventbridge-scheduled",
    nullptr,
};
dump::Register registered("eventbridge", types, dump_eventbridge);

} // namespace
