#include <wisp/events/kinesis.h>

namespace wisp::events {

bool Kinesis::matches() const
{
    json::Value records = m_value["Records"];
    if (records.type() != json::Type::array)
        return false;
    for (json::Value record : records.elements()) {
        if (string_of(record["eventSource"]) != Str("aws:kinesis"))
            return false;
    }
    return true;
}

} // namespace wisp::events
