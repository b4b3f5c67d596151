// Answers with the event, byte for byte, and its content type. No copy: the
// payload is a view into the receive buffer.
#include <wisp/wisp.h>

wisp::Outcome wisp::handle(const Invocation& invocation, Arena&, Builder&)
{
    return success(
        invocation.body, invocation.content_type.empty() ? Str("application/json") : invocation.content_type);
}
