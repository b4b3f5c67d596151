// The smallest useful handler: a constant answer, the event left unread.
#include <wisp/wisp.h>

wisp::Outcome wisp::handle(const Invocation&, Arena&, Builder&) { return success("{\"ok\":true}"); }
