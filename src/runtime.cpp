#include "runtime.h"

#include <wisp/handler.h>
#include <wisp/log.h>

#include "log_context.h"

namespace wisp {

namespace {

constexpr int max_next_failures = 3; // refused or unreadable /next answers in a row

struct Loop {
    Client client;
    char* memory; // Layout::total bytes
    Arena arena;
    Builder out;
    Str get_next; // the GET /next request, built once
    size_t arena_base = 0;
    int next_failures = 0;

    char* receive() const { return memory; }
    char* requests() const { return memory + Layout::receive; }
    char* answer() const { return requests() + Layout::requests + Layout::body; }
};

enum class Verdict : unsigned char { go_on, stop, retry };
enum class Post : unsigned char { response, error, init_error };

void say(Level level, Str message, Str detail = {})
{
    Str parts[] = {message, detail};
    log_parts(level, parts, 2);
}

// What an answer means for the loop: the expected status goes on; the
// connection lost or a 5xx ("container error") stops; anything else is
// logged and retried (an unreadable answer also drops the connection).
Verdict judge(Loop& loop, Reply reply, int status, int expected, Str route)
{
    if (reply == Reply::ok && status == expected)
        return Verdict::go_on;
    char text[48];
    Builder b(text, sizeof text);
    if (reply == Reply::ok)
        b.append("HTTP ").append_int(status);
    else
        b.append(reply == Reply::invalid ? Str("garbled answer") : Str("connection lost"));
    bool fatal = (reply == Reply::ok && status >= 500) || reply == Reply::closed || reply == Reply::failed;
    if (reply == Reply::invalid)
        loop.client.reset();
    say(fatal ? Level::fatal : Level::error, b.append(" on ").view(), route);
    return fatal ? Verdict::stop : Verdict::retry;
}

// Everything but CTLs and non-ASCII: safe inside a header value.
bool is_header_value(Str value, size_t max)
{
    if (value.empty() || value.len > max)
        return false;
    for (size_t i = 0; i < value.len; ++i) {
        if (value.byte(i) < 0x20 || value.byte(i) >= 0x7f)
            return false;
    }
    return true;
}

// A text cut to `max` bytes without splitting a UTF-8 sequence.
Str clip(Str text, size_t max)
{
    if (text.len > max) {
        while (max > 0 && (text.byte(max) & 0xc0) == 0x80)
            --max;
        text.len = max;
    }
    return text;
}

// Posts a response, or an error ({"errorMessage", "errorType", "stackTrace"}
// built in the second half of the requests region), for inv or for init.
Verdict post(Loop& loop, Post kind, const Invocation* inv, Str type, Str text)
{
    static constexpr Str tails[] = {"/response", "/error", "init/error"};
    char* requests = loop.requests();
    if (kind != Post::response) {
        type = clip(type, 256);
        text = clip(text, 8192); // escaped, it still fits in half the requests region
        Str parts[] = {type, ": ", text};
        log_parts(Level::error, parts, 3);
        Builder body(requests + Layout::requests / 2, Layout::requests / 2);
        body.append("{\"errorMessage\":").append_json_string(text).append(",\"errorType\":");
        text = body.append_json_string(type).append(",\"stackTrace\":[]}").view();
        // Lambda itself records types not of the (Runtime|Function).Xxx form
        // as Runtime.Unknown; here a type only has to be safe in a header.
        if (!is_header_value(type, 256))
            type = "Runtime.Unknown";
    }
    // The head goes after the GET request, in the first half of the region.
    Builder head(requests + loop.get_next.len, Layout::requests / 2 - loop.get_next.len);
    Str tail = tails[static_cast<int>(kind)];
    head.append("POST ").append(loop.client.endpoint().base_path).append("/2018-06-01/runtime/");
    if (inv)
        head.append("invocation/").append(inv->request_id);
    head.append(tail).append(" HTTP/1.1\r\nHost: ").append(loop.client.endpoint().authority);
    head.append(kind == Post::response ? Str("\r\nContent-Type: ") : Str("\r\nLambda-Runtime-Function-Error-Type: "));
    head.append(type);
    if (inv && is_header_value(inv->invocation_id, 128)) // echoed back: never a broken header
        head.append("\r\nLambda-Runtime-Invocation-Id: ").append(inv->invocation_id);
    head.append("\r\nContent-Length: ").append_uint(text.len).append("\r\n\r\n");
    if (head.overflowed()) // cannot happen: every part has a bound
        __builtin_trap();

    sys::IoVec iov[2] = {{head.view().ptr, head.size()}, {text.ptr, text.len}};
    Message answer;
    Reply reply = loop.client.exchange(iov, 2, {loop.answer(), Layout::answer, nullptr, nullptr}, &answer);
    return judge(loop, reply, answer.head.status, 202, tail) == Verdict::stop ? Verdict::stop : Verdict::go_on;
}

// Fills the Invocation from the /next headers.
void on_header(void* context, Str name, Str value)
{
    struct Field {
        Str name; // after "Lambda-Runtime-"
        Str Invocation::*field;
    };
    static constexpr Field fields[] = {
        {"aws-request-id", &Invocation::request_id},
        {"invoked-function-arn", &Invocation::function_arn},
        {"trace-id", &Invocation::trace_id},
        {"client-context", &Invocation::client_context},
        {"cognito-identity", &Invocation::cognito_identity},
        {"aws-tenant-id", &Invocation::tenant_id},
        {"invocation-id", &Invocation::invocation_id},
    };
    auto* inv = static_cast<Invocation*>(context);
    if (name.empty()) {
        *inv = Invocation{};
    } else if (http::is_header(name, "content-type")) {
        inv->content_type = value;
    } else if (name.len > 15 && http::is_header({name.ptr, 15}, "lambda-runtime-")) {
        name = {name.ptr + 15, name.len - 15};
        unsigned long long ms;
        if (http::is_header(name, "deadline-ms") && read_number(value, 10, 18, &ms) == value.len)
            inv->deadline_ms = static_cast<long long>(ms);
        for (const Field& f : fields) {
            if (http::is_header(name, f.name)) {
                inv->*f.field = value;
                break;
            }
        }
    }
}

Verdict invoke_once(Loop& loop)
{
    sys::IoVec iov[1] = {{loop.get_next.ptr, loop.get_next.len}};
    Invocation inv;
    Message next;
    Reply reply = loop.client.exchange(iov, 1, {loop.receive(), Layout::receive, on_header, &inv}, &next);
    Verdict verdict = judge(loop, reply, next.head.status, 200, "/next");
    if (verdict == Verdict::retry && ++loop.next_failures == max_next_failures) {
        say(Level::fatal, "/next failed 3 times in a row");
        verdict = Verdict::stop;
    }
    if (verdict != Verdict::go_on)
        return verdict;
    loop.next_failures = 0;
    if (!is_safe_request_id(inv.request_id)) {
        say(Level::error, "dropped an invocation: request id not [A-Za-z0-9-]{1,128}");
        return Verdict::go_on;
    }
    inv.body = next.body;
    set_log_request_id(inv.request_id);
    loop.out.clear();
    Outcome outcome =
        next.too_large ? failure("Runtime.EventTooLarge", "event too large") : handle(inv, loop.arena, loop.out);
    if (outcome.status == Status::success) {
        if (loop.out.overflowed())
            outcome = failure("Function.ResponseSizeTooLarge", "response over 6291556 bytes");
        else if (loop.arena.exhausted())
            outcome = failure("Runtime.ArenaExhausted", "arena exhausted");
        else if (!is_header_value(outcome.type, 256))
            outcome = failure("Runtime.InvalidContentType", "content type not 1-256 printable ASCII bytes");
    }
    verdict =
        post(loop, outcome.status == Status::success ? Post::response : Post::error, &inv, outcome.type, outcome.text);
    loop.arena.reset_to(loop.arena_base);
    set_log_request_id({});
    return verdict;
}

} // namespace

bool is_safe_request_id(Str id)
{
    if (id.empty() || id.len > 128)
        return false;
    for (size_t i = 0; i < id.len; ++i) {
        unsigned char c = id.byte(i);
        if (!((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '-'))
            return false;
    }
    return true;
}

int run(const net::Endpoint& endpoint, char* memory)
{
    char* requests = memory + Layout::receive;
    Loop loop{Client(endpoint), memory,
        Arena(requests + Layout::requests + Layout::body + Layout::answer, Layout::arena),
        Builder(requests + Layout::requests, Layout::body), {}};
    Builder get(requests, Layout::requests);
    get.append("GET ").append(endpoint.base_path).append("/2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: ");
    loop.get_next = get.append(endpoint.authority).append("\r\n\r\n").view();

    if (init) {
        Outcome outcome = init(loop.arena);
        if (outcome.status == Status::success && loop.arena.exhausted())
            outcome = failure("Runtime.ArenaExhausted", "arena exhausted");
        if (outcome.status == Status::failure) {
            post(loop, Post::init_error, nullptr, outcome.type, outcome.text);
            return 1;
        }
        loop.arena_base = loop.arena.mark();
    }
    while (invoke_once(loop) != Verdict::stop) { }
    return 1;
}

} // namespace wisp
