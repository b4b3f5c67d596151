#include "runtime.h"

#include <wisp/handler.h>
#include <wisp/log.h>

#include "env.h"
#include "log_context.h"
#include "sys.h"

namespace wisp {

constexpr int max_next_failures = 3; // refused or unreadable /next answers in a row

Verdict judge(Loop& loop, Reply reply, int expected, Str route)
{
    int status = loop.message.head.status;
    if (reply == Reply::ok && status == expected)
        return Verdict::go_on;
    char text[] = "HTTP 000 on ";
    Str what = "connection lost on ";
    Level level = Level::fatal;
    if (reply == Reply::ok) {
        // Not unrolled: three copies of the digit step cost more (clang,
        // which builds the fuzz targets, spells "never" differently).
#ifdef __clang__
#pragma clang loop unroll(disable)
#else
#pragma GCC unroll 0
#endif
        for (int i = 7, n = status; i > 4; --i, n /= 10) // a status is 3 digits
            text[i] = static_cast<char>('0' + n % 10);
        what = text;
        if (status < 500)
            level = Level::error;
    } else if (reply == Reply::invalid) {
        loop.client.reset();
        what = "garbled answer on ";
        level = Level::error;
    }
    Str parts[] = {what, route};
    log_parts(level, parts, 2);
    return level == Level::fatal ? Verdict::stop : Verdict::retry;
}

bool is_header_value(Str value, size_t max)
{
    if (value.empty() || value.len > max)
        return false;
    for (size_t i = 0; i < value.len; ++i) {
        if (value.byte(i) - 0x20u > 0x7eu - 0x20u) // one compare: below 0x20 wraps around
            return false;
    }
    return true;
}

namespace {

// The GET /next request line after the base path, up to the Host header's
// value; the posts' heads share its parts.
constexpr Str next_request() { return "/2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: "; }
constexpr Str runtime_route() { return next_request().sub(0, 20); }    // "/2018-06-01/runtime/"
constexpr Str invocation_route() { return next_request().sub(0, 31); } // "/2018-06-01/runtime/invocation/"
constexpr Str host_line() { return next_request().sub(35); }           // " HTTP/1.1\r\nHost: "
constexpr Str next_route() { return next_request().sub(30, 5); }       // "/next"

} // namespace

// A failure is sent as its error_document, built in the second half of the
// requests region.
Verdict post(Loop& loop, const Invocation* inv, Status status, Str type, Str text)
{
    bool error = status == Status::failure;
    char* requests = loop.requests();
    if (error)
        error_document(requests, type, text);
    // The head goes in the second quarter of the region (the GET request is
    // in the first, the error body in the second half).
    Builder head(requests + Layout::requests / 4, Layout::requests / 4);
    Str tail = "/response";
    if (!inv)
        tail = error_route();
    else if (error)
        tail = "/error";
    head.append("POST ").append(loop.client.endpoint().base_path).append(inv ? invocation_route() : runtime_route());
    if (inv)
        head.append(inv->request_id);
    head.append(tail).append(host_line()).append(loop.client.endpoint().authority);
    if (error)
        head.append("\r\nLambda-Runtime-Function-Error-Type: ");
    else
        head.append("\r\nContent-Type: ");
    head.append(type);
    if (error && inv)
        error_headers(loop, head);
    if (inv && is_header_value(inv->invocation_id, 128)) // echoed back: never a broken header
        head.append("\r\nLambda-Runtime-Invocation-Id: ").append(inv->invocation_id);
    head.append("\r\nContent-Length: ").append_uint(text.len).append("\r\n\r\n");
    if (head.overflowed()) // every part has a bound
        cannot_happen();

    sys::IoVec iov[2] = {{head.view().ptr, head.size()}, {text.ptr, text.len}};
    Message& answer = loop.message;
    Reply reply = loop.client.exchange(iov, 2, {loop.answer(), Layout::answer, nullptr, nullptr}, &answer);
    return judge(loop, reply, 202, tail);
}

namespace {

// A failure the runtime reports itself, packed into one literal: the type's
// length, the type, the message's length, the message. A pointer to it is
// cheaper to pick than the four words of an Outcome.
template <size_t T, size_t M>
struct Packed {
    char bytes[T + M];
};

template <size_t T, size_t M>
consteval Packed<T, M> pack(const char (&type)[T], const char (&text)[M])
{
    static_assert(T <= 128 && M <= 128);
    Packed<T, M> packed{};
    packed.bytes[0] = T - 1;
    for (size_t i = 0; i + 1 < T; ++i)
        packed.bytes[1 + i] = type[i];
    packed.bytes[T] = M - 1;
    for (size_t i = 0; i + 1 < M; ++i)
        packed.bytes[T + 1 + i] = text[i];
    return packed;
}

constexpr auto event_too_large = pack("Runtime.EventTooLarge", "event too large");
constexpr auto response_too_large = pack("Function.ResponseSizeTooLarge", "response over 6291556 bytes");
constexpr auto arena_exhausted = pack("Runtime.ArenaExhausted", "arena exhausted");
constexpr auto invalid_content_type =
    pack("Runtime.InvalidContentType", "content type not 1-256 printable ASCII bytes");

Outcome unpack(const char* packed)
{
    size_t type = static_cast<unsigned char>(packed[0]);
    return failure({packed + 1, type}, {packed + 2 + type, static_cast<unsigned char>(packed[1 + type])});
}

// Fills the Invocation from the /next headers.
void on_header(void* context, Str name, Str value)
{
    // The Strs set from headers, one after another: the length of the name,
    // the Str's index in Invocation, the name. First the "Lambda-Runtime-"
    // headers (after the prefix; index 9 is deadline_ms, a number), then the
    // one other header, each list ended by a 0.
    static constexpr char fields[] = "\16\0aws-request-id"
                                     "\24\3invoked-function-arn"
                                     "\10\4trace-id"
                                     "\16\5client-context"
                                     "\20\6cognito-identity"
                                     "\15\7aws-tenant-id"
                                     "\15\10invocation-id"
                                     "\13\11deadline-ms"
                                     "\0"
                                     "\14\2content-type";
    constexpr auto at = [](size_t offset) { return offset / sizeof(Str); };
    static_assert(at(offsetof(Invocation, request_id)) == 0 && at(offsetof(Invocation, content_type)) == 2 &&
        at(offsetof(Invocation, function_arn)) == 3 && at(offsetof(Invocation, trace_id)) == 4 &&
        at(offsetof(Invocation, client_context)) == 5 && at(offsetof(Invocation, cognito_identity)) == 6 &&
        at(offsetof(Invocation, tenant_id)) == 7 && at(offsetof(Invocation, invocation_id)) == 8 &&
        at(offsetof(Invocation, deadline_ms)) == 9);
    auto* inv = static_cast<Invocation*>(context);
    if (name.empty()) {
        *inv = Invocation{};
        return;
    }
    static_assert(fields[sizeof fields - 15] == 12);
    auto* f = reinterpret_cast<const unsigned char*>(fields + sizeof fields - 15); // content-type
    if (name.len > 15 && http::is_header({name.ptr, 15}, "lambda-runtime-")) {
        name = {name.ptr + 15, name.len - 15};
        f = reinterpret_cast<const unsigned char*>(fields);
    }
    for (; *f; f += 2 + *f) {
        if (http::is_header(name, {reinterpret_cast<const char*>(f + 2), *f})) {
            unsigned index = f[1];
            unsigned long long ms;
            if (index != 9)
                *reinterpret_cast<Str*>(reinterpret_cast<char*>(inv) + sizeof(Str) * index) = value;
            else if (read_number(value, 10, 18, &ms) == value.len)
                inv->deadline_ms = static_cast<long long>(ms);
            break;
        }
    }
}

Verdict invoke_once(Loop& loop)
{
    Invocation& inv = loop.inv;
    Message& next = loop.message;
    Reply reply = loop.client.exchange(&loop.get_next, 1, {loop.receive(), Layout::receive, on_header, &inv}, &next);
    Verdict verdict = judge(loop, reply, 200, next_route());
    if (verdict == Verdict::retry && ++loop.next_failures == max_next_failures) {
        log(Level::fatal, "/next failed 3 times in a row");
        verdict = Verdict::stop;
    }
    if (verdict != Verdict::go_on)
        return verdict;
    loop.next_failures = 0;
    if (!is_safe_request_id(inv.request_id)) {
        log(Level::error, "dropped an invocation: request id not [A-Za-z0-9-]{1,128}");
        return Verdict::go_on;
    }
    inv.body = next.body;
    set_log_invocation(&inv);
    set_trace_variable(inv.trace_id);
    loop.out.clear();
    const char* why = nullptr;
    Outcome outcome;
    if (next.too_large) {
        why = event_too_large.bytes;
    } else {
        outcome = handle(inv, loop.arena, loop.out);
        if (outcome.status == Status::success) {
            if (loop.out.overflowed())
                why = response_too_large.bytes;
            else if (loop.arena.exhausted())
                why = arena_exhausted.bytes;
            else if (!is_header_value(outcome.type, 256))
                why = invalid_content_type.bytes;
        }
    }
    if (why)
        outcome = unpack(why);
    int streamed = finish_stream(loop, outcome);
    verdict =
        streamed < 0 ? post(loop, &inv, outcome.status, outcome.type, outcome.text) : static_cast<Verdict>(streamed);
    loop.arena.reset_to(loop.arena_base);
    set_log_invocation(nullptr);
    return verdict;
}

// Managed Instances: returns true in each worker, ready to run the loop, and
// at once with one loop; false in the supervisor once a worker has ended (or
// none could start), which ends the environment: Lambda replaces it.
[[gnu::always_inline]] inline bool start_workers(Loop& loop)
{
    // Lambda sends 2..1600 (above 999 no more processes could start anyway:
    // 1,024 processes and threads per environment); anything else is 1.
    Str value = env("AWS_LAMBDA_MAX_CONCURRENCY");
    unsigned long long n;
    if (read_number(value, 10, 3, &n) != value.len || n <= 1)
        return true;
    loop.client.reset(); // each worker opens a connection of its own
    int* worker = g_workers.pids;
    int pid;
    do {
        pid = *worker++ = static_cast<int>(sys::fork());
        if (pid == 0) {
            // Killed when the supervisor ends. (Were it to end before this
            // call, this worker would go on alone: only possible if another
            // worker ended at once, when the environment is failing anyway.)
            sys::set_parent_death_signal(sys::sigkill);
            return true;
        }
    } while (pid > 0 && --n);
    sys::wait(-1);
    return false;
}

} // namespace

Workers g_workers;

// Used when the handler defines no init of its own (a definition, not an
// undefined weak symbol: that would need a GOT entry to hold its null address).
[[gnu::weak]] Outcome init(Arena&) { return success({}); }
[[gnu::weak]] bool register_shutdown(Loop&) { return true; }
[[gnu::weak]] bool snapshot_and_restore(Loop&) { return true; }
[[gnu::weak]] int finish_stream(Loop&, const Outcome&) { return -1; }
[[gnu::weak]] void error_headers(Loop&, Builder&) { }
[[gnu::weak]] Str error_route() { return "init/error"; }

bool is_safe_request_id(Str id)
{
    if (id.empty() || id.len > 128)
        return false;
    for (size_t i = 0; i < id.len; ++i) {
        unsigned c = id.byte(i); // unsigned int: no truncation after each subtraction
        if (c - '0' > 9 && (c | 0x20) - 'a' > 25 && c != '-')
            return false;
    }
    return true;
}

// Not cloned for main's one static Endpoint: absolute addresses make the copy bigger.
[[gnu::noclone]] int run(const net::Endpoint& endpoint, char* memory)
{
    char* requests = memory + Layout::receive;
    Loop loop{Client(endpoint), memory,
        Arena(requests + Layout::requests + Layout::body + Layout::answer, Layout::arena),
        Builder(requests + Layout::requests, response_limit), {}};
    Builder get(requests, Layout::requests);
    get.append("GET ").append(endpoint.base_path).append(next_request());
    get.append(endpoint.authority).append("\r\n\r\n");
    loop.get_next = {requests, get.size()};

    Outcome outcome = init(loop.arena);
    if (outcome.status == Status::success && loop.arena.exhausted())
        outcome = unpack(arena_exhausted.bytes);
    if (outcome.status == Status::failure) {
        post(loop, nullptr, outcome.status, outcome.type, outcome.text);
        return 1;
    }
    if (!register_shutdown(loop) || !snapshot_and_restore(loop) || !start_workers(loop))
        return 1;
    loop.arena_base = loop.arena.mark();
    while (invoke_once(loop) != Verdict::stop) { }
    return 1;
}

} // namespace wisp
