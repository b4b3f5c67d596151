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

enum class Verdict : unsigned char { go_on, stop };
enum class Answer : unsigned char { expected, unexpected, fatal };
enum class Post : unsigned char { response, error, init_error };

void say(Level level, Str message, Str detail = {}, Str more = {})
{
    Str parts[] = {message, detail, more};
    log_parts(level, parts, 3);
}

// Logs an answer that is not the expected status. The connection gone or a
// 5xx ("container error") is fatal; an unreadable answer drops the connection.
Answer classify(Loop& loop, Reply reply, const Message& message, int expected, Str route)
{
    if (reply == Reply::closed || reply == Reply::failed) {
        say(Level::fatal, "connection lost on ", route);
        return Answer::fatal;
    }
    if (reply == Reply::invalid) {
        loop.client.reset();
        say(Level::error, "garbled answer to ", route);
        return Answer::unexpected;
    }
    int status = message.head.status;
    if (status == expected)
        return Answer::expected;
    char text[32];
    Builder b(text, sizeof text);
    b.append("HTTP ").append_int(status);
    bool fatal = status >= 500;
    say(fatal ? Level::fatal : Level::error, b.view(), " to ", route);
    return fatal ? Answer::fatal : Answer::unexpected;
}

void append_request(Builder& b, const net::Endpoint& endpoint, Str method, Str route, Str id, Str tail)
{
    b.append(method).append(endpoint.base_path).append("/2018-06-01/runtime/").append(route).append(id).append(tail);
    b.append(" HTTP/1.1\r\nHost: ").append(endpoint.authority).append("\r\n");
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

Verdict post(Loop& loop, Post kind, const Invocation* inv, Str type, Str body)
{
    static constexpr Str tails[] = {"/response", "/error", "init/error"};
    // Request heads go after the GET request, in the first half of the
    // requests region; error bodies are built in the second half.
    Builder head(loop.requests() + loop.get_next.len, Layout::requests / 2 - loop.get_next.len);
    Str tail = tails[static_cast<int>(kind)];
    if (inv)
        append_request(head, loop.client.endpoint(), "POST ", "invocation/", inv->request_id, tail);
    else
        append_request(head, loop.client.endpoint(), "POST ", tail, {}, {});
    head.append(kind == Post::response ? Str("Content-Type: ") : Str("Lambda-Runtime-Function-Error-Type: "));
    head.append(type).append("\r\n");
    if (inv && is_header_value(inv->invocation_id, 128)) // echoed back: never a broken header
        head.append("Lambda-Runtime-Invocation-Id: ").append(inv->invocation_id).append("\r\n");
    head.append("Content-Length: ").append_uint(body.len).append("\r\n\r\n");
    if (head.overflowed()) // cannot happen: every part has a bound
        __builtin_trap();

    sys::IoVec iov[2] = {{head.view().ptr, head.size()}, {body.ptr, body.len}};
    Message answer;
    Reply reply = loop.client.exchange(iov, 2, {loop.answer(), Layout::answer, nullptr, nullptr}, &answer);
    Answer a = classify(loop, reply, answer, 202, tail);
    return a == Answer::fatal ? Verdict::stop : Verdict::go_on;
}

// A message cut to `max` bytes without splitting a UTF-8 sequence.
Str clip(Str text, size_t max)
{
    if (text.len <= max)
        return text;
    while (max > 0 && (text.byte(max) & 0xc0) == 0x80)
        --max;
    return text.sub(0, max);
}

Verdict post_error(Loop& loop, Post kind, const Invocation* inv, Str type, Str message)
{
    type = clip(type, 256);
    message = clip(message, 8192); // escaped, it still fits in half the requests region
    say(Level::error, type, ": ", message);
    Builder body(loop.requests() + Layout::requests / 2, Layout::requests / 2);
    body.append("{\"errorMessage\":").append_json_string(message).append(",\"errorType\":");
    body.append_json_string(type).append(",\"stackTrace\":[]}");
    // Lambda itself records types not of the (Runtime|Function).Xxx form as
    // Runtime.Unknown; here a type only has to be safe in a header.
    return post(loop, kind, inv, is_header_value(type, 256) ? type : Str("Runtime.Unknown"), body.view());
}

Verdict answer(Loop& loop, const Invocation& inv, const Outcome& outcome)
{
    Str type = outcome.error_type, message = outcome.error_message;
    if (outcome.status == Status::success) {
        if (loop.out.overflowed()) {
            type = "Function.ResponseSizeTooLarge";
            message = "response over 6291556 bytes";
        } else if (loop.arena.exhausted()) {
            type = "Runtime.ArenaExhausted";
            message = "arena exhausted";
        } else if (!is_header_value(outcome.content_type, 256)) {
            type = "Runtime.InvalidContentType";
            message = "content type not 1-256 printable ASCII bytes";
        } else {
            return post(loop, Post::response, &inv, outcome.content_type, outcome.payload);
        }
    }
    return post_error(loop, Post::error, &inv, type, message);
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
    Answer a = classify(loop, reply, next, 200, "/next");
    if (a == Answer::fatal)
        return Verdict::stop;
    if (a == Answer::unexpected) {
        if (++loop.next_failures < max_next_failures)
            return Verdict::go_on;
        say(Level::fatal, "/next failed 3 times in a row");
        return Verdict::stop;
    }
    loop.next_failures = 0;
    if (!is_safe_request_id(inv.request_id)) {
        say(Level::error, "dropped an invocation: request id not [A-Za-z0-9-]{1,128}");
        return Verdict::go_on;
    }
    inv.body = next.body;
    set_log_request_id(inv.request_id);
    loop.out.clear();
    Outcome outcome = next.too_large ? failure("Runtime.EventTooLarge", "event too large")
                                     : handle(inv, loop.arena, loop.out);
    Verdict verdict = answer(loop, inv, outcome);
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
    Loop loop{Client(endpoint), memory, Arena(requests + Layout::requests + Layout::body + Layout::answer, Layout::arena),
              Builder(requests + Layout::requests, Layout::body), {}};
    Builder get(requests, Layout::requests);
    append_request(get, endpoint, "GET ", "invocation/next", {}, {});
    loop.get_next = get.append("\r\n").view();

    if (init) {
        Outcome outcome = init(loop.arena);
        if (outcome.status == Status::success && loop.arena.exhausted())
            outcome = failure("Runtime.ArenaExhausted", "arena exhausted");
        if (outcome.status == Status::failure) {
            post_error(loop, Post::init_error, nullptr, outcome.error_type, outcome.error_message);
            return 1;
        }
        loop.arena_base = loop.arena.mark();
    }
    while (invoke_once(loop) == Verdict::go_on) {
    }
    return 1;
}

} // namespace wisp
