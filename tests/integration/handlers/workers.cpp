// Test-only handler for Managed Instances and the shutdown hook. The event is
// a command: "sleep MS" answers {"pid":P} after MS milliseconds (a raw
// nanosleep: the process is busy, as a worker would be), "exit" ends the
// process with status 3 mid-invocation, anything else answers at once. The
// shutdown hook logs its pid; WISP_TEST_NO_HOOK=1 leaves it unregistered.
#include <wisp/lifecycle.h>
#include <wisp/wisp.h>

#include "sys.h"

namespace {

wisp::Builder& append_pid(wisp::Builder& out)
{
    return out.append_uint(static_cast<unsigned long long>(wisp::sys::getpid()));
}

void on_shutdown_hook()
{
    char line[64];
    wisp::Builder text(line, sizeof line);
    append_pid(text.append("shutdown hook ran in pid "));
    wisp::log(wisp::Level::info, text.view());
}

} // namespace

wisp::Outcome wisp::init(wisp::Arena&)
{
    if (env("WISP_TEST_NO_HOOK").empty())
        on_shutdown(on_shutdown_hook);
    return success({});
}

wisp::Outcome wisp::handle(const Invocation& invocation, Arena&, Builder& out)
{
    Str command = invocation.body;
    if (command == "exit")
        sys::exit(3);
    unsigned long long ms;
    if (command.starts_with("sleep ") && read_number(command.sub(6), 10, 6, &ms) == command.len - 6) {
        sys::Timespec duration{static_cast<long>(ms / 1000), static_cast<long>(ms % 1000 * 1000000)};
        sys::nanosleep(&duration);
    }
    append_pid(out.append("{\"pid\":")).append('}');
    return success(out.view());
}
