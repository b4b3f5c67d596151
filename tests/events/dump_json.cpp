// The JSON reader alone, over every sample: each leaf through get_string,
// the raw number text or get_bool, each member looked up again by its
// (unescaped) key, so lookups, iteration and unescaping all face real events.
#include "dump.h"

namespace {

using wisp::Str;
using wisp::json::Type;
using wisp::json::Value;

bool walk(const dump::Path& path, Value value, wisp::Arena& arena)
{
    wisp::events::View view(value, arena);
    switch (value.type()) {
    case Type::object: {
        if (value.size() == 0)
            dump::json(path, value);
        for (wisp::json::Member member : value.members()) {
            Str key;
            if (!member.key.get_string(arena, &key))
                return false;
            if (!walk(path.key(key), value[key], arena))
                return false;
        }
        return true;
    }
    case Type::array: {
        if (value.size() == 0)
            dump::json(path, value);
        size_t i = 0;
        for (Value element : value.elements()) {
            if (!walk(path.index(i), element, arena) || value[i].raw().ptr != element.raw().ptr)
                return false;
            ++i;
        }
        return i == value.size();
    }
    case Type::string: dump::string(path, view.string_of(value)); return true;
    case Type::number: dump::number(path, wisp::events::View::number_of(value)); return true;
    case Type::boolean: {
        bool b = false;
        bool present = value.get_bool(&b);
        dump::boolean(path, present, b);
        return true;
    }
    case Type::null: dump::json(path, value); return true;
    case Type::missing: return false;
    }
    return false;
}

bool dump_json(Value root, wisp::Arena& arena) { return walk(dump::root(), root, arena); }

const char* const types[] = {nullptr};
dump::Register registered("json", types, dump_json);

} // namespace
