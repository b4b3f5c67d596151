// X-Ray error causes: linked only into bootstraps whose handler sets one.
#include <wisp/handler.h>
#include <wisp/log.h>

#include "runtime.h"

namespace wisp {

// The Invocation is reset for every /next, so a cause never outlives its invocation.
void set_xray_cause(const Invocation& invocation, Str cause) { invocation.xray_cause = cause; }

void error_headers(Loop& loop, Builder& head)
{
    Str cause = loop.inv.xray_cause;
    if (cause.empty())
        return;
    if (is_header_value(cause, 64 * 1024))
        head.append("\r\nLambda-Runtime-Function-XRay-Error-Cause: ").append(cause);
    else
        log(Level::warn, "X-Ray error cause left out: not 1-65536 bytes of printable ASCII");
}

} // namespace wisp
