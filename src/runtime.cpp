#include "runtime.h"

#include <wisp/handler.h>
#include <wisp/log.h>

#include "log_context.h"

namespace wisp {

namespace {

constexpr int max_next_failures = 3; // unreadable or refused /next answers in a row

struct Loop {
    Client client;
    const Regions& regions;
    Arena arena;
    Builder out;
    Str get_next; // the GET /next request, built once
    size_t arena_base = 0;
    int next_failures = 0;
};

void say(Level level, Str a, Str b = {}, Str c = {}, Str d = {})
{
    Str parts[] = {a, b, c, d};
    log_parts(level, parts, 4);
}

Str status_text(Builder& scratch, int status)
{
    scratch.clear();
    return scratch.append_int(status).view();
}

void append_request_line(Builder& b, const net::Endpoint& endpoint, Str method, Str route)
{
    b.append(method).append(' ').append(endpoint.base_path).append("/2018-06-01/runtime/").append(route);
    b.append(" HTTP/1.1\r\nHost: ").append(endpoint.authority).append("\r\n");
}

bool is_error_type(Str type) // (Runtime|Function)\.[A-Z][a-zA-Z]+
{
    Str rest;
    if (type.starts_with("Runtime."))
        rest = type.sub(8);
    else if (type.starts_with("Function."))
        rest = type.sub(9);
    if (rest.len < 2 || rest.byte(0) < 'A' || rest.byte(0) > 'Z')
        return false;
    for (size_t i = 1; i < rest.len; ++i) {
        unsigned char c = rest.byte(i) | 0x20;
        if (c < 'a' || c > 'z')
            return false;
    }
    return true;
}

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

// A message cut to `max` bytes without splitting a UTF-8 sequence.
Str clip(Str text, size_t max)
{
    if (text.len <= max)
        return text;
    while (max > 0 && (text.byte(max) & 0xc0) == 0x80)
        --max;
    return text.sub(0, max);
}

enum class Verdict : unsigned char { go_on, stop };

// What an answer to a post means for the loop.
Verdict judge_post(Loop& loop, Reply reply, const Message& answer, Str request_id)
{
    char digits[8];
    Builder scratch(digits, sizeof digits);
    if (reply == Reply::closed || reply == Reply::failed) {
        say(Level::fatal, "lost the Runtime API connection while posting for ", request_id);
        return Verdict::stop;
    }
    if (reply == Reply::invalid) {
        loop.client.reset();
        say(Level::error, "unreadable answer from the Runtime API to the post for ", request_id);
        return Verdict::go_on;
    }
    int status = answer.head.status;
    if (status == 202)
        return Verdict::go_on;
    if (status == 413) {
        say(Level::error, "response too large (413): the platform failed the invocation with Function.ResponseSizeTooLarge");
        return Verdict::go_on;
    }
    if (status >= 500) {
        say(Level::fatal, "Runtime API answered ", status_text(scratch, status), " (container error): exiting");
        return Verdict::stop;
    }
    say(Level::error, "Runtime API answered ", status_text(scratch, status), " to the post for ", request_id);
    return Verdict::go_on;
}

Verdict post(Loop& loop, Str route, Str headers, Str body, Str request_id)
{
    const net::Endpoint& endpoint = loop.client.endpoint();
    const Regions& r = loop.regions;
    // The head goes after what the requests region already holds: the GET
    // request, and the error body when there is one.
    Str held = loop.get_next;
    if (body.ptr >= r.requests && body.ptr < r.requests + r.requests_capacity)
        held = {r.requests, static_cast<size_t>(body.end() - r.requests)};
    Builder head(r.requests + held.len, r.requests_capacity - held.len);
    append_request_line(head, endpoint, "POST", route);
    head.append(headers).append("Content-Length: ").append_uint(body.len).append("\r\n\r\n");
    if (head.overflowed()) // cannot happen: every part is bounded
        __builtin_trap();
    sys::IoVec iov[2] = {{head.view().ptr, head.size()}, {body.ptr, body.len}};
    Message answer;
    Reply reply = loop.client.exchange(iov, 2, loop.regions.answer, loop.regions.answer_capacity, loop.regions.answer_capacity, &answer);
    return judge_post(loop, reply, answer, request_id);
}

// {"errorMessage":...,"errorType":...,"stackTrace":[]} after the GET request
// in the requests region; messages are clipped so it always fits.
Str error_body(Loop& loop, Str type, Str message)
{
    Builder b(loop.regions.requests + loop.get_next.len, loop.regions.requests_capacity / 2);
    b.append("{\"errorMessage\":").append_json_string(clip(message, 8192));
    b.append(",\"errorType\":").append_json_string(clip(type, 256)).append(",\"stackTrace\":[]}");
    return b.view();
}

Verdict post_error(Loop& loop, Str route, Str request_id, Str invocation_id, Str type, Str message)
{
    char headers[512];
    Builder h(headers, sizeof headers);
    h.append("Lambda-Runtime-Function-Error-Type: ").append(is_error_type(type) && type.len < 200 ? type : Str("Runtime.Unknown"));
    h.append("\r\nContent-Type: application/json\r\n");
    if (!invocation_id.empty())
        h.append("Lambda-Runtime-Invocation-Id: ").append(invocation_id).append("\r\n");
    say(Level::error, "invocation failed: ", clip(type, 256), ": ", clip(message, 512));
    return post(loop, route, h.view(), error_body(loop, type, message), request_id);
}

void route_for(Builder& route, Str request_id, Str tail)
{
    route.append("invocation/").append(request_id).append(tail);
}

Verdict answer(Loop& loop, const Invocation& inv, const Outcome& outcome)
{
    char route_bytes[192];
    Builder route(route_bytes, sizeof route_bytes);
    Str invocation_id = is_header_value(inv.invocation_id, 128) ? inv.invocation_id : Str();
    Str type = outcome.error_type, message = outcome.error_message;
    if (outcome.status == Status::success) {
        if (loop.out.overflowed()) {
            type = "Function.ResponseSizeTooLarge";
            message = "the response is larger than Lambda's limit of 6291556 bytes";
        } else if (loop.arena.exhausted()) {
            type = "Runtime.ArenaExhausted";
            message = "the handler ran out of arena memory";
        } else if (!is_header_value(outcome.content_type, 256)) {
            type = "Runtime.InvalidContentType";
            message = "the handler's content type is empty, too long or has control characters";
        } else {
            char headers[512];
            Builder h(headers, sizeof headers);
            h.append("Content-Type: ").append(outcome.content_type).append("\r\n");
            if (!invocation_id.empty())
                h.append("Lambda-Runtime-Invocation-Id: ").append(invocation_id).append("\r\n");
            route_for(route, inv.request_id, "/response");
            return post(loop, route.view(), h.view(), outcome.payload, inv.request_id);
        }
    }
    route_for(route, inv.request_id, "/error");
    return post_error(loop, route.view(), inv.request_id, invocation_id, type, message);
}

long long parse_deadline(Str text)
{
    long long value = 0;
    if (text.empty() || text.len > 18)
        return 0;
    for (size_t i = 0; i < text.len; ++i) {
        unsigned digit = text.byte(i) - unsigned('0');
        if (digit > 9)
            return 0;
        value = value * 10 + digit;
    }
    return value;
}

// The invocation headers, by name after the "Lambda-Runtime-" prefix.
void read_headers(const http::Head& head, Invocation* inv)
{
    struct Field {
        Str name;
        Str Invocation::*field;
    };
    static constexpr Field fields[] = {
        {"Aws-Request-Id", &Invocation::request_id},
        {"Invoked-Function-Arn", &Invocation::function_arn},
        {"Trace-Id", &Invocation::trace_id},
        {"Client-Context", &Invocation::client_context},
        {"Cognito-Identity", &Invocation::cognito_identity},
        {"Aws-Tenant-Id", &Invocation::tenant_id},
        {"Invocation-Id", &Invocation::invocation_id},
    };
    size_t kept = head.header_count < http::max_headers ? head.header_count : http::max_headers;
    for (size_t i = 0; i < kept; ++i) {
        Str name = head.headers[i].name, value = head.headers[i].value;
        if (equals_ignore_case(name, "Content-Type")) {
            inv->content_type = value;
            continue;
        }
        if (name.len < 16 || !equals_ignore_case(name.sub(0, 15), "Lambda-Runtime-"))
            continue;
        name = name.sub(15);
        if (equals_ignore_case(name, "Deadline-Ms"))
            inv->deadline_ms = parse_deadline(value);
        for (const Field& f : fields) {
            if (equals_ignore_case(name, f.name))
                inv->*f.field = value;
        }
    }
}

Verdict next_failed(Loop& loop, Str what, Str detail = {})
{
    loop.client.reset();
    if (++loop.next_failures >= max_next_failures) {
        say(Level::fatal, what, detail, ": giving up after 3 attempts in a row");
        return Verdict::stop;
    }
    say(Level::error, what, detail, ": retrying");
    return Verdict::go_on;
}

Verdict invoke_once(Loop& loop)
{
    const Regions& r = loop.regions;
    sys::IoVec iov[1] = {{loop.get_next.ptr, loop.get_next.len}};
    Message next;
    Reply reply = loop.client.exchange(iov, 1, r.receive, r.receive_capacity, r.receive_capacity, &next);
    if (reply == Reply::closed || reply == Reply::failed) {
        say(Level::fatal, "lost the Runtime API connection waiting for the next invocation");
        return Verdict::stop;
    }
    if (reply == Reply::invalid)
        return next_failed(loop, "unreadable answer from the Runtime API to /next");
    char digits[8];
    Builder scratch(digits, sizeof digits);
    if (next.head.status >= 500) {
        say(Level::fatal, "Runtime API answered /next with ", status_text(scratch, next.head.status), " (container error): exiting");
        return Verdict::stop;
    }
    if (next.head.status != 200)
        return next_failed(loop, "Runtime API answered /next with ", status_text(scratch, next.head.status));
    loop.next_failures = 0;

    Invocation inv;
    read_headers(next.head, &inv);
    inv.body = next.body;
    if (!is_safe_request_id(inv.request_id)) {
        say(Level::error, "dropping an invocation whose request id is missing, longer than 128 bytes or not [A-Za-z0-9-]");
        return Verdict::go_on;
    }
    set_log_request_id(inv.request_id);
    Outcome outcome;
    if (next.too_large) {
        outcome = failure("Runtime.EventTooLarge", "the event is larger than the runtime's receive buffer");
    } else {
        loop.out.clear();
        outcome = handle(inv, loop.arena, loop.out);
    }
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
        bool ok = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

int run(const net::Endpoint& endpoint, const Regions& regions)
{
    Loop loop{Client(endpoint), regions, Arena(regions.arena, regions.arena_capacity), Builder(regions.body, regions.body_capacity), {}};
    Builder get(regions.requests, regions.requests_capacity);
    append_request_line(get, endpoint, "GET", "invocation/next");
    get.append("\r\n");
    loop.get_next = get.view();

    if (init) {
        Outcome outcome = init(loop.arena);
        if (outcome.status == Status::failure) {
            post_error(loop, "init/error", {}, {}, outcome.error_type, outcome.error_message);
            return 1;
        }
        loop.arena_base = loop.arena.mark();
    }
    while (invoke_once(loop) == Verdict::go_on) {
    }
    return 1;
}

} // namespace wisp
