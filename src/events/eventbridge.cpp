#include <wisp/events/eventbridge.h>

namespace wisp::events {

bool EventBridgeEvent::matches() const
{
    return m_value.type() == json::Type::object && m_value["source"].type() == json::Type::string &&
        m_value["detail-type"].type() == json::Type::string;
}

} // namespace wisp::events
