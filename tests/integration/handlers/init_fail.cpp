// Test-only handler: its init hook fails, so the bootstrap must report
// POST /runtime/init/error and exit without ever asking for an event.
#include <wisp/wisp.h>

wisp::Outcome wisp::init(wisp::Arena&)
{
    return failure("Function.ConfigMissing", "init_fail: the \"TABLE_NAME\" setting is missing");
}

wisp::Outcome wisp::handle(const wisp::Invocation&, wisp::Arena&, wisp::Builder&)
{
    return success("{\"reached\":\"handle\"}");
}
