// Graceful shutdown (on_shutdown). Lambda sends SIGTERM at shutdown only to a
// runtime with an extension registered, so this registers a no-op internal
// one. Linked only into bootstraps whose handler calls on_shutdown.
#include <wisp/lifecycle.h>
#include <wisp/log.h>

#include "runtime.h"
#include "sys.h"

namespace wisp {

static void (*g_hook)();
static long g_first_pid; // the process that registered: the supervisor, if workers start

void on_shutdown(void (*hook)()) { g_hook = hook; }

namespace {

constexpr Str register_route() { return "/2020-01-01/extension/register"; }
constexpr Str extension_route() { return register_route().sub(0, 22); } // "/2020-01-01/extension/"

// The hook runs here, in the signal handler, and the process exits from it:
// the interrupted code never resumes, so nothing it was doing can be seen half
// done. Lambda sends SIGTERM only to an idle environment, when the loop is
// blocked reading /next; a flag checked at a safe point would cost a check in
// the loop every bootstrap carries, and a way to wake that read. SIGTERM stays
// blocked while this runs. A supervisor (Managed Instances) runs no hook: it
// passes SIGTERM on to its workers, which run theirs, and waits for them.
void on_sigterm(int)
{
    if (g_workers.pids[0] > 0 && sys::getpid() == g_first_pid) {
        for (int pid : g_workers.pids) {
            if (pid > 0)
                sys::kill(pid, sys::sigterm);
        }
        for (int pid : g_workers.pids) {
            if (pid > 0)
                sys::wait(pid);
        }
    } else {
        g_hook();
    }
    sys::exit(0);
}

void on_header(void* context, Str name, Str value)
{
    if (http::is_header(name, "lambda-extension-identifier"))
        *static_cast<Str*>(context) = value;
}

} // namespace

// Registration failures: a refused or unreadable answer only costs the hook,
// so it is logged and invocations go on (Lambda then ends the environment
// with SIGKILL, as for any runtime without extensions). A lost connection or a
// 5xx ends the process, as on /next. Once registered, the extension must call
// event/next for Lambda to end the init phase: that request is sent on a
// connection of its own and never read (no events were asked for, so its
// answer would only come at shutdown), which needs no thread or process.
bool register_shutdown(Loop& loop)
{
    if (!g_hook)
        return true;
    const net::Endpoint& endpoint = loop.client.endpoint();
    // Both heads fit: every part has a bound far below a quarter of the region.
    Builder head(loop.requests() + Layout::requests / 4, Layout::requests / 4);
    head.append("POST ").append(endpoint.base_path).append(register_route());
    head.append(" HTTP/1.1\r\nHost: ").append(endpoint.authority);
    head.append("\r\nLambda-Extension-Name: wisp-shutdown\r\nContent-Type: application/json\r\nContent-Length: 13"
                "\r\n\r\n{\"events\":[]}");
    sys::IoVec request = {head.view().ptr, head.size()};
    Str id;
    Reply reply = loop.client.exchange(&request, 1, {loop.answer(), Layout::answer, on_header, &id}, &loop.message);
    Verdict verdict = judge(loop, reply, 200, register_route());
    if (verdict == Verdict::stop)
        return false;
    if (verdict == Verdict::retry || !is_header_value(id, 256)) {
        log(Level::error, "no Lambda-Extension-Identifier: the shutdown hook will not run");
        return true;
    }
    head.clear();
    head.append("GET ").append(endpoint.base_path).append(extension_route()).append("event/next HTTP/1.1\r\nHost: ");
    head.append(endpoint.authority).append("\r\nLambda-Extension-Identifier: ").append(id).append("\r\n\r\n");
    request = {head.view().ptr, head.size()};
    net::Connection events; // left open for good: closing it would be leaving
    if (events.open(endpoint) != net::Io::ok || events.send(&request, 1) != net::Io::ok) {
        log(Level::fatal, "extension event/next not sent: init would never end");
        return false;
    }
    g_first_pid = sys::getpid();
    sys::on_signal(sys::sigterm, on_sigterm);
    return true;
}

} // namespace wisp
