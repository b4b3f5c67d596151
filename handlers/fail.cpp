// Always fails: shows what a caller sees for a handler error.
#include <wisp/wisp.h>

wisp::Outcome wisp::handle(const Invocation&, Arena&, Builder&)
{
    return failure("Function.AlwaysFails", "this handler fails on purpose");
}
